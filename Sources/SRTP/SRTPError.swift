import MediaCore

/// Why an SRTP session or key could not be made. Packet-level failures are not errors: they
/// are `SRTPUnprotectResult.dropped` values and per-reason counts.
public enum SRTPError: Error, Equatable, Sendable, CustomStringConvertible {
    /// No implementation of the suite here: the AES-CM suites are ours, GCM needs the linked
    /// libsrtp2 to have a crypto backend.
    case suiteUnsupported(SRTPSuite)
    case wrongKeyLength(SRTPSuite, expected: Int, actual: Int)
    case wrongSaltLength(SRTPSuite, expected: Int, actual: Int)
    /// libsrtp2 refused: its `srtp_err_status_t` value and the call.
    case library(status: Int32, operation: StaticString)
    /// OpenSSL libcrypto refused while setting up our AES-CM transform's keys: the call.
    case openSSL(operation: StaticString)
    /// The kernel's random source failed (getentropy/getrandom).
    case randomSource(SystemError)

    public static func == (a: SRTPError, b: SRTPError) -> Bool {
        switch (a, b) {
        case let (.suiteUnsupported(x), .suiteUnsupported(y)): return x == y
        case let (.wrongKeyLength(s1, e1, a1), .wrongKeyLength(s2, e2, a2)): return s1 == s2 && e1 == e2 && a1 == a2
        case let (.wrongSaltLength(s1, e1, a1), .wrongSaltLength(s2, e2, a2)): return s1 == s2 && e1 == e2 && a1 == a2
        case let (.library(s1, o1), .library(s2, o2)): return s1 == s2 && o1.description == o2.description
        case let (.openSSL(x), .openSSL(y)): return x.description == y.description
        case let (.randomSource(x), .randomSource(y)): return x == y
        default: return false
        }
    }

    public var description: String {
        switch self {
        case .suiteUnsupported(let suite):
            return "\(suite) is not supported here (the linked libsrtp2 was built without a crypto backend for it)"
        case let .wrongKeyLength(suite, expected, actual):
            return "\(suite) needs a \(expected)-byte master key, got \(actual)"
        case let .wrongSaltLength(suite, expected, actual):
            return "\(suite) needs a \(expected)-byte master salt, got \(actual)"
        case let .library(status, operation):
            return "\(operation): \(LibSRTP.statusName(status)) (libsrtp2 status \(status))"
        case .openSSL(let operation):
            return "\(operation) failed in OpenSSL libcrypto"
        case .randomSource(let error):
            return "random key generation: \(error)"
        }
    }
}
