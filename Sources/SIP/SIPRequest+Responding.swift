extension SIPRequest {
    /// Records where the request came from in its topmost Via, as a server transport does on
    /// receipt (RFC 3261 §18.2.1; RFC 3581 §4): `received` when sent-by is not the source
    /// address or rport was requested, and the source port in an empty `rport`. Responses
    /// built afterwards copy it, and the response is sent to received:rport.
    public mutating func stampTopVia(from source: SIPSourceAddress) {
        guard let top = try? headers.topVia else { return }
        headers.replaceFirstValue(of: .via, with: top.stamped(sourceHost: source.host, sourcePort: source.port).description)
    }

    /// A response to this request as RFC 3261 §8.2.6.2 builds it: Via values (all, in order),
    /// From, Call-ID and CSeq copied verbatim; To copied, with `toTag` added when it has no
    /// tag; Timestamp copied into a 100 (§8.2.6.1); Record-Route copied into a 101–299
    /// response to a dialog-creating request (§12.1.1); Content-Type when there is a body;
    /// Content-Length always. `source` stamps the topmost Via first (see `stampTopVia`), for
    /// callers that did not do it on receipt.
    public func makeResponse(
        statusCode: Int, reasonPhrase: String? = nil, toTag: String? = nil, source: SIPSourceAddress? = nil,
        body: [UInt8] = [], contentType: SIPMediaType? = nil
    ) -> SIPResponse {
        var request = self
        if let source { request.stampTopVia(from: source) }
        var out = SIPHeaders()
        for field in request.headers where field.name == .via { out.append(field) }
        if let from = headers[.from] { out.append(.from, from) }
        if let to = headers[.to] {
            if let toTag, let parsed = try? SIPNameAddress(parsing: to), parsed.tag == nil {
                out.append(.to, to + ";tag=" + toTag)
            } else {
                out.append(.to, to)
            }
        }
        if let callID = headers[.callID] { out.append(.callID, callID) }
        if let cseq = headers[.cseq] { out.append(.cseq, cseq) }
        if statusCode == 100, let timestamp = headers[.timestamp] { out.append(.timestamp, timestamp) }
        if (101...299).contains(statusCode), SIPRequest.createsDialog(method) {
            for field in headers where field.name == .recordRoute { out.append(field) }
        }
        if !body.isEmpty, let contentType { out.append(.contentType, contentType.description) }
        out.append(.contentLength, String(body.count))
        return SIPResponse(statusCode: statusCode, reasonPhrase: reasonPhrase, headers: out, body: body)
    }

    /// Methods whose responses can establish a dialog: INVITE (RFC 3261 §12), SUBSCRIBE and
    /// NOTIFY (RFC 6665 §4.1.2.2), REFER (RFC 3515 §2.4.4).
    static func createsDialog(_ method: SIPMethod) -> Bool {
        method == .invite || method == .subscribe || method == .notify || method == .refer
    }
}
