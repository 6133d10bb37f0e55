import MediaCore

/// Reception statistics for one incoming SSRC, as RFC 3550 Appendix A computes them: the
/// extended highest sequence number and loss (A.3), interarrival jitter (A.8), and the
/// fraction lost since the previous report (§6.4.1). Feeds RTCP receiver report blocks.
public struct RTPReceiveStatistics: Sendable {
    public let clockRate: Int64
    private var unwrapper = SequenceUnwrapper<UInt16>()
    private var baseSequence: Int64 = 0
    public private(set) var highestSequence: Int64 = -1
    public private(set) var received: Int64 = 0
    public private(set) var duplicatesOrLate: Int64 = 0
    /// Jitter in timestamp units, kept ×16 as in RFC 3550 A.8 to avoid rounding loss.
    private var jitterQ4: Int64 = 0
    private var lastTransit: Int64?
    private var expectedPrior: Int64 = 0
    private var receivedPrior: Int64 = 0
    private var started = false

    public init(clockRate: Int) { self.clockRate = Int64(clockRate) }

    /// Records a packet's arrival (`arrivalNanoseconds` on the media clock).
    public mutating func record(sequenceNumber: UInt16, timestamp: UInt32, arrivalNanoseconds: Int64) {
        let sequence = unwrapper.unwrap(sequenceNumber)
        if !started {
            started = true
            baseSequence = sequence
            highestSequence = sequence
        } else if sequence > highestSequence {
            highestSequence = sequence
        } else {
            duplicatesOrLate += 1
        }
        received += 1
        // A.8: D(i-1,i) = (Rj - Ri) - (Sj - Si), in timestamp units; J += (|D| - J) / 16.
        let arrival = MediaClock.ticks(nanoseconds: arrivalNanoseconds, clockRate: clockRate)
        let transit = arrival - Int64(timestamp)
        if let last = lastTransit {
            var d = transit - last
            // Timestamps wrap at 2^32: take the shorter way round.
            if d > Int64(UInt32.max) / 2 { d -= Int64(UInt32.max) + 1 } else if d < -Int64(UInt32.max) / 2 { d += Int64(UInt32.max) + 1 }
            jitterQ4 += abs(d) - ((jitterQ4 + 8) >> 4)
        }
        lastTransit = transit
    }

    public var expected: Int64 { started ? highestSequence - baseSequence + 1 : 0 }
    /// Cumulative packets lost (may be negative with duplicates, RFC 3550 §6.4.1).
    public var cumulativeLost: Int64 { expected - received }
    public var jitter: UInt32 { UInt32(clamping: jitterQ4 >> 4) }
    /// Extended highest sequence number as reported in RTCP (cycles << 16 | seq).
    public var extendedHighestSequence: UInt32 { UInt32(truncatingIfNeeded: max(0, highestSequence)) }

    /// Fraction lost since the last call, as the 8-bit fixed-point value of RFC 3550 §6.4.1
    /// (A.3), and resets the interval.
    public mutating func takeFractionLost() -> UInt8 {
        let expectedInterval = expected - expectedPrior
        let receivedInterval = received - receivedPrior
        expectedPrior = expected
        receivedPrior = received
        let lostInterval = expectedInterval - receivedInterval
        guard expectedInterval > 0, lostInterval > 0 else { return 0 }
        return UInt8(min(255, (lostInterval << 8) / expectedInterval))
    }
}
