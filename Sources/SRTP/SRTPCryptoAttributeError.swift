/// Why an `a=crypto` line was refused. Each case carries what a person needs to fix the peer
/// (offending tokens are cut to 40 bytes; key material is never echoed).
public enum SRTPCryptoAttributeError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Field: String, Sendable {
        case tag
        case suite = "crypto-suite"
        case keyParameters = "key-params"
    }

    /// An `a=` line that is not `a=crypto:`.
    case notCryptoAttribute
    /// A byte that is not printable ASCII, space or tab (RFC 4568 §9.2 allows only those).
    case invalidCharacter
    case missingField(Field)
    /// Not 1 to 9 digits, or 0.
    case badTag(String)
    case unknownSuite(String)
    /// The key parameter has no `method:info` shape.
    case missingInline
    /// A key method other than `inline` (RFC 4568 §6.1 defines only that one).
    case unsupportedKeyMethod(String)
    /// `inline:...;inline:...`. More than one key is only usable with MKIs (RFC 4568 §6.1),
    /// which we do not implement, so taking the first would fail at the first key switch.
    case multipleKeys
    case badBase64
    case wrongKeyLength(SRTPSuite, expected: Int, actual: Int)
    /// More `|` fields than key-salt, lifetime, MKI.
    case badKeyInfo
    case badLifetime(String)
    case badMKI(String)
    /// A session parameter that cannot be written back (empty or containing whitespace).
    case badSessionParameter(String)
    /// Parsed fine, but packets would carry an MKI and our sessions do not use one.
    case mkiUnsupported
    /// Parsed fine, but the parameter changes SRTP in a way we do not implement (RFC 4568
    /// §6.3: an attribute with a parameter not understood must not be used).
    case sessionParameterUnsupported(String)

    public var description: String {
        switch self {
        case .notCryptoAttribute: return "not an a=crypto attribute"
        case .invalidCharacter: return "a=crypto contains a character other than printable ASCII, space or tab"
        case .missingField(let field): return "a=crypto has no \(field.rawValue)"
        case .badTag(let tag): return "crypto tag '\(tag)' is not a decimal number from 1 to 999999999"
        case .unknownSuite(let suite): return "unknown or unsupported crypto suite '\(suite)'"
        case .missingInline: return "key parameter is not of the form inline:<key||salt>"
        case .unsupportedKeyMethod(let method): return "key method '\(method)' is not supported (only inline)"
        case .multipleKeys: return "more than one key parameter (needs MKI, which is not supported)"
        case .badBase64: return "inline key is not valid base64"
        case let .wrongKeyLength(suite, expected, actual):
            return "inline key for \(suite) must decode to \(expected) bytes (key and salt), got \(actual)"
        case .badKeyInfo: return "inline key has more '|' fields than key, lifetime and MKI"
        case .badLifetime(let lifetime): return "key lifetime '\(lifetime)' is not 2^n or a decimal from 1 to 2^48"
        case .badMKI(let mki): return "MKI '\(mki)' is not <value>:<length> with length 1 to 128 bytes holding the value"
        case .badSessionParameter(let parameter): return "session parameter '\(parameter)' is empty or contains whitespace"
        case .mkiUnsupported: return "the key uses an MKI, which is not supported"
        case .sessionParameterUnsupported(let parameter): return "session parameter '\(parameter)' is not supported"
        }
    }
}
