/// A SIP request (RFC 3261 §7.1): Request-Line, header fields in order, body.
///
/// Builders for new requests are in `SIPRequest+Building.swift`, responses to a request in
/// `SIPRequest+Responding.swift`, wire encoding in `SIPMessage+Serialization.swift`.
public struct SIPRequest: Sendable, Hashable {
    /// Any token; unknown methods parse (a UAS answers 501, RFC 3261 §8.2.1).
    public var method: SIPMethod
    public var uri: SIPAnyURI
    public var headers: SIPHeaders
    public var body: [UInt8]

    public init(method: SIPMethod, uri: SIPAnyURI, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        self.method = method
        self.uri = uri
        self.headers = headers
        self.body = body
    }

    /// `METHOD Request-URI SIP/2.0`.
    public var requestLine: String { method.rawValue + " " + uri.description + " SIP/2.0" }
}
