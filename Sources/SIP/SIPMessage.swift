/// A parsed or built SIP message: a request or a response (RFC 3261 §7).
///
/// Parse with `SIPParser` (datagrams) or `SIPStreamFramer` (TCP/TLS); every message they
/// return has a Via, From, To, Call-ID and CSeq that parse, a CSeq method matching a
/// request's method, and Contact, Route, Record-Route and Content-Type values that parse,
/// so the typed accessors on `headers` do not throw for those.
public enum SIPMessage: Sendable, Hashable {
    case request(SIPRequest)
    case response(SIPResponse)

    public var request: SIPRequest? {
        if case .request(let r) = self { return r }
        return nil
    }

    public var response: SIPResponse? {
        if case .response(let r) = self { return r }
        return nil
    }

    public var isRequest: Bool { request != nil }

    public var headers: SIPHeaders {
        get {
            switch self {
            case .request(let r): return r.headers
            case .response(let r): return r.headers
            }
        }
        set {
            switch self {
            case .request(var r): r.headers = newValue; self = .request(r)
            case .response(var r): r.headers = newValue; self = .response(r)
            }
        }
    }

    public var body: [UInt8] {
        get {
            switch self {
            case .request(let r): return r.body
            case .response(let r): return r.body
            }
        }
        set {
            switch self {
            case .request(var r): r.body = newValue; self = .request(r)
            case .response(var r): r.body = newValue; self = .response(r)
            }
        }
    }

    /// The Request-Line or Status-Line.
    public var startLine: String {
        switch self {
        case .request(let r): return r.requestLine
        case .response(let r): return r.statusLine
        }
    }
}
