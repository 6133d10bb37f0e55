/// One Reason value (RFC 3326 §2): why a request (BYE, CANCEL) was sent, e.g.
/// `SIP ;cause=200 ;text="Call completed elsewhere"` or `Q.850;cause=16`.
public struct SIPReason: Sendable, Hashable, CustomStringConvertible {
    /// "SIP", "Q.850" or another token.
    public var protocolName: String
    public var parameters: SIPParameters

    public init(protocolName: String, cause: Int? = nil, text: String? = nil) {
        self.protocolName = protocolName
        self.parameters = SIPParameters()
        if let cause { parameters.set("cause", to: String(cause)) }
        if let text {
            var quoted = "\""
            for ch in text.unicodeScalars {
                if ch == "\"" || ch == "\\" { quoted += "\\" }
                quoted.unicodeScalars.append(ch)
            }
            parameters.set("text", to: quoted + "\"")
        }
    }

    public var cause: Int? { parameters["cause"].flatMap { SIPGrammar.decimal($0, maximum: 999_999) }.map { Int($0) } }
    /// The text parameter, unquoted.
    public var text: String? { parameters.unquotedValue("text") }

    public init(parsing value: String) throws(SIPParseError) {
        let parsed: SIPReason? = SIPScanner.scan(value) { s in
            s.skipWhitespace()
            guard let name = s.token(), let parameters = s.parameters() else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            var reason = SIPReason(protocolName: name)
            reason.parameters = parameters
            return reason
        }
        guard let parsed else { throw SIPParseError(.malformedHeader(.reason)) }
        self = parsed
    }

    public var description: String { protocolName + parameters.description }
}
