/// A SIP response (RFC 3261 §7.2): Status-Line, header fields in order, body.
public struct SIPResponse: Sendable, Hashable {
    /// 100…699.
    public var statusCode: Int
    /// Free text (RFC 3261 §21 lists the usual ones; may be empty, RFC 4475 §3.1.1.13).
    public var reasonPhrase: String
    public var headers: SIPHeaders
    public var body: [UInt8]

    /// `reasonPhrase` defaults to the RFC's phrase for the code.
    public init(statusCode: Int, reasonPhrase: String? = nil, headers: SIPHeaders = SIPHeaders(), body: [UInt8] = []) {
        precondition((100...699).contains(statusCode), "SIP status codes are 100...699")
        self.statusCode = statusCode
        self.reasonPhrase = reasonPhrase ?? SIPResponse.defaultReasonPhrase(for: statusCode)
        self.headers = headers
        self.body = body
    }

    /// 1xx: the transaction goes on (RFC 3261 §8.1.3.2, §17.1.1.2).
    public var isProvisional: Bool { statusCode < 200 }
    public var isSuccess: Bool { (200...299).contains(statusCode) }
    public var isFinal: Bool { statusCode >= 200 }

    /// `SIP/2.0 code reason`.
    public var statusLine: String { "SIP/2.0 " + String(statusCode) + " " + reasonPhrase }
}
