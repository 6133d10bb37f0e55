/// One Via hop (RFC 3261 §20.42): `SIP/2.0/UDP host:port;branch=z9hG4bK…;received=…;rport`.
///
/// A request's Via list records the path its responses take back; the topmost value's
/// branch identifies the transaction (§17.2.3) when it starts with the magic cookie.
public struct SIPVia: Sendable, Hashable, CustomStringConvertible {
    /// RFC 3261 §8.1.1.7: branches that start with this were made by an RFC 3261 element and
    /// are unique per transaction; without it, RFC 2543 matching rules apply (§17.2.3).
    public static let magicCookie = "z9hG4bK"

    /// The rport parameter (RFC 3581): a client asks for it empty; the server fills in the
    /// source port it saw.
    public enum RPort: Sendable, Hashable {
        case requested
        case port(UInt16)
    }

    public var protocolName: String
    public var protocolVersion: String
    /// Upper-cased transport token: UDP, TCP, TLS, SCTP, WS, WSS or an extension (§20.42).
    public var transport: String
    public var host: SIPHost
    public var port: UInt16?
    /// All via-params in order, values as received.
    public var parameters: SIPParameters

    public init(
        transport: String, host: SIPHost, port: UInt16? = nil, branch: String? = nil,
        parameters: SIPParameters = SIPParameters(), protocolName: String = "SIP", protocolVersion: String = "2.0"
    ) {
        self.protocolName = protocolName
        self.protocolVersion = protocolVersion
        self.transport = SIPGrammar.asciiUppercased(transport)
        self.host = host
        self.port = port
        if let branch {
            // The branch first, as RFC 3261's examples write it.
            var rest = parameters
            rest.remove("branch")
            self.parameters = SIPParameters([SIPParameters.Parameter(name: "branch", value: branch)] + rest.elements)
        } else {
            self.parameters = parameters
        }
    }

    /// Parses one via-parm (one element of a Via list).
    public init(parsing value: String) throws(SIPParseError) {
        guard let via = SIPVia.parse(value, lenient: false) else { throw SIPParseError(.malformedHeader(.via)) }
        self = via
    }

    // MARK: Parameters

    public var branch: String? {
        get { parameters["branch"] }
        set { setParameter("branch", newValue) }
    }

    /// Whether the branch carries the RFC 3261 magic cookie (compared exactly, as §17.2.3 does).
    public var hasMagicCookie: Bool { branch?.hasPrefix(SIPVia.magicCookie) ?? false }

    /// The source address a server saw (RFC 3261 §18.2.1).
    public var received: String? {
        get { parameters["received"] }
        set { setParameter("received", newValue) }
    }

    public var rport: RPort? {
        get {
            guard let i = parameters.index(of: "rport") else { return nil }
            guard let value = parameters[i].value else { return .requested }
            return SIPGrammar.decimal(value, maximum: 65535).map { .port(UInt16($0)) } ?? .requested
        }
        set {
            switch newValue {
            case nil: parameters.remove("rport")
            case .requested?: parameters.set("rport")
            case .port(let p)?: parameters.set("rport", to: String(p))
            }
        }
    }

    public var maddr: String? {
        get { parameters["maddr"] }
        set { setParameter("maddr", newValue) }
    }

    public var ttl: UInt8? {
        get { parameters["ttl"].flatMap { SIPGrammar.decimal($0, maximum: 255) }.map { UInt8($0) } }
        set { setParameter("ttl", newValue.map { String($0) }) }
    }

    private mutating func setParameter(_ name: String, _ value: String?) {
        if let value { parameters.set(name, to: value) } else { parameters.remove(name) }
    }

    /// The port responses go to when sent-by has none: 5061 for TLS (and WSS), else 5060
    /// (RFC 3261 §18.2.2, §19.1.2).
    public var effectivePort: UInt16 {
        port ?? (transport == "TLS" || transport == "WSS" || transport == "TLS-SCTP" ? 5061 : 5060)
    }

    /// The Via as a server records it on receipt (RFC 3261 §18.2.1, RFC 3581 §4): `received`
    /// is added when sent-by is not the source address, or whenever rport was requested; an
    /// empty rport gets the source port.
    public func stamped(sourceHost: String, sourcePort: UInt16) -> SIPVia {
        var via = self
        let rportRequested = parameters.contains("rport") && parameters["rport"] == nil
        let source = SIPHost(sourceHost, allowBareIPv6: true)
        let sameHost = source.map { host.isEquivalent(to: $0) } ?? false
        if rportRequested || !sameHost {
            via.received = source?.text ?? sourceHost
        }
        if rportRequested { via.rport = .port(sourcePort) }
        return via
    }

    // MARK: Serialization

    public var description: String {
        var out = protocolName + "/" + protocolVersion + "/" + transport + " " + host.description
        if let port { out += ":" + String(port) }
        return out + parameters.description
    }

    // MARK: Parsing

    /// `sent-protocol LWS sent-by *( SEMI via-params )` with SWS around "/", ":" and ";".
    /// `lenient` keeps a value whose parameters are broken, without them: enough to answer
    /// a malformed request (RFC 4475 §3.1.2.1).
    static func parse(_ value: String, lenient: Bool) -> SIPVia? {
        SIPScanner.scan(value) { s in
            s.skipWhitespace()
            guard let name = s.token(), s.consumeSeparator(UInt8(ascii: "/")),
                  let version = s.token(), s.consumeSeparator(UInt8(ascii: "/")),
                  let transport = s.token()
            else { return nil }
            guard s.skipWhitespace() else { return nil }
            let hostStart = s.index
            if s.peek == UInt8(ascii: "[") {
                _ = s.scan { $0 != UInt8(ascii: "]") }
                guard s.consume(UInt8(ascii: "]")) else { return nil }
            } else {
                _ = s.scan(.hostname)
            }
            guard let host = SIPHost.parse(s.bytes, hostStart..<s.index) else { return nil }
            var port: UInt16?
            if s.consumeSeparator(UInt8(ascii: ":")) {
                let digits = s.scan(.digit)
                guard let p = SIPGrammar.decimal(s.bytes, digits, maximum: 65535) else { return nil }
                port = UInt16(p)
            }
            var via = SIPVia(transport: transport, host: host, port: port, protocolName: name, protocolVersion: version)
            if let parameters = s.parameters() {
                s.skipWhitespace()
                if s.isAtEnd, SIPVia.validate(parameters) {
                    via.parameters = parameters
                    return via
                }
            }
            return lenient ? via : nil
        }
    }

    /// Checks the parameters RFC 3261 §20.42 and RFC 3581 give a syntax.
    static func validate(_ parameters: SIPParameters) -> Bool {
        for p in parameters {
            switch SIPGrammar.asciiLowercased(p.name) {
            case "branch":
                guard let v = p.value, SIPGrammar.isToken(v) else { return false }
            case "ttl":
                guard let v = p.value, SIPGrammar.decimal(v, maximum: 255) != nil, v.utf8.count <= 3 else { return false }
            case "maddr":
                guard let v = p.value, SIPHost(v) != nil else { return false }
            case "received":
                guard let v = p.value, SIPHost(v, allowBareIPv6: true) != nil else { return false }
            case "rport":
                if let v = p.value, SIPGrammar.decimal(v, maximum: 65535) == nil { return false }
            default:
                break
            }
        }
        return true
    }
}
