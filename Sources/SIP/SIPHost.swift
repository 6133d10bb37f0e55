/// The host of a SIP URI or a Via sent-by (RFC 3261 §25.1 `host`): a host name, an IPv4
/// address, or an IPv6 address (written in brackets in URIs and Via, RFC 3261 §19.1.1).
public enum SIPHost: Sendable, Hashable, CustomStringConvertible {
    /// A host name as received; names compare case-insensitively (`isEquivalent(to:)`).
    case name(String)
    /// Dotted-quad text.
    case ipv4(String)
    /// The address text without brackets.
    case ipv6(String)

    /// Parses `host`: a name, dotted quad, or `[IPv6]`. A bare IPv6 address is accepted only
    /// with `allowBareIPv6` (the Via `received` parameter carries one, RFC 3261 §20.42).
    public init?(_ text: String, allowBareIPv6: Bool = false) {
        guard let host = SIPScanner.scan(text, { s in SIPHost.parse(s.bytes, s.remaining, allowBareIPv6: allowBareIPv6) }) else {
            return nil
        }
        self = host
    }

    static func parse(_ bytes: SIPGrammar.Bytes, _ range: Range<Int>, allowBareIPv6: Bool = false) -> SIPHost? {
        guard !range.isEmpty else { return nil }
        let first = bytes[range.lowerBound], last = bytes[range.upperBound - 1]
        if first == UInt8(ascii: "[") {
            guard last == UInt8(ascii: "]"), range.count > 2 else { return nil }
            let inner = (range.lowerBound + 1)..<(range.upperBound - 1)
            guard SIPHost.ipv6Bytes(bytes, inner) != nil else { return nil }
            return .ipv6(SIPGrammar.string(bytes, inner))
        }
        if allowBareIPv6, SIPGrammar.firstIndex(of: UInt8(ascii: ":"), in: bytes, range) != nil {
            guard SIPHost.ipv6Bytes(bytes, range) != nil else { return nil }
            return .ipv6(SIPGrammar.string(bytes, range))
        }
        // All-numeric labels must form a valid dotted quad: a toplabel starts with a letter.
        var numeric = true
        for i in range where !(SIPGrammar.is(bytes[i], .digit) || bytes[i] == UInt8(ascii: ".")) { numeric = false; break }
        if numeric {
            guard SIPHost.ipv4Bytes(bytes, range) != nil else { return nil }
            return .ipv4(SIPGrammar.string(bytes, range))
        }
        // hostname = *( domainlabel "." ) toplabel [ "." ]; "_" accepted leniently.
        var labelLength = 0
        for i in range {
            let b = bytes[i]
            if b == UInt8(ascii: ".") {
                guard labelLength > 0 else { return nil }
                labelLength = 0
            } else {
                guard SIPGrammar.is(b, .hostname) else { return nil }
                labelLength += 1
            }
        }
        return .name(SIPGrammar.string(bytes, range))
    }

    /// How the host is written in a URI or Via: IPv6 in brackets.
    public var description: String {
        switch self {
        case .name(let s), .ipv4(let s): return s
        case .ipv6(let s): return "[" + s + "]"
        }
    }

    /// The text without brackets.
    public var text: String {
        switch self {
        case .name(let s), .ipv4(let s), .ipv6(let s): return s
        }
    }

    public var isIPAddress: Bool {
        if case .name = self { return false }
        return true
    }

    /// RFC 3261 §19.1.4: host names compare case-insensitively; addresses compare by value
    /// (RFC 5118 §4: "::1" and "0:0:0:0:0:0:0:1" are the same host). A name never equals an
    /// address, even one it resolves to.
    public func isEquivalent(to other: SIPHost) -> Bool {
        switch (self, other) {
        case (.name(let a), .name(let b)):
            var a = a, b = b
            if a.utf8.last == UInt8(ascii: ".") { a.removeLast() }
            if b.utf8.last == UInt8(ascii: ".") { b.removeLast() }
            return SIPGrammar.caseInsensitiveEquals(a, b)
        case (.ipv4(let a), .ipv4(let b)):
            return SIPHost.address(a, SIPHost.ipv4Bytes) == SIPHost.address(b, SIPHost.ipv4Bytes)
        case (.ipv6(let a), .ipv6(let b)):
            guard let x = SIPHost.address(a, SIPHost.ipv6Bytes), let y = SIPHost.address(b, SIPHost.ipv6Bytes) else { return a == b }
            return x == y
        default:
            return false
        }
    }

    static func address(_ text: String, _ parse: (SIPGrammar.Bytes, Range<Int>) -> [UInt8]?) -> [UInt8]? {
        SIPScanner.scan(text) { s in parse(s.bytes, s.remaining) }
    }

    static func ipv4Bytes(_ bytes: SIPGrammar.Bytes, _ range: Range<Int>) -> [UInt8]? {
        var out: [UInt8] = []
        var value = 0
        var digits = 0
        for i in range {
            let b = bytes[i]
            if b == UInt8(ascii: ".") {
                guard digits > 0, out.count < 3 else { return nil }
                out.append(UInt8(value))
                value = 0
                digits = 0
            } else {
                guard SIPGrammar.is(b, .digit), digits < 3 else { return nil }
                value = value * 10 + Int(b - UInt8(ascii: "0"))
                digits += 1
                guard value <= 255 else { return nil }
            }
        }
        guard digits > 0, out.count == 3 else { return nil }
        out.append(UInt8(value))
        return out
    }

    /// RFC 4291 §2.2 text forms: eight groups, "::" once, optionally a trailing dotted quad.
    static func ipv6Bytes(_ bytes: SIPGrammar.Bytes, _ range: Range<Int>) -> [UInt8]? {
        guard range.count >= 2, range.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var i = range.lowerBound
        let end = range.upperBound
        if bytes[i] == UInt8(ascii: ":") {
            guard i + 1 < end, bytes[i + 1] == UInt8(ascii: ":") else { return nil }
            sawDoubleColon = true
            i += 2
        }
        var needGroup = false
        while i < end {
            // A group, or the embedded IPv4 address at the end.
            let groupStart = i
            while i < end, SIPGrammar.is(bytes[i], .hexDigit) { i += 1 }
            if i < end, bytes[i] == UInt8(ascii: ".") {
                guard let v4 = ipv4Bytes(bytes, groupStart..<end) else { return nil }
                let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if sawDoubleColon { tail += groups } else { head += groups }
                needGroup = false
                break
            }
            let length = i - groupStart
            guard length >= 1, length <= 4 else { return nil }
            var value: UInt16 = 0
            for j in groupStart..<i { value = value << 4 | UInt16(SIPGrammar.hexValue(bytes[j])!) }
            if sawDoubleColon { tail.append(value) } else { head.append(value) }
            needGroup = false
            if i == end { break }
            guard bytes[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < end, bytes[i] == UInt8(ascii: ":") {
                guard !sawDoubleColon else { return nil }
                sawDoubleColon = true
                i += 1
            } else {
                needGroup = true
            }
        }
        guard !needGroup else { return nil }
        let total = head.count + tail.count
        if sawDoubleColon {
            guard total <= 7 else { return nil }
        } else {
            guard total == 8 else { return nil }
        }
        let groups = head + [UInt16](repeating: 0, count: 8 - total) + tail
        var out: [UInt8] = []
        for g in groups { out.append(UInt8(g >> 8)); out.append(UInt8(g & 0xFF)) }
        return out
    }
}
