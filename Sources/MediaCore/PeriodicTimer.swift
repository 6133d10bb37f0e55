import CSystemShims
import Glibc

/// A timerfd on the monotonic clock: the media worker's frame/packet tick. Expirations that
/// pile up while the worker was busy are reported as a count, so the worker can see it is
/// late and shed work instead of bursting.
public final class PeriodicTimer {
    public let fileDescriptor: Int32

    public init() throws(SystemError) {
        fileDescriptor = try SystemError.check(cb_sys_timerfd_create(), "timerfd_create")
    }

    deinit { close(fileDescriptor) }

    public func start(intervalNanoseconds: Int64, initialDelayNanoseconds: Int64? = nil) throws(SystemError) {
        _ = try SystemError.check(
            cb_sys_timerfd_arm(fileDescriptor, initialDelayNanoseconds ?? intervalNanoseconds, intervalNanoseconds),
            "timerfd_settime")
    }

    /// Expirations since the last call (0 when none).
    public func drainExpirations() -> Int64 { max(0, cb_sys_timerfd_drain(fileDescriptor)) }

    public func wait(timeoutMilliseconds: Int32) -> Bool {
        cb_sys_wait_readable(fileDescriptor, timeoutMilliseconds) == 1
    }
}
