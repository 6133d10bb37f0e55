import CSystemShims

/// Monotonic time for the media plane, in nanoseconds. Never goes backwards, unaffected by
/// wall-clock changes; the one time base workers use for ticks, jitter and RTCP intervals.
public enum MediaClock {
    @inline(__always)
    public static func nowNanoseconds() -> Int64 { cb_sys_monotonic_ns() }

    public static let nanosecondsPerSecond: Int64 = 1_000_000_000

    /// Converts a duration in nanoseconds to ticks of a media clock rate (e.g. 90 kHz video,
    /// 48 kHz Opus), rounding down, without overflowing for durations up to centuries.
    @inline(__always)
    public static func ticks(nanoseconds: Int64, clockRate: Int64) -> Int64 {
        let seconds = nanoseconds / nanosecondsPerSecond
        let remainder = nanoseconds % nanosecondsPerSecond
        return seconds * clockRate + remainder * clockRate / nanosecondsPerSecond
    }

    @inline(__always)
    public static func nanoseconds(ticks: Int64, clockRate: Int64) -> Int64 {
        let seconds = ticks / clockRate
        let remainder = ticks % clockRate
        return seconds * nanosecondsPerSecond + remainder * nanosecondsPerSecond / clockRate
    }
}
