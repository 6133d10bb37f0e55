import MediaCore

/// What the audio jitter buffer gives the decoder for one playout frame.
public enum AudioPlayout {
    /// Not started yet (still filling to the playout delay): play nothing.
    case idle
    /// The packet for this frame (valid during the callback).
    case packet(PacketBuffer)
    /// The frame is missing. `next` is the following frame's packet if it is already here,
    /// so an Opus decoder can rebuild this one from its in-band FEC (RFC 7587 §3.3);
    /// otherwise conceal (Opus PLC, or silence/repeat for G.711).
    case lost(next: PacketBuffer?)
}

/// Playout buffer for one incoming audio stream: holds packets for an adaptive delay
/// (20–200 ms, following measured jitter), hands one frame per tick in timestamp order, and
/// says when a frame is missing. Packets stay in their pooled buffers; fixed storage.
/// Owned by one worker thread.
public final class AudioJitterBuffer {
    public struct Configuration: Sendable {
        public var clockRate: Int = 48_000
        /// Timestamp ticks per frame (960 for 20 ms at 48 kHz, 160 for 20 ms at 8 kHz).
        public var frameTicks: Int = 960
        public var minimumDelayMilliseconds: Int = 20
        public var maximumDelayMilliseconds: Int = 200
        /// Frames held at most.
        public var capacity: Int = 64
        public init() {}
        public init(clockRate: Int, frameTicks: Int) {
            self.clockRate = clockRate
            self.frameTicks = frameTicks
        }
    }

    private struct Slot {
        var buffer: PacketBuffer?
        var frame: Int64 = -1
    }

    public let configuration: Configuration
    private let pool: PacketBufferPool
    private var slots: [Slot]
    private var timestamps = SequenceUnwrapper<UInt32>()
    private var baseTimestamp: Int64 = 0
    /// Next frame number to play (frames counted from the first packet), -1 before start.
    private var cursor: Int64 = -1
    private var highestFrame: Int64 = -1
    private var firstArrival: Int64 = 0
    private var started = false
    /// Interarrival jitter estimate in nanoseconds (RFC 3550 A.8 smoothing).
    private var jitterNanoseconds: Double = 0
    private var lastTransit: Int64?
    private var surplusTicks = 0

    public private(set) var drops = PacketDropCounters()
    public private(set) var framesPlayed = 0
    public private(set) var framesLost = 0
    public private(set) var underruns = 0
    public private(set) var framesDroppedToCatchUp = 0
    /// Current target playout delay.
    public private(set) var targetDelayNanoseconds: Int64

    public init(pool: PacketBufferPool, configuration: Configuration = Configuration()) {
        precondition(configuration.frameTicks > 0 && configuration.capacity >= 8)
        self.pool = pool
        self.configuration = configuration
        slots = [Slot](repeating: Slot(), count: configuration.capacity)
        targetDelayNanoseconds = Int64(configuration.minimumDelayMilliseconds) * 1_000_000 * 2
    }

    deinit {
        for slot in slots { if let buffer = slot.buffer { pool.release(buffer) } }
    }

    private var frameNanoseconds: Int64 {
        MediaClock.nanoseconds(ticks: Int64(configuration.frameTicks), clockRate: Int64(configuration.clockRate))
    }

    /// Takes ownership of `buffer`, which holds the RTP packet with `timestamp`.
    public func insert(_ buffer: PacketBuffer, timestamp: UInt32, now: Int64) {
        let extended = timestamps.unwrap(timestamp)
        if highestFrame < 0 {
            baseTimestamp = extended
            firstArrival = now
        }
        let offset = extended - baseTimestamp
        let frame = offset >= 0 ? offset / Int64(configuration.frameTicks) : -1
        updateJitter(extendedTimestamp: extended, now: now)
        if frame < 0 || (cursor >= 0 && frame < cursor) {
            drops.count(.tooLate)
            pool.release(buffer)
            return
        }
        if cursor >= 0 && frame - cursor >= Int64(slots.count) {
            // Far ahead of playout (sender jumped): restart playout at this packet.
            restart(at: frame, now: now)
        }
        let index = Int(frame % Int64(slots.count))
        if let old = slots[index].buffer {
            if slots[index].frame == frame {   // duplicate
                pool.release(buffer)
                return
            }
            pool.release(old)                  // stale frame from a previous lap
        }
        slots[index] = Slot(buffer: buffer, frame: frame)
        highestFrame = max(highestFrame, frame)
    }

    /// Plays one frame (call once per frame duration, e.g. every 20 ms). The buffer handed to
    /// `body` returns to the pool afterwards.
    public func pull(now: Int64, _ body: (AudioPlayout) -> Void) {
        guard highestFrame >= 0 else { body(.idle); return }
        if !started {
            guard now - firstArrival >= targetDelayNanoseconds else { body(.idle); return }
            started = true
            cursor = max(0, highestFrame - Int64(targetDelayNanoseconds / frameNanoseconds) + 1)
            releaseBefore(cursor)
        }
        if cursor > highestFrame {
            // Nothing to play yet: the sender is late (or paused). Wait instead of advancing,
            // and lengthen the delay so the next burst of jitter is absorbed.
            underruns += 1
            targetDelayNanoseconds = min(targetDelayNanoseconds + frameNanoseconds, maximumDelay)
            body(.lost(next: nil))
            framesLost += 1
            return
        }
        let index = Int(cursor % Int64(slots.count))
        if let buffer = slots[index].buffer, slots[index].frame == cursor {
            slots[index].buffer = nil
            body(.packet(buffer))
            pool.release(buffer)
            framesPlayed += 1
        } else {
            let nextIndex = Int((cursor + 1) % Int64(slots.count))
            let next = slots[nextIndex].frame == cursor + 1 ? slots[nextIndex].buffer : nil
            body(.lost(next: next))
            framesLost += 1
        }
        cursor += 1
        shrinkIfAhead()
    }

    /// Buffered audio beyond the target for a while (jitter calmed down): drop one frame to
    /// bring latency back down.
    private func shrinkIfAhead() {
        let buffered = (highestFrame - cursor + 1) * frameNanoseconds
        if buffered > targetDelayNanoseconds + frameNanoseconds {
            surplusTicks += 1
            if surplusTicks >= 25 {
                surplusTicks = 0
                let index = Int(cursor % Int64(slots.count))
                if let buffer = slots[index].buffer, slots[index].frame == cursor {
                    pool.release(buffer)
                    slots[index].buffer = nil
                }
                cursor += 1
                framesDroppedToCatchUp += 1
            }
        } else {
            surplusTicks = 0
        }
        // Follow the jitter estimate: about two jitters plus a frame, within the limits.
        let wanted = Int64(2 * jitterNanoseconds) + frameNanoseconds
        let clamped = min(max(wanted, minimumDelay), maximumDelay)
        if clamped < targetDelayNanoseconds { targetDelayNanoseconds -= min(targetDelayNanoseconds - clamped, 1_000_000) }
        else { targetDelayNanoseconds = clamped }
    }

    private var minimumDelay: Int64 { Int64(configuration.minimumDelayMilliseconds) * 1_000_000 }
    private var maximumDelay: Int64 { Int64(configuration.maximumDelayMilliseconds) * 1_000_000 }

    private func updateJitter(extendedTimestamp: Int64, now: Int64) {
        let sent = MediaClock.nanoseconds(ticks: extendedTimestamp, clockRate: Int64(configuration.clockRate))
        let transit = now - sent
        if let last = lastTransit {
            let d = Double(abs(transit - last))
            jitterNanoseconds += (d - jitterNanoseconds) / 16
        }
        lastTransit = transit
    }

    /// At start-up playout begins near the newest packet; older ones are skipped on purpose
    /// (counted as catch-up, not as drops).
    private func releaseBefore(_ frame: Int64) {
        for i in slots.indices where slots[i].buffer != nil && slots[i].frame < frame {
            pool.release(slots[i].buffer!)
            slots[i].buffer = nil
            framesDroppedToCatchUp += 1
        }
    }

    private func restart(at frame: Int64, now: Int64) {
        for i in slots.indices where slots[i].buffer != nil {
            pool.release(slots[i].buffer!)
            slots[i].buffer = nil
        }
        cursor = frame
        highestFrame = frame - 1
        firstArrival = now
    }
}
