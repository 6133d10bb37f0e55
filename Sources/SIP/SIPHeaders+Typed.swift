/// Typed views of well-known headers, parsed on access from the raw fields.
///
/// Each accessor gives nil (or an empty list) when the header is absent and throws
/// `SIPParseError` (`.malformedHeader`, or `.duplicateHeader` for single-valued headers on
/// several lines) when it is present but unusable; `suggestedStatus` and `reason` of the
/// error are what a UAS answers with. Messages from `SIPParser` were checked for Via, From,
/// To, Call-ID, CSeq, Contact, Route, Record-Route and Content-Type, so those do not throw.
extension SIPHeaders {
    /// The single value of a header that may appear once.
    func single(_ name: SIPHeaderName) throws(SIPParseError) -> String? {
        var found: String?
        for field in fields where field.name == name {
            guard found == nil else { throw SIPParseError(.duplicateHeader(name)) }
            found = field.value
        }
        return found
    }

    // MARK: Via

    /// Every hop, topmost first (RFC 3261 §20.42).
    public var via: [SIPVia] {
        get throws(SIPParseError) {
            var out: [SIPVia] = []
            for value in values(for: .via) { out.append(try SIPVia(parsing: value)) }
            return out
        }
    }

    /// The topmost Via: the one this element's transaction answers to (§17.2.3, §18.2.2).
    public var topVia: SIPVia? {
        get throws(SIPParseError) {
            guard let first = self[.via] else { return nil }
            let value = first.utf8.contains(UInt8(ascii: ",")) ? SIPHeaders.splitList(first)[0] : first
            return try SIPVia(parsing: value)
        }
    }

    // MARK: Dialog identification

    public var from: SIPNameAddress? {
        get throws(SIPParseError) { try single(.from).map { v throws(SIPParseError) in try SIPNameAddress(parsing: v, header: .from) } }
    }

    public var to: SIPNameAddress? {
        get throws(SIPParseError) { try single(.to).map { v throws(SIPParseError) in try SIPNameAddress(parsing: v, header: .to) } }
    }

    /// The Call-ID, compared case-sensitively (RFC 3261 §20.8): one word without white space.
    public var callID: String? {
        get throws(SIPParseError) {
            guard let value = try single(.callID) else { return nil }
            guard !value.isEmpty, !value.utf8.contains(where: { $0 <= 0x20 || $0 == 0x7F }) else {
                throw SIPParseError(.malformedHeader(.callID))
            }
            return value
        }
    }

    public var cseq: SIPCSeq? {
        get throws(SIPParseError) { try single(.cseq).map { v throws(SIPParseError) in try SIPCSeq(parsing: v) } }
    }

    /// 0…255 (RFC 3261 §20.22). The parser does not reject a bad value: RFC 4475 §3.1.2.4 lets
    /// an element treat it as absent, which `(try? headers.maxForwards) ?? nil` does.
    public var maxForwards: UInt8? {
        get throws(SIPParseError) {
            guard let value = try single(.maxForwards) else { return nil }
            guard let n = SIPGrammar.decimal(SIPGrammar.trimmed(value), maximum: 255) else {
                throw SIPParseError(.malformedHeader(.maxForwards))
            }
            return UInt8(n)
        }
    }

    // MARK: Contact and routing

    /// Whether the message has the single value `Contact: *` (REGISTER removing every
    /// binding, RFC 3261 §10.2.2).
    public var isContactWildcard: Bool {
        let values = values(for: .contact)
        return values.count == 1 && values[0] == "*"
    }

    /// Contact addresses in order; empty for none and for the wildcard. A `*` mixed with
    /// addresses is malformed.
    public var contacts: [SIPNameAddress] {
        get throws(SIPParseError) {
            let values = values(for: .contact)
            if values.count == 1, values[0] == "*" { return [] }
            var out: [SIPNameAddress] = []
            for value in values { out.append(try SIPNameAddress(parsing: value, header: .contact)) }
            return out
        }
    }

    /// The route set a response establishes (RFC 3261 §12.1), in header order.
    public var recordRoute: [SIPNameAddress] {
        get throws(SIPParseError) { try nameAddresses(.recordRoute) }
    }

    public var route: [SIPNameAddress] {
        get throws(SIPParseError) { try nameAddresses(.route) }
    }

    func nameAddresses(_ name: SIPHeaderName) throws(SIPParseError) -> [SIPNameAddress] {
        var out: [SIPNameAddress] = []
        for value in values(for: name) { out.append(try SIPNameAddress(parsing: value, header: name)) }
        return out
    }

    // MARK: Body description

    public var contentType: SIPMediaType? {
        get throws(SIPParseError) { try single(.contentType).map { v throws(SIPParseError) in try SIPMediaType(parsing: v) } }
    }

    /// The declared body length. Several lines with one value are accepted; different values
    /// are not (RFC 4475 §3.3.9).
    public var contentLength: Int? {
        get throws(SIPParseError) {
            var found: Int?
            for field in fields where field.name == .contentLength {
                guard let n = SIPGrammar.decimal(SIPGrammar.trimmed(field.value), maximum: UInt64(Int.max)) else {
                    throw SIPParseError(.invalidContentLength)
                }
                guard found == nil || found == Int(n) else { throw SIPParseError(.invalidContentLength) }
                found = Int(n)
            }
            return found
        }
    }

    // MARK: Extensions and capabilities

    /// Expires in seconds (RFC 3261 §20.19). §10.2.1.1 lets a registrar use its default
    /// for a malformed value; this throws so the caller can choose.
    public var expires: UInt32? {
        get throws(SIPParseError) {
            guard let value = try single(.expires) else { return nil }
            guard let n = SIPGrammar.decimal(SIPGrammar.trimmed(value), maximum: UInt64(UInt32.max)) else {
                throw SIPParseError(.malformedHeader(.expires))
            }
            return UInt32(n)
        }
    }

    /// Option tags (RFC 3261 §19.2), e.g. "timer", "100rel", "replaces". Empty elements are
    /// skipped.
    public var supported: [String] { get throws(SIPParseError) { try optionTags(.supported) } }
    public var require: [String] { get throws(SIPParseError) { try optionTags(.require) } }
    public var proxyRequire: [String] { get throws(SIPParseError) { try optionTags(.proxyRequire) } }
    public var unsupported: [String] { get throws(SIPParseError) { try optionTags(.unsupported) } }

    func optionTags(_ name: SIPHeaderName) throws(SIPParseError) -> [String] {
        var out: [String] = []
        for value in values(for: name) where !value.isEmpty {
            guard SIPGrammar.isToken(value) else { throw SIPParseError(.malformedHeader(name)) }
            out.append(value)
        }
        return out
    }

    public var allow: [SIPMethod] {
        get throws(SIPParseError) {
            var out: [SIPMethod] = []
            for value in values(for: .allow) where !value.isEmpty {
                guard let method = SIPMethod(rawValue: value) else { throw SIPParseError(.malformedHeader(.allow)) }
                out.append(method)
            }
            return out
        }
    }

    /// RFC 4028 §4.
    public var sessionExpires: SIPSessionExpires? {
        get throws(SIPParseError) {
            try single(.sessionExpires).map { v throws(SIPParseError) in try SIPSessionExpires(parsing: v) }
        }
    }

    /// Min-SE in seconds (RFC 4028 §5).
    public var minSE: UInt32? {
        get throws(SIPParseError) {
            guard let value = try single(.minSE) else { return nil }
            guard let (seconds, _) = SIPDeltaSeconds.parse(value) else { throw SIPParseError(.malformedHeader(.minSE)) }
            return seconds
        }
    }

    public var retryAfter: SIPRetryAfter? {
        get throws(SIPParseError) { try single(.retryAfter).map { v throws(SIPParseError) in try SIPRetryAfter(parsing: v) } }
    }

    public var warnings: [SIPWarning] {
        get throws(SIPParseError) {
            var out: [SIPWarning] = []
            for value in values(for: .warning) { out.append(try SIPWarning(parsing: value)) }
            return out
        }
    }

    /// RFC 3326.
    public var reasons: [SIPReason] {
        get throws(SIPParseError) {
            var out: [SIPReason] = []
            for value in values(for: .reason) { out.append(try SIPReason(parsing: value)) }
            return out
        }
    }

    // MARK: Free text

    /// Product tokens and comments, kept as text (RFC 3261 §20.41).
    public var userAgent: String? { self[.userAgent] }
    /// RFC 3261 §20.35.
    public var server: String? { self[.server] }
}
