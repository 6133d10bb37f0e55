/// A `sip:` or `sips:` URI (RFC 3261 §19.1):
/// `sip:user:password@host:port;uri-parameters?headers`.
///
/// Components are stored unescaped (`%41` becomes `A`) because RFC 3261 §19.1.4 compares
/// URIs after unescaping; `description` escapes again whatever the grammar requires, so a
/// parsed URI re-serializes to an equivalent, not always byte-identical, string.
public struct SIPURI: Sendable, Hashable, CustomStringConvertible {
    public enum Scheme: String, Sendable, Hashable {
        case sip, sips
    }

    /// One `name=value` pair of the `?headers` component (RFC 3261 §19.1.1), unescaped.
    public struct Header: Sendable, Hashable {
        public var name: String
        public var value: String
        public init(name: String, value: String) {
            self.name = name
            self.value = value
        }
    }

    public var scheme: Scheme
    /// The user part, unescaped (may contain ";" for telephone-subscriber parameters,
    /// RFC 3261 §19.1.6, or any octet written as an escape, NUL included).
    public var user: String?
    public var password: String?
    public var host: SIPHost
    /// Nil when the URI has no port: that is not the same URI as one with `:5060`
    /// (RFC 3261 §19.1.4).
    public var port: UInt16?
    /// uri-parameters with unescaped names and values.
    public var parameters: SIPParameters
    public var headers: [Header]

    public init(
        scheme: Scheme = .sip, user: String? = nil, password: String? = nil, host: SIPHost, port: UInt16? = nil,
        parameters: SIPParameters = SIPParameters(), headers: [Header] = []
    ) {
        self.scheme = scheme
        self.user = user
        self.password = password
        self.host = host
        self.port = port
        self.parameters = parameters
        self.headers = headers
    }

    /// Parses a complete `sip:`/`sips:` URI; nil when it does not follow RFC 3261 §25.1.
    public init?(_ string: String) {
        guard let uri = SIPScanner.scan(string, { s in SIPURI.parse(s.bytes, s.remaining) }) else { return nil }
        self = uri
    }

    // MARK: Well-known parameters (RFC 3261 §19.1.1)

    /// `transport=` (udp, tcp, sctp, tls, ws, …), as written.
    public var transport: String? { parameters["transport"] }
    /// `lr`: the element is a loose router (RFC 3261 §16.4, §19.1.1).
    public var isLooseRouter: Bool { parameters.contains("lr") }
    public var maddr: String? { parameters["maddr"] }
    /// `user=phone`: the user part is a telephone number.
    public var userParameter: String? { parameters["user"] }

    // MARK: Parsing

    static func parse(_ bytes: SIPGrammar.Bytes, _ range: Range<Int>) -> SIPURI? {
        let end = range.upperBound
        guard let colon = SIPGrammar.firstIndex(of: UInt8(ascii: ":"), in: bytes, range) else { return nil }
        let scheme: Scheme
        switch colon - range.lowerBound {
        case 3 where SIPURI.matches(bytes, range.lowerBound, "sip"): scheme = .sip
        case 4 where SIPURI.matches(bytes, range.lowerBound, "sips"): scheme = .sips
        default: return nil
        }
        var i = colon + 1
        guard i < end else { return nil }

        // userinfo ends at the only "@": no later component may contain one unescaped.
        var user: String?
        var password: String?
        if let at = SIPGrammar.firstIndex(of: UInt8(ascii: "@"), in: bytes, i..<end) {
            let userEnd = SIPGrammar.firstIndex(of: UInt8(ascii: ":"), in: bytes, i..<at) ?? at
            guard userEnd > i, let u = SIPGrammar.unescape(bytes, i..<userEnd, allowed: .userPart) else { return nil }
            user = u
            if userEnd < at {
                guard let p = SIPGrammar.unescape(bytes, (userEnd + 1)..<at, allowed: .passwordPart) else { return nil }
                password = p
            }
            i = at + 1
        }

        // hostport
        let hostStart = i
        if i < end, bytes[i] == UInt8(ascii: "[") {
            guard let close = SIPGrammar.firstIndex(of: UInt8(ascii: "]"), in: bytes, i..<end) else { return nil }
            i = close + 1
        } else {
            while i < end, bytes[i] != UInt8(ascii: ":"), bytes[i] != UInt8(ascii: ";"), bytes[i] != UInt8(ascii: "?") { i += 1 }
        }
        guard let host = SIPHost.parse(bytes, hostStart..<i) else { return nil }
        var port: UInt16?
        if i < end, bytes[i] == UInt8(ascii: ":") {
            let portStart = i + 1
            i = portStart
            while i < end, SIPGrammar.is(bytes[i], .digit) { i += 1 }
            guard let p = SIPGrammar.decimal(bytes, portStart..<i, maximum: 65535) else { return nil }
            port = UInt16(p)
        }

        // uri-parameters
        var parameters = SIPParameters()
        let paramAllowed: SIPGrammar.Class = .parameterPart
        while i < end, bytes[i] == UInt8(ascii: ";") {
            i += 1
            let start = i
            while i < end, bytes[i] != UInt8(ascii: ";"), bytes[i] != UInt8(ascii: "?") { i += 1 }
            if let eq = SIPGrammar.firstIndex(of: UInt8(ascii: "="), in: bytes, start..<i) {
                guard eq > start, eq + 1 < i,
                      let name = SIPGrammar.unescape(bytes, start..<eq, allowed: paramAllowed),
                      let value = SIPGrammar.unescape(bytes, (eq + 1)..<i, allowed: paramAllowed)
                else { return nil }
                parameters.append(name: name, value: value)
            } else {
                guard i > start, let name = SIPGrammar.unescape(bytes, start..<i, allowed: paramAllowed) else { return nil }
                parameters.append(name: name, value: nil)
            }
        }

        // headers
        var headers: [Header] = []
        if i < end {
            guard bytes[i] == UInt8(ascii: "?") else { return nil }
            i += 1
            let headerAllowed: SIPGrammar.Class = .headerPart
            while true {
                let start = i
                while i < end, bytes[i] != UInt8(ascii: "&") { i += 1 }
                guard let eq = SIPGrammar.firstIndex(of: UInt8(ascii: "="), in: bytes, start..<i), eq > start,
                      let name = SIPGrammar.unescape(bytes, start..<eq, allowed: headerAllowed),
                      let value = SIPGrammar.unescape(bytes, (eq + 1)..<i, allowed: headerAllowed)
                else { return nil }
                headers.append(Header(name: name, value: value))
                if i == end { break }
                i += 1
            }
        }
        return SIPURI(scheme: scheme, user: user, password: password, host: host, port: port, parameters: parameters, headers: headers)
    }

    /// Case-insensitive match of ASCII `word` at `start`.
    static func matches(_ bytes: SIPGrammar.Bytes, _ start: Int, _ word: StaticString) -> Bool {
        let w = UnsafeBufferPointer(start: word.utf8Start, count: word.utf8CodeUnitCount)
        guard start + w.count <= bytes.count else { return false }
        for k in 0..<w.count where SIPGrammar.lowercased(bytes[start + k]) != w[k] { return false }
        return true
    }

    // MARK: Serialization

    public var description: String {
        var out = scheme.rawValue + ":"
        if let user {
            out += SIPGrammar.escape(user, allowed: .userPart)
            if let password { out += ":" + SIPGrammar.escape(password, allowed: .passwordPart) }
            out += "@"
        }
        out += host.description
        if let port { out += ":" + String(port) }
        let paramAllowed: SIPGrammar.Class = .parameterPart
        for p in parameters {
            out += ";" + SIPGrammar.escape(p.name, allowed: paramAllowed)
            if let v = p.value { out += "=" + SIPGrammar.escape(v, allowed: paramAllowed) }
        }
        let headerAllowed: SIPGrammar.Class = .headerPart
        for (n, h) in headers.enumerated() {
            out += (n == 0 ? "?" : "&") + SIPGrammar.escape(h.name, allowed: headerAllowed) + "="
                + SIPGrammar.escape(h.value, allowed: headerAllowed)
        }
        return out
    }

    // MARK: Comparison

    /// URI equality as RFC 3261 §19.1.4 defines it (structural `==` compares stored values):
    /// same scheme; user and password equal case-sensitively; hosts equivalent; ports equal
    /// (an absent port is not 5060); `user`, `ttl`, `method`, `maddr` and `transport` must
    /// agree when either URI has them; other parameters must agree only when both have them;
    /// header components must be the same set.
    public func isEquivalent(to other: SIPURI) -> Bool {
        guard scheme == other.scheme, user == other.user, password == other.password,
              host.isEquivalent(to: other.host), port == other.port
        else { return false }
        let mustMatch = ["user", "ttl", "method", "maddr", "transport"]
        for p in parameters {
            if let i = other.parameters.index(of: p.name) {
                let q = other.parameters[i]
                switch (p.value, q.value) {
                case (nil, nil): continue
                case (let a?, let b?) where SIPGrammar.caseInsensitiveEquals(a, b): continue
                default: return false
                }
            } else if mustMatch.contains(where: { SIPGrammar.caseInsensitiveEquals($0, p.name) }) {
                return false
            }
        }
        for q in other.parameters where !parameters.contains(q.name) {
            if mustMatch.contains(where: { SIPGrammar.caseInsensitiveEquals($0, q.name) }) { return false }
        }
        guard headers.count == other.headers.count else { return false }
        for h in headers {
            guard other.headers.contains(where: { SIPGrammar.caseInsensitiveEquals($0.name, h.name) && $0.value == h.value })
            else { return false }
        }
        return true
    }
}
