/// One Warning value (RFC 3261 §20.43): `code agent "text"`, e.g. `307 isi.edu "Session
/// parameter 'foo' not understood"`.
public struct SIPWarning: Sendable, Hashable, CustomStringConvertible {
    /// Three digits (§20.43 lists 3xx codes).
    public var code: Int
    /// hostport or pseudonym of the element that added the warning.
    public var agent: String
    /// The text, unquoted.
    public var text: String

    public init(code: Int, agent: String, text: String) {
        self.code = code
        self.agent = agent
        self.text = text
    }

    /// A code that is not exactly three digits is malformed (RFC 4475 §3.1.2.5).
    public init(parsing value: String) throws(SIPParseError) {
        let parsed: SIPWarning? = SIPScanner.scan(value) { s in
            s.skipWhitespace()
            let digits = s.scan(.digit)
            guard digits.count == 3, let code = SIPGrammar.decimal(s.bytes, digits, maximum: 999), s.skipWhitespace() else { return nil }
            let agent = s.scan { !SIPGrammar.isWhitespace($0) && $0 != UInt8(ascii: "\"") }
            guard !agent.isEmpty, s.skipWhitespace(), let text = s.quotedString() else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            return SIPWarning(code: Int(code), agent: s.string(agent), text: text)
        }
        guard let parsed else { throw SIPParseError(.malformedHeader(.warning)) }
        self = parsed
    }

    public var description: String {
        var quoted = "\""
        for ch in text.unicodeScalars {
            if ch == "\"" || ch == "\\" { quoted += "\\" }
            quoted.unicodeScalars.append(ch)
        }
        return String(code) + " " + agent + " " + quoted + "\""
    }
}
