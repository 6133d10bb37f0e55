/// A 64-bit NTP timestamp (RFC 3550 §4): seconds since 1900-01-01 UTC plus a 32-bit binary
/// fraction. SRs carry one so receivers can relate RTP time to wall-clock time (lip sync) and
/// echo its middle 32 bits as LSR for round-trip time.
public struct NTPTimestamp: Hashable, Sendable {
    /// Seconds since 1900-01-01 modulo 2^32 (the field wraps in February 2036).
    public var seconds: UInt32
    /// Fraction of a second in units of 2^-32 s.
    public var fraction: UInt32

    /// Seconds from the NTP epoch (1900) to the Unix epoch (1970).
    static let unixEpochOffsetSeconds: Int64 = 2_208_988_800
    private static let nanosecondsPerSecond: Int64 = 1_000_000_000

    public init(seconds: UInt32, fraction: UInt32) {
        self.seconds = seconds
        self.fraction = fraction
    }

    /// The timestamp as it appears on the wire (seconds in the high 32 bits).
    public init(rawValue: UInt64) {
        seconds = UInt32(truncatingIfNeeded: rawValue >> 32)
        fraction = UInt32(truncatingIfNeeded: rawValue)
    }

    public var rawValue: UInt64 { UInt64(seconds) << 32 | UInt64(fraction) }

    /// From wall-clock time (CLOCK_REALTIME) in nanoseconds since 1970. The media plane's
    /// `MediaClock` is monotonic and must not be used here: SR timestamps are compared with
    /// other hosts' clocks.
    public init(unixNanoseconds: Int64) {
        // Floor division so times before 1970 (only in tests) still get a fraction in [0, 1).
        var wholeSeconds = unixNanoseconds / Self.nanosecondsPerSecond
        var remainder = unixNanoseconds % Self.nanosecondsPerSecond
        if remainder < 0 {
            wholeSeconds -= 1
            remainder += Self.nanosecondsPerSecond
        }
        seconds = UInt32(truncatingIfNeeded: wholeSeconds &+ Self.unixEpochOffsetSeconds)
        fraction = UInt32((UInt64(remainder) << 32) / UInt64(Self.nanosecondsPerSecond))
    }

    /// Back to Unix nanoseconds, rounded to the nearest nanosecond (so a value made by
    /// `init(unixNanoseconds:)` converts back exactly). A `seconds` value with the top bit
    /// clear is taken to be after the 2036 wrap (era 1), as RFC 4330 §3 prescribes.
    public var unixNanoseconds: Int64 {
        var secondsSince1900 = Int64(seconds)
        if seconds & 0x8000_0000 == 0 { secondsSince1900 += 1 << 32 }
        let fractionNanoseconds = Int64((UInt64(fraction) * UInt64(Self.nanosecondsPerSecond) + (1 << 31)) >> 32)
        return (secondsSince1900 - Self.unixEpochOffsetSeconds) * Self.nanosecondsPerSecond + fractionNanoseconds
    }

    /// The middle 32 bits (16.16 fixed point seconds): what a receiver echoes as LSR, and the
    /// unit of the round-trip computation `arrival.middle32 - LSR - DLSR` (RFC 3550 §6.4.1).
    public var middle32: UInt32 { UInt32(truncatingIfNeeded: rawValue >> 16) }

    /// A duration in the 1/65536 s units of DLSR (RFC 3550 §6.4.1), rounded down; negative
    /// durations give 0 and durations past the field's ~18 hours saturate.
    public static func compactDuration(nanoseconds: Int64) -> UInt32 {
        guard nanoseconds > 0 else { return 0 }
        let wholeSeconds = nanoseconds / nanosecondsPerSecond
        guard wholeSeconds < 1 << 16 else { return .max }
        let units = (wholeSeconds << 16) + ((nanoseconds % nanosecondsPerSecond) << 16) / nanosecondsPerSecond
        return UInt32(units)
    }

    /// A 16.16 compact value (DLSR, or a round-trip time computed from LSR/DLSR) in
    /// nanoseconds, rounded down.
    public static func nanoseconds(compactDuration units: UInt32) -> Int64 {
        Int64(units >> 16) * nanosecondsPerSecond + (Int64(units & 0xFFFF) * nanosecondsPerSecond) >> 16
    }
}
