extension SIPRequest {
    /// A new request (INVITE, re-INVITE, BYE, OPTIONS, INFO, UPDATE, …) with the fields RFC
    /// 3261 §8.1.1 requires, in the order of the RFC's own examples (§24): Via, Max-Forwards
    /// and Route first (§7.3.1 recommends proxy-relevant fields at the top), then To, From,
    /// Call-ID, CSeq, Contact, Supported, Require, `additionalHeaders`, Content-Type and
    /// Content-Length.
    ///
    /// The Request-URI and Route come from `target` and `routeSet` as §12.2.1.1 (and §8.1.2
    /// for a preloaded route set) says: with no route set or a loose router first (`lr`),
    /// the Request-URI is the target and Route is the route set; with a strict router first,
    /// its URI becomes the Request-URI and the target goes last in Route.
    /// In a dialog, `target` is the remote target, `routeSet` the dialog's route set, From
    /// and To carry the tags and `cseq` is the next local sequence number (§12.2.1.1).
    public init(
        method: SIPMethod, target: SIPAnyURI, via: SIPVia, from: SIPNameAddress, to: SIPNameAddress,
        callID: String, cseq: UInt32, maxForwards: UInt8 = 70, routeSet: [SIPNameAddress] = [],
        contact: SIPNameAddress? = nil, supported: [String] = [], require: [String] = [],
        additionalHeaders: SIPHeaders = SIPHeaders(), body: [UInt8] = [], contentType: SIPMediaType? = nil
    ) {
        let (uri, route) = SIPRequest.routing(target: target, routeSet: routeSet)
        var headers = SIPHeaders()
        headers.append(.via, via.description)
        headers.append(.maxForwards, String(maxForwards))
        for r in route { headers.append(.route, r.description) }
        headers.append(.to, to.description)
        headers.append(.from, from.description)
        headers.append(.callID, callID)
        headers.append(.cseq, SIPCSeq(cseq, method).description)
        if let contact { headers.append(.contact, contact.description) }
        if !supported.isEmpty { headers.append(.supported, supported.joined(separator: ", ")) }
        if !require.isEmpty { headers.append(.require, require.joined(separator: ", ")) }
        for field in additionalHeaders { headers.append(field) }
        if !body.isEmpty, let contentType { headers.append(.contentType, contentType.description) }
        headers.append(.contentLength, String(body.count))
        self.init(method: method, uri: uri, headers: headers, body: body)
    }

    /// RFC 3261 §12.2.1.1: the Request-URI and Route values for sending to `target` through
    /// `routeSet`.
    public static func routing(target: SIPAnyURI, routeSet: [SIPNameAddress]) -> (uri: SIPAnyURI, route: [SIPNameAddress]) {
        guard let first = routeSet.first else { return (target, []) }
        if case .sip(let uri) = first.uri, !uri.isLooseRouter {
            // Strict router: it gets the request as its Request-URI, without the parameters
            // and headers a Request-URI may not carry (§19.1.1 table: method, headers).
            var requestURI = uri
            requestURI.parameters.remove("method")
            requestURI.headers = []
            return (.sip(requestURI), Array(routeSet.dropFirst()) + [SIPNameAddress(uri: target)])
        }
        return (target, routeSet)
    }

    /// The ACK a client transaction sends for a non-2xx final response to this INVITE
    /// (RFC 3261 §17.1.1.3): same Request-URI, Call-ID, From and CSeq number, To from the
    /// response (with its tag), one Via equal to this request's topmost (same branch), and
    /// this request's Route values.
    public func makeACK(forNon2xx response: SIPResponse) -> SIPRequest {
        var out = SIPHeaders()
        if let topVia = topViaValue { out.append(.via, topVia) }
        out.append(.maxForwards, headers[.maxForwards] ?? "70")
        for field in headers where field.name == .route { out.append(field) }
        if let to = response.headers[.to] ?? headers[.to] { out.append(.to, to) }
        if let from = headers[.from] { out.append(.from, from) }
        if let callID = headers[.callID] { out.append(.callID, callID) }
        out.append(.cseq, SIPCSeq(cseqNumber, .ack).description)
        out.append(.contentLength, "0")
        return SIPRequest(method: .ack, uri: uri, headers: out)
    }

    /// The CANCEL for this request (RFC 3261 §9.1): same Request-URI, Call-ID, To, From and
    /// CSeq number, tags included; one Via equal to this request's topmost, so it matches
    /// the same server transaction; this request's Route values.
    public func makeCANCEL() -> SIPRequest {
        var out = SIPHeaders()
        if let topVia = topViaValue { out.append(.via, topVia) }
        out.append(.maxForwards, headers[.maxForwards] ?? "70")
        for field in headers where field.name == .route { out.append(field) }
        if let to = headers[.to] { out.append(.to, to) }
        if let from = headers[.from] { out.append(.from, from) }
        if let callID = headers[.callID] { out.append(.callID, callID) }
        out.append(.cseq, SIPCSeq(cseqNumber, .cancel).description)
        out.append(.contentLength, "0")
        return SIPRequest(method: .cancel, uri: uri, headers: out)
    }

    /// The ACK for a 2xx response to this INVITE (RFC 3261 §13.2.2.4): a new transaction
    /// (`via` carries a new branch) inside the dialog — Request-URI from the response's
    /// Contact, route set from its Record-Route in reverse order (§12.1.2) unless the dialog's
    /// own `routeSet` is given (a re-INVITE), To with the response's tag, the INVITE's CSeq
    /// number, and the INVITE's credentials. `body` carries an answer when the INVITE had no
    /// offer.
    public func makeACK(
        for2xx response: SIPResponse, via: SIPVia, routeSet: [SIPNameAddress]? = nil,
        body: [UInt8] = [], contentType: SIPMediaType? = nil
    ) throws(SIPParseError) -> SIPRequest {
        guard let target = try response.headers.contacts.first?.uri else { throw SIPParseError(.missingHeader(.contact)) }
        guard let to = try response.headers.to else { throw SIPParseError(.missingHeader(.to)) }
        guard let from = try headers.from else { throw SIPParseError(.missingHeader(.from)) }
        guard let callID = try headers.callID else { throw SIPParseError(.missingHeader(.callID)) }
        var credentials = SIPHeaders()
        for field in headers where field.name == .authorization || field.name == .proxyAuthorization {
            credentials.append(field)
        }
        let route: [SIPNameAddress]
        if let routeSet { route = routeSet } else { route = try response.headers.recordRoute.reversed() }
        return SIPRequest(
            method: .ack, target: target, via: via, from: from, to: to, callID: callID, cseq: cseqNumber,
            routeSet: route, additionalHeaders: credentials,
            body: body, contentType: contentType)
    }

    private var topViaValue: String? {
        guard let first = headers[.via] else { return nil }
        return first.utf8.contains(UInt8(ascii: ",")) ? SIPHeaders.splitList(first)[0] : first
    }

    private var cseqNumber: UInt32 { ((try? headers.cseq) ?? nil)?.sequenceNumber ?? 1 }
}
