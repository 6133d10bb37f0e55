/// Any URI that may appear as a Request-URI or in a name-addr: a parsed `sip:`/`sips:` URI,
/// or another absolute URI (`tel:`, `urn:`, unknown schemes) kept as opaque text.
///
/// An unknown scheme is not a parse error (RFC 4475 §3.3.2/§3.3.4): a UAS answers 416
/// (Unsupported URI Scheme) at a higher layer.
public enum SIPAnyURI: Sendable, Hashable, CustomStringConvertible {
    case sip(SIPURI)
    /// The complete URI text, e.g. `tel:+1-201-555-0123`.
    case absolute(String)

    /// Parses `sip:`/`sips:` strictly and any other `scheme ":" rest` leniently (no white
    /// space, no `<`, `>` or `"`); nil otherwise.
    public init?(_ string: String) {
        guard let uri = SIPScanner.scan(string, { s in SIPAnyURI.parse(s.bytes, s.remaining) }) else { return nil }
        self = uri
    }

    public init(_ uri: SIPURI) { self = .sip(uri) }

    static func parse(_ bytes: SIPGrammar.Bytes, _ range: Range<Int>) -> SIPAnyURI? {
        guard !range.isEmpty, SIPGrammar.is(bytes[range.lowerBound], .alphanumeric), !SIPGrammar.is(bytes[range.lowerBound], .digit),
              let colon = SIPGrammar.firstIndex(of: UInt8(ascii: ":"), in: bytes, range),
              SIPGrammar.all(bytes, range.lowerBound..<colon, .scheme)
        else { return nil }
        let schemeLength = colon - range.lowerBound
        if (schemeLength == 3 && SIPURI.matches(bytes, range.lowerBound, "sip"))
            || (schemeLength == 4 && SIPURI.matches(bytes, range.lowerBound, "sips")) {
            return SIPURI.parse(bytes, range).map(SIPAnyURI.sip)
        }
        guard colon + 1 < range.upperBound else { return nil }
        for i in (colon + 1)..<range.upperBound where !isOpaqueByte(bytes[i]) { return nil }
        return .absolute(SIPGrammar.string(bytes, range))
    }

    /// uric (RFC 3261 §25.1: reserved / unreserved / escaped) plus "[", "]" and "#".
    static func isOpaqueByte(_ b: UInt8) -> Bool {
        SIPGrammar.is(b, .userPart) || b == UInt8(ascii: ":") || b == UInt8(ascii: "@")
            || b == UInt8(ascii: "%") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]") || b == UInt8(ascii: "#")
    }

    /// The scheme in lower case.
    public var scheme: String {
        switch self {
        case .sip(let uri): return uri.scheme.rawValue
        case .absolute(let text):
            let scheme = text.utf8.prefix { $0 != UInt8(ascii: ":") }
            return SIPGrammar.asciiLowercased(String(decoding: scheme, as: UTF8.self))
        }
    }

    public var sipURI: SIPURI? {
        if case .sip(let uri) = self { return uri }
        return nil
    }

    public var description: String {
        switch self {
        case .sip(let uri): return uri.description
        case .absolute(let text): return text
        }
    }

    /// §19.1.4 for SIP URIs; other schemes compare by scheme (case-insensitively) and the
    /// remaining text exactly, a conservative reading of each scheme's own rules.
    public func isEquivalent(to other: SIPAnyURI) -> Bool {
        switch (self, other) {
        case (.sip(let a), .sip(let b)): return a.isEquivalent(to: b)
        case (.absolute(let a), .absolute(let b)):
            return scheme == other.scheme && a.utf8.drop { $0 != UInt8(ascii: ":") }.elementsEqual(b.utf8.drop { $0 != UInt8(ascii: ":") })
        default: return false
        }
    }
}
