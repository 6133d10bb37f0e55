/// A name-addr or addr-spec with header parameters: the value shape of From, To, Contact,
/// Route, Record-Route, Reply-To and friends (RFC 3261 §20.10, §20.20, §20.39, §25.1).
///
/// `"Alice" <sip:alice@example.com>;tag=1928301774`. Without angle brackets (addr-spec form)
/// everything after the first ";" belongs to the header, not the URI, and the URI may not
/// contain ",", ";" or "?" (RFC 3261 §20, RFC 4475 §3.1.2.13).
public struct SIPNameAddress: Sendable, Hashable, CustomStringConvertible {
    /// Unquoted text: quoted-pairs resolved; nil when there was none (an empty quoted name is "").
    public var displayName: String?
    public var uri: SIPAnyURI
    /// Header parameters (tag, expires, q, lr on Route is a URI parameter instead), values
    /// as received.
    public var parameters: SIPParameters

    public init(displayName: String? = nil, uri: SIPAnyURI, parameters: SIPParameters = SIPParameters()) {
        self.displayName = displayName
        self.uri = uri
        self.parameters = parameters
    }

    public init(displayName: String? = nil, uri: SIPURI, parameters: SIPParameters = SIPParameters()) {
        self.init(displayName: displayName, uri: .sip(uri), parameters: parameters)
    }

    /// Parses one value; errors name `header` (`.malformedHeader(header)`).
    public init(parsing value: String, header: SIPHeaderName = .to) throws(SIPParseError) {
        guard let parsed = SIPNameAddress.parse(value) else { throw SIPParseError(.malformedHeader(header)) }
        self = parsed
    }

    /// The dialog tag (RFC 3261 §19.3) of From and To.
    public var tag: String? {
        get { parameters["tag"] }
        set { if let newValue { parameters.set("tag", to: newValue) } else { parameters.remove("tag") } }
    }

    /// Contact `expires` in seconds (RFC 3261 §20.10): nil when absent or not a 32-bit number;
    /// §10.3 lets a registrar treat a bad value as its default.
    public var expires: UInt32? {
        parameters["expires"].flatMap { SIPGrammar.decimal($0, maximum: UInt64(UInt32.max)) }.map { UInt32($0) }
    }

    /// Contact `q` in thousandths, 0…1000 (qvalue, RFC 3261 §20.10): nil when absent or malformed.
    public var qValue: Int? {
        guard let q = parameters["q"] else { return nil }
        let u = Array(q.utf8)
        guard let first = u.first, first == UInt8(ascii: "0") || first == UInt8(ascii: "1") else { return nil }
        var thousandths = Int(first - UInt8(ascii: "0")) * 1000
        if u.count > 1 {
            guard u[1] == UInt8(ascii: "."), u.count <= 5 else { return nil }
            var scale = 100
            for b in u[2...] {
                guard SIPGrammar.is(b, .digit) else { return nil }
                thousandths += Int(b - UInt8(ascii: "0")) * scale
                scale /= 10
            }
        }
        return thousandths <= 1000 ? thousandths : nil
    }

    /// Always the name-addr form: `"Display" <uri>;params`.
    public var description: String {
        var out = ""
        if let displayName {
            out += "\""
            for ch in displayName.unicodeScalars {
                if ch == "\"" || ch == "\\" { out += "\\" }
                out.unicodeScalars.append(ch)
            }
            out += "\" "
        }
        return out + "<" + uri.description + ">" + parameters.description
    }

    // MARK: Parsing

    static func parse(_ value: String) -> SIPNameAddress? {
        SIPScanner.scan(value) { s in
            s.skipWhitespace()
            var displayName: String?
            let uriRange: Range<Int>
            if s.peek == UInt8(ascii: "\"") {
                guard let name = s.quotedString() else { return nil }
                displayName = name
                s.skipWhitespace()
                guard let range = angleURI(&s) else { return nil }
                uriRange = range
            } else if let lt = SIPGrammar.firstIndex(of: UInt8(ascii: "<"), in: s.bytes, s.remaining) {
                // display-name = *(token LWS): only tokens and white space before "<"; UTF-8
                // is accepted too, as some phones send unquoted non-ASCII names.
                for i in s.index..<lt {
                    let b = s.bytes[i]
                    guard SIPGrammar.is(b, .token) || SIPGrammar.isWhitespace(b) || b >= 0x80 else { return nil }
                }
                let name = SIPGrammar.trimmed(s.string(s.index..<lt))
                displayName = name.isEmpty ? nil : name
                s.index = lt
                guard let range = angleURI(&s) else { return nil }
                uriRange = range
            } else {
                // addr-spec: the URI ends at ";" or white space and may not hold "," or "?".
                let range = s.scan { b in
                    b != UInt8(ascii: ";") && !SIPGrammar.isWhitespace(b)
                }
                guard !range.isEmpty, SIPGrammar.firstIndex(of: UInt8(ascii: ","), in: s.bytes, range) == nil,
                      SIPGrammar.firstIndex(of: UInt8(ascii: "?"), in: s.bytes, range) == nil
                else { return nil }
                uriRange = range
            }
            guard let uri = SIPAnyURI.parse(s.bytes, uriRange) else { return nil }
            guard let parameters = s.parameters() else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            if let tag = parameters.index(of: "tag").map({ parameters[$0].value }) {
                guard let tag, SIPGrammar.isToken(tag) else { return nil }
            }
            return SIPNameAddress(displayName: displayName, uri: uri, parameters: parameters)
        }
    }

    /// `"<" addr-spec ">"` with nothing else inside (RFC 4475 §3.1.2.14: no spaces).
    private static func angleURI(_ s: inout SIPScanner) -> Range<Int>? {
        guard s.consume(UInt8(ascii: "<")) else { return nil }
        let range = s.scan { $0 != UInt8(ascii: ">") }
        guard s.consume(UInt8(ascii: ">")), !range.isEmpty else { return nil }
        for i in range where SIPGrammar.isWhitespace(s.bytes[i]) || s.bytes[i] == UInt8(ascii: "<") { return nil }
        return range
    }
}
