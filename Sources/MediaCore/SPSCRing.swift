import Synchronization

/// What `SPSCRing.push` did. `wasEmpty` tells the producer the consumer may be asleep and
/// needs a wake-up (eventfd): the ring is drained completely before its consumer sleeps.
public enum SPSCPushResult: Equatable, Sendable {
    case accepted(wasEmpty: Bool)
    case full
}

/// Bounded lock-free ring for exactly one producer thread and one consumer thread.
///
/// The control plane talks to a media worker through one of these (and the worker answers
/// through another), so the worker never takes a lock. Capacity is rounded up to a power of
/// two; indices grow without bound and are masked, so full and empty are distinguishable.
public final class SPSCRing<Element: Sendable>: @unchecked Sendable {
    public let capacity: Int
    private let mask: Int
    private let slots: UnsafeMutablePointer<Element>
    // head: next slot to read (written by the consumer); tail: next slot to write (producer).
    // Padding keeps the two counters on separate cache lines so the threads don't false-share.
    private let head = Atomic<Int>(0)
    private let padding: (Int, Int, Int, Int, Int, Int, Int, Int) = (0, 0, 0, 0, 0, 0, 0, 0)
    private let tail = Atomic<Int>(0)

    public init(minimumCapacity: Int) {
        precondition(minimumCapacity > 0, "SPSCRing needs a capacity of at least 1")
        var capacity = 1
        while capacity < minimumCapacity { capacity <<= 1 }
        self.capacity = capacity
        self.mask = capacity - 1
        self.slots = UnsafeMutablePointer<Element>.allocate(capacity: capacity)
        _ = padding
    }

    deinit {
        var index = head.load(ordering: .relaxed)
        let end = tail.load(ordering: .relaxed)
        while index != end {
            (slots + (index & mask)).deinitialize(count: 1)
            index &+= 1
        }
        slots.deallocate()
    }

    /// Producer side. Never blocks; `.full` leaves the element with the caller.
    public func push(_ element: Element) -> SPSCPushResult {
        let t = tail.load(ordering: .relaxed)
        let h = head.load(ordering: .acquiring)
        if t &- h >= capacity { return .full }
        (slots + (t & mask)).initialize(to: element)
        // Sequentially consistent store/load pair: the producer's "was it empty?" check must
        // not be reordered before its publish, or a consumer going to sleep could miss a wake.
        tail.store(t &+ 1, ordering: .sequentiallyConsistent)
        let headNow = head.load(ordering: .sequentiallyConsistent)
        return .accepted(wasEmpty: headNow == t)
    }

    /// Consumer side. `nil` when empty.
    public func pop() -> Element? {
        let h = head.load(ordering: .relaxed)
        let t = tail.load(ordering: .sequentiallyConsistent)
        if h == t { return nil }
        let element = (slots + (h & mask)).move()
        head.store(h &+ 1, ordering: .sequentiallyConsistent)
        return element
    }

    /// Approximate number of queued elements (exact when called from either side alone).
    public var count: Int {
        tail.load(ordering: .acquiring) &- head.load(ordering: .acquiring)
    }

    public var isEmpty: Bool { count == 0 }
}
