/// The Retry-After header (RFC 3261 §20.33): `delta-seconds [comment] [;duration=…]`.
public struct SIPRetryAfter: Sendable, Hashable, CustomStringConvertible {
    public var seconds: UInt32
    /// The comment text without its parentheses.
    public var comment: String?
    public var parameters: SIPParameters

    public init(seconds: UInt32, comment: String? = nil, parameters: SIPParameters = SIPParameters()) {
        self.seconds = seconds
        self.comment = comment
        self.parameters = parameters
    }

    /// How long the callee will be available, in seconds (`duration`).
    public var duration: UInt32? {
        parameters["duration"].flatMap { SIPGrammar.decimal($0, maximum: UInt64(UInt32.max)) }.map { UInt32($0) }
    }

    /// Values above 2**32-1 are malformed (RFC 4475 §3.1.2.5).
    public init(parsing value: String) throws(SIPParseError) {
        let parsed: SIPRetryAfter? = SIPScanner.scan(value) { s in
            s.skipWhitespace()
            let digits = s.scan(.digit)
            guard let seconds = SIPGrammar.decimal(s.bytes, digits, maximum: UInt64(UInt32.max)) else { return nil }
            s.skipWhitespace()
            var comment: String?
            if s.peek == UInt8(ascii: "(") {
                // comment = LPAREN *(ctext / quoted-pair / comment) RPAREN, nesting allowed.
                let start = s.index
                var depth = 0
                while let b = s.peek {
                    s.index += 1
                    if b == UInt8(ascii: "\\") { s.index += 1; continue }
                    if b == UInt8(ascii: "(") { depth += 1 }
                    if b == UInt8(ascii: ")") { depth -= 1; if depth == 0 { break } }
                }
                guard depth == 0, s.index <= s.end else { return nil }
                comment = s.string((start + 1)..<(s.index - 1))
            }
            guard let parameters = s.parameters() else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            if parameters.contains("duration"), parameters["duration"].flatMap({ SIPGrammar.decimal($0, maximum: UInt64(UInt32.max)) }) == nil {
                return nil
            }
            return SIPRetryAfter(seconds: UInt32(seconds), comment: comment, parameters: parameters)
        }
        guard let parsed else { throw SIPParseError(.malformedHeader(.retryAfter)) }
        self = parsed
    }

    public var description: String {
        var out = String(seconds)
        if let comment { out += " (" + comment + ")" }
        return out + parameters.description
    }
}
