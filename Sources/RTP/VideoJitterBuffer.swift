import MediaCore

/// Reorders one incoming video stream's RTP packets and hands them on in sequence order,
/// asking for retransmission of holes (RFC 4585 generic NACK) and giving up on a hole after a
/// bounded wait, at which point the owner asks for a keyframe (PLI, rate-limited).
///
/// Packets stay in the pooled buffers they were received into; the jitter buffer owns a
/// buffer from `insert` until it has been delivered or discarded, then returns it to the
/// pool. Fixed-size storage allocated at creation: nothing allocates per packet.
/// Owned by one worker thread.
public final class VideoJitterBuffer {
    public struct Configuration: Sendable {
        /// Packets held at most (a 1080p IDR can be ~300 packets).
        public var capacity: Int = 1024
        /// How long to wait for a missing packet before skipping it.
        public var maximumWaitNanoseconds: Int64 = 150_000_000
        /// Time between NACKs for the same packet (about one round trip).
        public var nackIntervalNanoseconds: Int64 = 40_000_000
        public var maximumNACKsPerPacket: Int = 3
        /// Minimum spacing of keyframe requests (PLI/FIR) to one sender.
        public var keyframeRequestIntervalNanoseconds: Int64 = 500_000_000
        public init() {}
    }

    private struct Slot {
        var buffer: PacketBuffer?
        var sequence: Int64 = -1
    }

    private struct Missing {
        var sequence: Int64
        var firstSeen: Int64
        var lastNACK: Int64
        var nacks: Int
    }

    public let configuration: Configuration
    private let pool: PacketBufferPool
    private var slots: [Slot]
    private var unwrapper = SequenceUnwrapper<UInt16>()
    /// Next sequence number to deliver; -1 until the first packet.
    private var nextSequence: Int64 = -1
    private var highestSequence: Int64 = -1
    private var missing: [Missing]
    private var lastKeyframeRequest: Int64 = .min / 2
    private var keyframeWanted = false

    public private(set) var drops = PacketDropCounters()
    public private(set) var packetsDelivered = 0
    public private(set) var packetsSkipped = 0
    public private(set) var nacksSent = 0
    public private(set) var keyframeRequests = 0
    public private(set) var duplicates = 0

    public init(pool: PacketBufferPool, configuration: Configuration = Configuration()) {
        precondition(configuration.capacity >= 16)
        self.pool = pool
        self.configuration = configuration
        slots = [Slot](repeating: Slot(), count: configuration.capacity)
        missing = []
        missing.reserveCapacity(configuration.capacity)
    }

    deinit {
        for slot in slots { if let buffer = slot.buffer { pool.release(buffer) } }
    }

    public var bufferedPackets: Int { slots.reduce(0) { $0 + ($1.buffer == nil ? 0 : 1) } }
    public var missingCount: Int { missing.count }

    /// Takes ownership of `buffer`, which holds the RTP packet `sequenceNumber`.
    public func insert(_ buffer: PacketBuffer, sequenceNumber: UInt16, now: Int64) {
        let sequence = unwrapper.unwrap(sequenceNumber)
        if nextSequence < 0 {
            nextSequence = sequence
            highestSequence = sequence - 1
        }
        if sequence < nextSequence {
            // Already delivered or given up on: a late retransmission or a duplicate.
            drops.count(.tooLate)
            pool.release(buffer)
            return
        }
        if sequence - nextSequence >= Int64(slots.count) {
            // Far ahead (a sender restart or a huge burst of loss): start over from here.
            flushAll(now: now)
            nextSequence = sequence
            highestSequence = sequence - 1
            requestKeyframe()
        }
        let index = Int(sequence % Int64(slots.count))
        if slots[index].buffer != nil {
            duplicates += 1
            pool.release(buffer)
            return
        }
        slots[index] = Slot(buffer: buffer, sequence: sequence)
        if sequence > highestSequence {
            var s = highestSequence + 1
            while s < sequence {
                if missing.count < missing.capacity {
                    missing.append(Missing(sequence: s, firstSeen: now, lastNACK: .min / 2, nacks: 0))
                }
                s += 1
            }
            highestSequence = sequence
        } else if let i = missing.firstIndex(where: { $0.sequence == sequence }) {
            missing.remove(at: i)
        }
    }

    /// Delivers every packet that is next in order; gives up on holes older than the maximum
    /// wait. `onLoss` is called once per skipped run so the depacketizer abandons its access
    /// unit. Buffers go back to the pool after `deliver` returns.
    public func drain(now: Int64, deliver: (PacketBuffer) -> Void, onLoss: () -> Void) {
        guard nextSequence >= 0 else { return }
        while true {
            while nextSequence <= highestSequence {
                let index = Int(nextSequence % Int64(slots.count))
                guard let buffer = slots[index].buffer, slots[index].sequence == nextSequence else { break }
                slots[index].buffer = nil
                deliver(buffer)
                pool.release(buffer)
                packetsDelivered += 1
                nextSequence += 1
            }
            guard nextSequence <= highestSequence else { return }
            // A hole at nextSequence: wait for it unless it is too old.
            guard let hole = missing.first(where: { $0.sequence == nextSequence }),
                  now - hole.firstSeen >= configuration.maximumWaitNanoseconds else {
                if !missing.contains(where: { $0.sequence == nextSequence }) {
                    // Not tracked (missing list was full): skip it now.
                    skipHole(onLoss: onLoss)
                    continue
                }
                return
            }
            skipHole(onLoss: onLoss)
        }
    }

    private func skipHole(onLoss: () -> Void) {
        // Skip every consecutive missing packet at the front.
        onLoss()
        while nextSequence <= highestSequence {
            let index = Int(nextSequence % Int64(slots.count))
            if slots[index].buffer != nil && slots[index].sequence == nextSequence { break }
            if let i = missing.firstIndex(where: { $0.sequence == nextSequence }) { missing.remove(at: i) }
            packetsSkipped += 1
            nextSequence += 1
        }
        requestKeyframe()
    }

    /// Sequence numbers (16-bit) due for a NACK now; call every few milliseconds and send
    /// them in one RTCP generic NACK. Packets NACKed too often are left to the timeout.
    public func dueNACKs(now: Int64, _ body: (UInt16) -> Void) {
        for i in missing.indices where missing[i].nacks < configuration.maximumNACKsPerPacket
            && now - missing[i].lastNACK >= configuration.nackIntervalNanoseconds {
            missing[i].lastNACK = now
            missing[i].nacks += 1
            nacksSent += 1
            body(UInt16(truncatingIfNeeded: missing[i].sequence))
        }
    }

    /// The decoder or the loss logic needs an IDR from the sender.
    public func requestKeyframe() { keyframeWanted = true }

    /// True when a PLI should go out now (and records it): rate-limited so a burst of loss
    /// does not become a burst of keyframes.
    public func takeKeyframeRequest(now: Int64) -> Bool {
        guard keyframeWanted, now - lastKeyframeRequest >= configuration.keyframeRequestIntervalNanoseconds else { return false }
        keyframeWanted = false
        lastKeyframeRequest = now
        keyframeRequests += 1
        return true
    }

    private func flushAll(now: Int64) {
        for i in slots.indices {
            if let buffer = slots[i].buffer {
                pool.release(buffer)
                slots[i].buffer = nil
                packetsSkipped += 1
            }
        }
        missing.removeAll(keepingCapacity: true)
    }
}
