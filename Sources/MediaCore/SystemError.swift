import Glibc

/// A failed system call, carried as its errno. The message is made only when someone asks
/// for `description`, never on the media path. Library errors have their own types next to
/// the library's owner (`CodecError` in Codecs).
public struct SystemError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    public let errno: Int32
    /// What was attempted ("eventfd", "pthread_setaffinity_np").
    public let operation: String

    public init(errno: Int32, operation: String) {
        self.errno = errno
        self.operation = operation
    }

    /// Maps the shims' `-errno` convention: non-negative results pass through.
    @inline(__always)
    public static func check(_ result: Int32, _ operation: @autoclosure () -> String) throws(SystemError) -> Int32 {
        if result < 0 { throw SystemError(errno: -result, operation: operation()) }
        return result
    }

    public var description: String {
        "\(operation) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
