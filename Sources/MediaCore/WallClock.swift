import Glibc

/// Wall-clock time (CLOCK_REALTIME) for RTCP NTP timestamps only; media timing uses the
/// monotonic `MediaClock`.
public enum WallClock {
    public static func nowNanoseconds() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return Int64(ts.tv_sec) * 1_000_000_000 + Int64(ts.tv_nsec)
    }
}
