/// Why bytes are not a usable SIP message, with the response a UAS should send and what it
/// needs to build one.
///
/// Requests that are too broken to answer come back with `canRespond == false`: responses (a
/// UAC never answers a response; RFC 3261 §18.1.2 discards malformed ones), ACKs (never
/// answered, §17), and requests without a parseable topmost Via, which cannot be routed back
/// (§18.2.1, §8.2.6.2) and are dropped silently.
///
/// Typed header accessors throw the same type (`.malformedHeader`) without a context: the
/// caller already holds the message.
public struct SIPParseError: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// Only CRLFs (a keep-alive, RFC 5626 §3.5.1, or noise on UDP): ignore it.
        case emptyMessage
        /// The datagram, or header section plus Content-Length, exceeds `SIPLimits.maximumMessageBytes`.
        case messageTooLarge
        /// The header section exceeds `SIPLimits.maximumHeaderBytes`.
        case headerSectionTooLarge
        /// More header lines than `SIPLimits.maximumHeaderFields`.
        case tooManyHeaderFields
        /// Content-Length exceeds `SIPLimits.maximumBodyBytes`.
        case bodyTooLarge
        /// No empty line ends the header section (a truncated datagram).
        case incompleteHeaderSection
        /// The Request-Line or Status-Line does not follow RFC 3261 §7.1/§7.2.
        case malformedStartLine
        /// `SIP/x.y` other than 2.0 (RFC 3261 §8.2.2.1 → 505 for requests).
        case unsupportedVersion(String)
        /// Not three digits from 100 to 699 (RFC 3261 §7.2, §21).
        case malformedStatusCode
        case malformedRequestURI
        /// A header line without a colon or with a non-token name; a bare CR; a continuation
        /// line with nothing to continue.
        case malformedHeaderLine
        case missingHeader(SIPHeaderName)
        /// A header that must appear once appears more than once (RFC 4475 §3.3.8).
        case duplicateHeader(SIPHeaderName)
        case malformedHeader(SIPHeaderName)
        /// The CSeq method differs from the request method (RFC 3261 §8.1.1.5, RFC 4475 §3.1.2.17).
        case cseqMethodMismatch
        /// Content-Length not 1*DIGIT, out of range, or several different values.
        case invalidContentLength
        /// Content-Length larger than the bytes a datagram carries (RFC 3261 §18.3).
        case contentLengthExceedsDatagram
    }

    /// Errors are equal when their kinds are: the message they came from is context, not
    /// identity (so `#expect(throws: SIPParseError(.missingHeader(.callID)))` works on parses).
    public static func == (a: SIPParseError, b: SIPParseError) -> Bool { a.kind == b.kind }
    public func hash(into hasher: inout Hasher) { hasher.combine(kind) }

    /// What a parse error leaves to answer with: the fields a response copies (RFC 3261
    /// §8.2.6.2), those that parsed, verbatim and in order.
    public struct Context: Sendable, Hashable {
        public var isRequest: Bool
        /// The request method, when the Request-Line gave one.
        public var method: SIPMethod?
        /// Via values (topmost first, as long as each parses), From, To, Call-ID, CSeq.
        public var headers: SIPHeaders
        /// The topmost Via, parsed at least as far as its sent-by.
        public var topVia: SIPVia?

        public init(isRequest: Bool, method: SIPMethod? = nil, headers: SIPHeaders = SIPHeaders(), topVia: SIPVia? = nil) {
            self.isRequest = isRequest
            self.method = method
            self.headers = headers
            self.topVia = topVia
        }
    }

    /// What the message had, kept as parsed so that an error costs nothing more until someone
    /// asks for its `context` (garbage should be cheap to reject).
    struct Source: Sendable, Hashable {
        var isRequest: Bool
        var method: SIPMethod?
        var fields: [SIPHeaderField]
    }

    public var kind: Kind
    let source: Source?

    public init(_ kind: Kind) {
        self.kind = kind
        self.source = nil
    }

    init(_ kind: Kind, isRequest: Bool, method: SIPMethod?, fields: [SIPHeaderField]) {
        self.kind = kind
        self.source = Source(isRequest: isRequest, method: method, fields: fields)
    }

    /// What a response can copy, for errors that come from parsing a message (nil for errors
    /// thrown by typed accessors). Computed on each access.
    public var context: Context? {
        source.map { SIPParser.context(isRequest: $0.isRequest, method: $0.method, fields: $0.fields) }
    }

    /// The status a UAS should answer with (RFC 3261 §21).
    public var suggestedStatus: Int {
        switch kind {
        case .messageTooLarge, .headerSectionTooLarge, .tooManyHeaderFields: return 513
        case .bodyTooLarge: return 413
        case .unsupportedVersion: return 505
        default: return 400
        }
    }

    /// A reason phrase naming the problem, e.g. "Bad Request (missing Call-ID)".
    public var reason: String {
        switch kind {
        case .emptyMessage: return "Bad Request (empty message)"
        case .messageTooLarge: return "Message Too Large"
        case .headerSectionTooLarge: return "Message Too Large (header section)"
        case .tooManyHeaderFields: return "Message Too Large (too many header fields)"
        case .bodyTooLarge: return "Request Entity Too Large"
        case .incompleteHeaderSection: return "Bad Request (incomplete header section)"
        case .malformedStartLine: return source?.isRequest == false ? "Bad Request (malformed Status-Line)" : "Bad Request (malformed Request-Line)"
        case .unsupportedVersion: return "Version Not Supported"
        case .malformedStatusCode: return "Bad Request (malformed status code)"
        case .malformedRequestURI: return "Bad Request (malformed Request-URI)"
        case .malformedHeaderLine: return "Bad Request (malformed header line)"
        case .missingHeader(let name): return "Bad Request (missing \(name.canonicalName))"
        case .duplicateHeader(let name): return "Bad Request (multiple \(name.canonicalName) values)"
        case .malformedHeader(let name): return "Bad Request (malformed \(name.canonicalName))"
        case .cseqMethodMismatch: return "Bad Request (CSeq method does not match request method)"
        case .invalidContentLength: return "Bad Request (invalid Content-Length)"
        case .contentLengthExceedsDatagram: return "Bad Request (Content-Length larger than message)"
        }
    }

    /// Whether a response may be sent: a request other than ACK with a topmost Via to route
    /// it by. Otherwise the message is dropped without an answer.
    public var canRespond: Bool {
        guard let source, source.isRequest, source.method != .ack else { return false }
        return topViaParses(source.fields)
    }

    private func topViaParses(_ fields: [SIPHeaderField]) -> Bool {
        guard let first = fields.first(where: { $0.name == .via }) else { return false }
        let value = first.value.utf8.contains(UInt8(ascii: ",")) ? SIPHeaders.splitList(first.value)[0] : first.value
        return SIPVia.parse(value, lenient: true) != nil
    }

    public var description: String { "SIPParseError(\(suggestedStatus) \(reason))" }

    /// The error response (`suggestedStatus` with `reason` as its phrase), or nil when
    /// `canRespond` is false. Via, From, To, Call-ID and CSeq are copied as received; a To
    /// without a tag gets `toTag` (RFC 3261 §8.2.6.2); `source` stamps the topmost Via as
    /// `SIPRequest.stampTopVia` does, when that Via parses in full.
    public func makeResponse(toTag: String? = nil, source: SIPSourceAddress? = nil) -> SIPResponse? {
        guard canRespond, let context else { return nil }
        var headers = context.headers
        if let source, let top = headers[.via], let via = SIPVia.parse(top, lenient: false) {
            headers.replaceFirstValue(of: .via, with: via.stamped(sourceHost: source.host, sourcePort: source.port).description)
        }
        if let toTag, let toValue = headers[.to], let to = try? SIPNameAddress(parsing: toValue), to.tag == nil {
            headers.set(.to, toValue + ";tag=" + toTag)
        }
        return SIPResponse(statusCode: suggestedStatus, reasonPhrase: reason, headers: headers)
    }
}
