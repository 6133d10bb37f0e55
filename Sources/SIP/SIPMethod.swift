/// A request method: any token (RFC 3261 §25.1 `extension-method`), compared case-sensitively
/// (§7.1). An unknown method is valid syntax; a UAS answers it with 501 at a higher layer.
public struct SIPMethod: RawRepresentable, Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let rawValue: String

    /// Nil unless `rawValue` is a token.
    public init?(rawValue: String) {
        guard SIPGrammar.isToken(rawValue) else { return nil }
        self.rawValue = rawValue
    }

    /// For literals in code; a literal that is not a token is a programming error.
    public init(stringLiteral value: String) {
        precondition(SIPGrammar.isToken(value), "SIP method must be a token: \(value)")
        self.rawValue = value
    }

    init(unchecked value: String) { self.rawValue = value }

    public var description: String { rawValue }

    public static let invite: SIPMethod = "INVITE"
    public static let ack: SIPMethod = "ACK"
    public static let bye: SIPMethod = "BYE"
    public static let cancel: SIPMethod = "CANCEL"
    public static let options: SIPMethod = "OPTIONS"
    public static let register: SIPMethod = "REGISTER"
    /// RFC 3262
    public static let prack: SIPMethod = "PRACK"
    /// RFC 6665
    public static let subscribe: SIPMethod = "SUBSCRIBE"
    /// RFC 6665
    public static let notify: SIPMethod = "NOTIFY"
    /// RFC 3903
    public static let publish: SIPMethod = "PUBLISH"
    /// RFC 6086
    public static let info: SIPMethod = "INFO"
    /// RFC 3515
    public static let refer: SIPMethod = "REFER"
    /// RFC 3428
    public static let message: SIPMethod = "MESSAGE"
    /// RFC 3311
    public static let update: SIPMethod = "UPDATE"
}
