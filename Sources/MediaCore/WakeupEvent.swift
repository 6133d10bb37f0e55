import CSystemShims
import Glibc

/// An eventfd a producer signals when it turns a worker's command ring from empty to
/// non-empty; the worker's epoll loop watches `fileDescriptor`. Signals coalesce.
public final class WakeupEvent: @unchecked Sendable {
    public let fileDescriptor: Int32

    public init() throws(SystemError) {
        fileDescriptor = try SystemError.check(cb_sys_eventfd_create(), "eventfd")
    }

    deinit { close(fileDescriptor) }

    public func signal() { _ = cb_sys_eventfd_signal(fileDescriptor) }

    /// Clears pending signals; returns how many arrived since the last drain.
    @discardableResult
    public func drain() -> Int64 { max(0, cb_sys_eventfd_drain(fileDescriptor)) }

    /// Blocks up to `timeoutMilliseconds` for a signal (tests and simple loops; workers use epoll).
    public func wait(timeoutMilliseconds: Int32) -> Bool {
        cb_sys_wait_readable(fileDescriptor, timeoutMilliseconds) == 1
    }
}
