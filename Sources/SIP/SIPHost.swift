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
        let u = Array(text.utf8)
        guard let host = u.withUnsafeBufferPointer({ SIPHost.parse($0[...], allowBareIPv6: allowBareIPv6) }) else { return nil }
        self = host
    }

    static func parse(_ bytes: Slice<UnsafeBufferPointer<UInt8>>, allowBareIPv6: Bool = false) -> SIPHost? {
        guard let first = bytes.first, let last = bytes.last else { return nil }
        if first == UInt8(ascii: "[") {
            guard last == UInt8(ascii: "]"), bytes.count > 2 else { return nil }
            let inner = bytes.dropFirst().dropLast()
            guard SIPHost.ipv6Bytes(inner) != nil else { return nil }
            return .ipv6(String(decoding: inner, as: UTF8.self))
        }
        if allowBareIPv6, bytes.contains(UInt8(ascii: ":")) {
            guard SIPHost.ipv6Bytes(bytes) != nil else { return nil }
            return .ipv6(String(decoding: bytes, as: UTF8.self))
        }
        // All-numeric labels must form a valid dotted quad: a toplabel starts with a letter.
        if bytes.allSatisfy({ SIPGrammar.is($0, .digit) || $0 == UInt8(ascii: ".") }) {
            guard SIPHost.ipv4Bytes(bytes) != nil else { return nil }
            return .ipv4(String(decoding: bytes, as: UTF8.self))
        }
        // hostname = *( domainlabel "." ) toplabel [ "." ]; "_" accepted leniently.
        var labelLength = 0
        for b in bytes {
            if b == UInt8(ascii: ".") {
                guard labelLength > 0 else { return nil }
                labelLength = 0
            } else {
                guard SIPGrammar.is(b, .hostname), b != UInt8(ascii: ".") else { return nil }
                labelLength += 1
            }
        }
        return .name(String(decoding: bytes, as: UTF8.self))
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
            return SIPHost.ipv4Bytes(Array(a.utf8)[...]) == SIPHost.ipv4Bytes(Array(b.utf8)[...])
        case (.ipv6(let a), .ipv6(let b)):
            guard let x = SIPHost.ipv6Bytes(Array(a.utf8)[...]), let y = SIPHost.ipv6Bytes(Array(b.utf8)[...]) else { return a == b }
            return x == y
        default:
            return false
        }
    }

    static func ipv4Bytes<C: Collection<UInt8>>(_ bytes: C) -> [UInt8]? {
        var out: [UInt8] = []
        var value = 0
        var digits = 0
        for b in bytes {
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
    static func ipv6Bytes<C: Collection<UInt8>>(_ bytes: C) -> [UInt8]? where C.Index == Int {
        guard bytes.count >= 2, bytes.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var sawDoubleColon = false
        var i = bytes.startIndex
        let end = bytes.endIndex
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
                guard let v4 = ipv4Bytes(bytes[groupStart..<end]) else { return nil }
                let groups = [UInt16(v4[0]) << 8 | UInt16(v4[1]), UInt16(v4[2]) << 8 | UInt16(v4[3])]
                if sawDoubleColon { tail += groups } else { head += groups }
                i = end
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
