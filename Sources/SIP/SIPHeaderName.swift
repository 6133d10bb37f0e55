/// A header field name. Names compare case-insensitively (RFC 3261 §7.3.1), and compact forms
/// (§7.3.3 and later RFCs) are the same header as their full names: `v` is `Via`.
///
/// `canonicalName` is how the header is written on output: the registered full spelling for
/// known headers (`Call-ID`, `CSeq`, `WWW-Authenticate`), otherwise the spelling first seen.
public struct SIPHeaderName: Sendable, Hashable, CustomStringConvertible, ExpressibleByStringLiteral {
    public let canonicalName: String
    /// Lowercased canonical name: the identity used for equality and hashing.
    let key: String
    /// Whether values may be comma-separated lists (RFC 3261 §7.3.1). False for unknown names
    /// and for headers whose values contain commas that do not separate values
    /// (WWW-Authenticate, Authorization, Date, …).
    public let isList: Bool

    /// Maps compact forms and any letter case to the known header, or keeps `name` as the
    /// spelling of an extension header. `name` must be a token: a programming error otherwise.
    public init(_ name: String) {
        guard let parsed = SIPHeaderName(validating: name) else {
            preconditionFailure("SIP header name must be a token: \(name)")
        }
        self = parsed
    }

    public init(stringLiteral value: String) { self.init(value) }

    /// Nil unless `name` is a token.
    public init?(validating name: String) {
        guard SIPGrammar.isToken(name) else { return nil }
        self.init(unchecked: name)
    }

    init(unchecked name: String) {
        let key = SIPGrammar.asciiLowercased(name)
        if let known = SIPHeaderName.known[key] {
            self = known
        } else {
            self.canonicalName = name
            self.key = key
            self.isList = false
        }
    }

    private init(known name: String, list: Bool) {
        self.canonicalName = name
        self.key = SIPGrammar.asciiLowercased(name)
        self.isList = list
    }

    public static func == (a: SIPHeaderName, b: SIPHeaderName) -> Bool { a.key == b.key }
    public func hash(into hasher: inout Hasher) { hasher.combine(key) }

    public var description: String { canonicalName }

    /// The one-letter compact form, where one is registered.
    public var compactForm: String? {
        SIPHeaderName.compactForms.first { $0.value == self }?.key
    }

    // RFC 3261 §20 and the extensions a conferencing server meets.
    public static let accept = SIPHeaderName(known: "Accept", list: true)
    public static let acceptContact = SIPHeaderName(known: "Accept-Contact", list: true)
    public static let acceptEncoding = SIPHeaderName(known: "Accept-Encoding", list: true)
    public static let acceptLanguage = SIPHeaderName(known: "Accept-Language", list: true)
    public static let alertInfo = SIPHeaderName(known: "Alert-Info", list: true)
    public static let allow = SIPHeaderName(known: "Allow", list: true)
    public static let allowEvents = SIPHeaderName(known: "Allow-Events", list: true)
    public static let authenticationInfo = SIPHeaderName(known: "Authentication-Info", list: false)
    public static let authorization = SIPHeaderName(known: "Authorization", list: false)
    public static let callID = SIPHeaderName(known: "Call-ID", list: false)
    public static let callInfo = SIPHeaderName(known: "Call-Info", list: true)
    public static let contact = SIPHeaderName(known: "Contact", list: true)
    public static let contentDisposition = SIPHeaderName(known: "Content-Disposition", list: false)
    public static let contentEncoding = SIPHeaderName(known: "Content-Encoding", list: true)
    public static let contentLanguage = SIPHeaderName(known: "Content-Language", list: true)
    public static let contentLength = SIPHeaderName(known: "Content-Length", list: false)
    public static let contentType = SIPHeaderName(known: "Content-Type", list: false)
    public static let cseq = SIPHeaderName(known: "CSeq", list: false)
    public static let date = SIPHeaderName(known: "Date", list: false)
    public static let errorInfo = SIPHeaderName(known: "Error-Info", list: true)
    public static let event = SIPHeaderName(known: "Event", list: false)
    public static let expires = SIPHeaderName(known: "Expires", list: false)
    public static let from = SIPHeaderName(known: "From", list: false)
    public static let historyInfo = SIPHeaderName(known: "History-Info", list: true)
    public static let identity = SIPHeaderName(known: "Identity", list: false)
    public static let inReplyTo = SIPHeaderName(known: "In-Reply-To", list: true)
    public static let maxForwards = SIPHeaderName(known: "Max-Forwards", list: false)
    public static let mimeVersion = SIPHeaderName(known: "MIME-Version", list: false)
    public static let minExpires = SIPHeaderName(known: "Min-Expires", list: false)
    public static let minSE = SIPHeaderName(known: "Min-SE", list: false)
    public static let organization = SIPHeaderName(known: "Organization", list: false)
    public static let pAssertedIdentity = SIPHeaderName(known: "P-Asserted-Identity", list: true)
    public static let pPreferredIdentity = SIPHeaderName(known: "P-Preferred-Identity", list: true)
    public static let path = SIPHeaderName(known: "Path", list: true)
    public static let priority = SIPHeaderName(known: "Priority", list: false)
    public static let privacy = SIPHeaderName(known: "Privacy", list: false)
    public static let proxyAuthenticate = SIPHeaderName(known: "Proxy-Authenticate", list: false)
    public static let proxyAuthorization = SIPHeaderName(known: "Proxy-Authorization", list: false)
    public static let proxyRequire = SIPHeaderName(known: "Proxy-Require", list: true)
    public static let rack = SIPHeaderName(known: "RAck", list: false)
    public static let reason = SIPHeaderName(known: "Reason", list: true)
    public static let recordRoute = SIPHeaderName(known: "Record-Route", list: true)
    public static let referTo = SIPHeaderName(known: "Refer-To", list: false)
    public static let referredBy = SIPHeaderName(known: "Referred-By", list: false)
    public static let rejectContact = SIPHeaderName(known: "Reject-Contact", list: true)
    public static let replaces = SIPHeaderName(known: "Replaces", list: false)
    public static let replyTo = SIPHeaderName(known: "Reply-To", list: false)
    public static let requestDisposition = SIPHeaderName(known: "Request-Disposition", list: true)
    public static let require = SIPHeaderName(known: "Require", list: true)
    public static let retryAfter = SIPHeaderName(known: "Retry-After", list: false)
    public static let route = SIPHeaderName(known: "Route", list: true)
    public static let rseq = SIPHeaderName(known: "RSeq", list: false)
    public static let securityClient = SIPHeaderName(known: "Security-Client", list: true)
    public static let securityServer = SIPHeaderName(known: "Security-Server", list: true)
    public static let securityVerify = SIPHeaderName(known: "Security-Verify", list: true)
    public static let server = SIPHeaderName(known: "Server", list: false)
    public static let serviceRoute = SIPHeaderName(known: "Service-Route", list: true)
    public static let sessionExpires = SIPHeaderName(known: "Session-Expires", list: false)
    public static let sipETag = SIPHeaderName(known: "SIP-ETag", list: false)
    public static let sipIfMatch = SIPHeaderName(known: "SIP-If-Match", list: false)
    public static let subject = SIPHeaderName(known: "Subject", list: false)
    public static let subscriptionState = SIPHeaderName(known: "Subscription-State", list: false)
    public static let supported = SIPHeaderName(known: "Supported", list: true)
    public static let timestamp = SIPHeaderName(known: "Timestamp", list: false)
    public static let to = SIPHeaderName(known: "To", list: false)
    public static let unsupported = SIPHeaderName(known: "Unsupported", list: true)
    public static let userAgent = SIPHeaderName(known: "User-Agent", list: false)
    public static let via = SIPHeaderName(known: "Via", list: true)
    public static let warning = SIPHeaderName(known: "Warning", list: true)
    public static let wwwAuthenticate = SIPHeaderName(known: "WWW-Authenticate", list: false)

    static let all: [SIPHeaderName] = [
        .accept, .acceptContact, .acceptEncoding, .acceptLanguage, .alertInfo, .allow, .allowEvents,
        .authenticationInfo, .authorization, .callID, .callInfo, .contact, .contentDisposition, .contentEncoding,
        .contentLanguage, .contentLength, .contentType, .cseq, .date, .errorInfo, .event, .expires, .from,
        .historyInfo, .identity, .inReplyTo, .maxForwards, .mimeVersion, .minExpires, .minSE, .organization,
        .pAssertedIdentity, .pPreferredIdentity, .path, .priority, .privacy, .proxyAuthenticate,
        .proxyAuthorization, .proxyRequire, .rack, .reason, .recordRoute, .referTo, .referredBy, .rejectContact,
        .replaces, .replyTo, .requestDisposition, .require, .retryAfter, .route, .rseq, .securityClient,
        .securityServer, .securityVerify, .server, .serviceRoute, .sessionExpires, .sipETag, .sipIfMatch,
        .subject, .subscriptionState, .supported, .timestamp, .to, .unsupported, .userAgent, .via, .warning,
        .wwwAuthenticate,
    ]

    /// RFC 3261 §7.3.3 (i m e l c f s k t v), RFC 6665 (o u), RFC 3515 (r), RFC 3892 (b),
    /// RFC 4028 (x), RFC 3841 (a j d), RFC 8224 (y).
    static let compactForms: [String: SIPHeaderName] = [
        "i": .callID, "m": .contact, "e": .contentEncoding, "l": .contentLength, "c": .contentType,
        "f": .from, "s": .subject, "k": .supported, "t": .to, "v": .via, "o": .event, "u": .allowEvents,
        "r": .referTo, "b": .referredBy, "x": .sessionExpires, "a": .acceptContact, "j": .rejectContact,
        "d": .requestDisposition, "y": .identity,
    ]

    static let known: [String: SIPHeaderName] = {
        var table: [String: SIPHeaderName] = [:]
        for name in all { table[name.key] = name }
        for (letter, name) in compactForms { table[letter] = name }
        return table
    }()
}
