/// A fixed-size buffer lent by a `PacketBufferPool`. It is a plain view: the pool owns the
/// memory, and the buffer must be given back with `release(_:)` exactly once.
public struct PacketBuffer {
    public let index: Int32
    public let base: UnsafeMutableRawPointer
    public let capacity: Int
    /// Bytes in use; set by whoever fills the buffer (recvmmsg, a packetizer).
    public var length: Int

    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(start: base, count: length) }
    public var writable: UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: base, count: capacity)
    }
}

/// One contiguous slab of equally sized packet buffers with a free stack, allocated once.
///
/// Owned by one media worker: not thread-safe, no atomics, no locks. Acquire and release
/// are O(1) and never allocate; running dry is counted and reported as `nil`.
public final class PacketBufferPool {
    public let bufferSize: Int
    public let bufferCount: Int
    private let slab: UnsafeMutableRawPointer
    private let freeStack: UnsafeMutablePointer<Int32>
    private var freeCount: Int
    /// Times `acquire()` found no free buffer (a sizing signal for the operator).
    public private(set) var exhaustedCount: Int = 0

    /// - Parameter bufferSize: rounded up to a multiple of 64 so buffers start on cache lines.
    public init(bufferSize: Int, bufferCount: Int) {
        precondition(bufferSize > 0 && bufferCount > 0 && bufferCount <= Int(Int32.max))
        self.bufferSize = (bufferSize + 63) & ~63
        self.bufferCount = bufferCount
        self.slab = UnsafeMutableRawPointer.allocate(byteCount: self.bufferSize * bufferCount, alignment: 64)
        self.freeStack = UnsafeMutablePointer<Int32>.allocate(capacity: bufferCount)
        for i in 0..<bufferCount { freeStack[i] = Int32(bufferCount - 1 - i) }
        self.freeCount = bufferCount
    }

    deinit {
        slab.deallocate()
        freeStack.deallocate()
    }

    public var availableCount: Int { freeCount }

    public func acquire() -> PacketBuffer? {
        guard freeCount > 0 else {
            exhaustedCount += 1
            return nil
        }
        freeCount -= 1
        let index = freeStack[freeCount]
        return PacketBuffer(index: index, base: slab + Int(index) * bufferSize, capacity: bufferSize, length: 0)
    }

    public func release(_ buffer: PacketBuffer) {
        precondition(buffer.base == slab + Int(buffer.index) * bufferSize, "buffer is not from this pool")
        precondition(freeCount < bufferCount, "buffer released twice")
        freeStack[freeCount] = buffer.index
        freeCount += 1
    }
}
