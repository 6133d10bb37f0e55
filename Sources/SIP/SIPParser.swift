/// Parses SIP messages from bytes (RFC 3261 §7, §18.3, §25) into `SIPMessage`s, or explains
/// with a `SIPParseError` why it cannot, and what to answer.
///
/// It is lenient where the grammar allows a reading that cannot be misunderstood (folded
/// lines, LWS around separators, extra spaces between Request-Line elements, bare-LF line
/// ends, Latin-1 in free text, a missing Max-Forwards) and strict where a mistake would break
/// transactions or dialogs (Via, From, To, Call-ID, CSeq, Contact, Route, Record-Route,
/// Content-Type, Content-Length). Datagrams are parsed here; streams go through
/// `SIPStreamFramer`, which uses the same code once it has found a message's bytes.
public struct SIPParser: Sendable {
    /// How the body length is known (RFC 3261 §18.3).
    enum Framing: Sendable, Hashable {
        /// UDP: the datagram ends the message; a smaller Content-Length truncates the body,
        /// a larger one is an error, none means the rest of the datagram.
        case datagram
        /// TCP/TLS: Content-Length bytes follow the header section; none means no body.
        case stream
    }

    public var limits: SIPLimits

    public init(limits: SIPLimits = .default) { self.limits = limits }

    /// Parses one UDP datagram. Leading CRLFs are skipped; a datagram of nothing else throws
    /// `.emptyMessage`, which the transport ignores.
    public func parse(datagram bytes: [UInt8]) throws(SIPParseError) -> SIPMessage {
        try bytes.withUnsafeBufferPointer { parseDatagram($0) }.get()
    }

    public func parse(datagram bytes: UnsafeRawBufferPointer) throws(SIPParseError) -> SIPMessage {
        try parseDatagram(bytes.assumingMemoryBound(to: UInt8.self)).get()
    }

    func parseDatagram(_ buf: UnsafeBufferPointer<UInt8>) -> Result<SIPMessage, SIPParseError> {
        let count = buf.count
        let start = SIPParser.skipLineBreaks(buf, from: 0)
        guard start < count else { return .failure(SIPParseError(.emptyMessage)) }
        let scanEnd = count - start > limits.maximumHeaderBytes ? start + limits.maximumHeaderBytes : count
        let head = SIPParser.scanHead(buf, from: start, to: scanEnd, maximumFields: limits.maximumHeaderFields)
        let bodyStart = head.length.map { start + $0 } ?? count
        do {
            return .success(try finish(head: head, body: UnsafeBufferPointer(rebasing: buf[bodyStart..<count]), framing: .datagram,
                                       messageBytes: count - start, headerLimitHit: scanEnd < count))
        } catch {
            return .failure(error)
        }
    }

    // MARK: Shared by datagrams and the stream framer

    /// The start line and header fields of one message, with folded lines joined.
    struct Head: Sendable {
        var startLine: [UInt8] = []
        var fields: [SIPHeaderField] = []
        /// Bytes from the start line through the empty line; nil when no empty line was seen.
        var length: Int?
        var malformedLine = false
        var tooManyFields = false
    }

    /// Index of the first byte that is not CR or LF (RFC 3261 §7.5: CRLFs before the start
    /// line are ignored).
    static func skipLineBreaks(_ buf: UnsafeBufferPointer<UInt8>, from start: Int) -> Int {
        var i = start
        while i < buf.count, buf[i] == 0x0D || buf[i] == 0x0A { i += 1 }
        return i
    }

    /// Splits `buf[start..<end]` into the start line and header fields, up to and including
    /// the empty line. Lines end with CRLF or, leniently, LF; a CR anywhere else, a line
    /// without a colon, or a continuation with nothing to continue marks the head malformed
    /// (and is skipped, so the rest can still give a response context).
    static func scanHead(_ buf: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int, maximumFields: Int) -> Head {
        var head = Head()
        var i = start
        var pending: (name: SIPHeaderName, pieces: [Range<Int>])?

        func flush(_ head: inout Head, _ pending: inout (name: SIPHeaderName, pieces: [Range<Int>])?) {
            guard let p = pending else { return }
            pending = nil
            guard head.fields.count < maximumFields else { head.tooManyFields = true; return }
            head.fields.append(SIPHeaderField(p.name, value(of: p.pieces, in: buf)))
        }

        var isStartLine = true
        while i < end {
            // One line: [i, lineEnd) without its CRLF/LF; next at the byte after the LF.
            var j = i
            var bareCR = false
            while j < end, buf[j] != 0x0A {
                if buf[j] == 0x0D, j + 1 < end, buf[j + 1] != 0x0A { bareCR = true }
                j += 1
            }
            guard j < end else { break }  // no LF: incomplete
            let lineEnd = j > i && buf[j - 1] == 0x0D ? j - 1 : j
            let next = j + 1
            if isStartLine {
                head.startLine = Array(buf[i..<lineEnd])
                if bareCR { head.startLine.append(0x0D) }  // makes the start line malformed
                isStartLine = false
                i = next
                continue
            }
            if lineEnd == i {
                flush(&head, &pending)
                head.length = next - start
                return head
            }
            if bareCR {
                head.malformedLine = true
                flush(&head, &pending)
            } else if SIPGrammar.isWhitespace(buf[i]) {
                // RFC 3261 §7.3.1: a line starting with white space continues the field above.
                if pending != nil {
                    pending!.pieces.append(i..<lineEnd)
                } else {
                    head.malformedLine = true
                }
            } else {
                flush(&head, &pending)
                var k = i
                while k < lineEnd, SIPGrammar.is(buf[k], .token) { k += 1 }
                let nameEnd = k
                while k < lineEnd, SIPGrammar.isWhitespace(buf[k]) { k += 1 }
                if nameEnd > i, k < lineEnd, buf[k] == UInt8(ascii: ":") {
                    let name = SIPHeaderName(unchecked: String(decoding: UnsafeBufferPointer(rebasing: buf[i..<nameEnd]), as: UTF8.self))
                    pending = (name, [(k + 1)..<lineEnd])
                } else {
                    head.malformedLine = true
                }
            }
            i = next
        }
        flush(&head, &pending)
        return head
    }

    /// The field value: each line piece trimmed, pieces joined by one SP (LWS ≡ SP, §7.3.1).
    static func value(of pieces: [Range<Int>], in buf: UnsafeBufferPointer<UInt8>) -> String {
        func trimmed(_ r: Range<Int>) -> Range<Int> {
            var lo = r.lowerBound, hi = r.upperBound
            while lo < hi, SIPGrammar.isWhitespace(buf[lo]) { lo += 1 }
            while hi > lo, SIPGrammar.isWhitespace(buf[hi - 1]) { hi -= 1 }
            return lo..<hi
        }
        if pieces.count == 1 {
            return String(decoding: UnsafeBufferPointer(rebasing: buf[trimmed(pieces[0])]), as: UTF8.self)
        }
        var bytes: [UInt8] = []
        for piece in pieces {
            let t = trimmed(piece)
            guard !t.isEmpty else { continue }
            if !bytes.isEmpty { bytes.append(0x20) }
            bytes += buf[t]
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    enum StartLine {
        case request(SIPMethod, SIPAnyURI)
        case response(Int, String)
    }

    /// Parses the Request-Line (`Method SP Request-URI SP SIP-Version`; runs of SP/HTAB are
    /// accepted, RFC 4475 §3.1.2.9-10) or Status-Line (`SIP-Version SP 3DIGIT SP Reason`).
    static func parseStartLine(_ line: [UInt8]) -> (isRequest: Bool, method: SIPMethod?, result: Result<StartLine, SIPParseError>) {
        line.withUnsafeBufferPointer { parseStartLine($0) }
    }

    static func parseStartLine(_ line: SIPGrammar.Bytes) -> (isRequest: Bool, method: SIPMethod?, result: Result<StartLine, SIPParseError>) {
        let isResponse = line.count >= 4 && SIPURI.matches(line, 0, "sip/")
        let hasCR = SIPGrammar.firstIndex(of: 0x0D, in: line, 0..<line.count) != nil
        var parts: [Range<Int>] = []
        var i = 0
        while i < line.count {
            while i < line.count, SIPGrammar.isWhitespace(line[i]) { i += 1 }
            let s = i
            while i < line.count, !SIPGrammar.isWhitespace(line[i]) { i += 1 }
            if i > s { parts.append(s..<i) }
            if isResponse, parts.count == 2 { break }
        }
        func failure(_ kind: SIPParseError.Kind) -> Result<StartLine, SIPParseError> { .failure(SIPParseError(kind)) }
        if isResponse {
            guard parts.count == 2, !hasCR, let version = versionCheck(line, parts[0]) else { return (false, nil, failure(.malformedStartLine)) }
            if case .failure(let error) = version { return (false, nil, .failure(error)) }
            guard parts[1].count == 3, let code = SIPGrammar.decimal(line, parts[1], maximum: 699), code >= 100 else {
                return (false, nil, failure(.malformedStatusCode))
            }
            var lo = i, hi = line.count
            while lo < hi, SIPGrammar.isWhitespace(line[lo]) { lo += 1 }
            while hi > lo, SIPGrammar.isWhitespace(line[hi - 1]) { hi -= 1 }
            return (false, nil, .success(.response(Int(code), SIPGrammar.string(line, lo..<hi))))
        }
        let method = parts.first.flatMap { SIPGrammar.isToken(line, $0) ? SIPMethod(unchecked: SIPGrammar.string(line, $0)) : nil }
        guard let method, parts.count == 3, !hasCR, let version = versionCheck(line, parts[2]) else {
            return (true, method, failure(.malformedStartLine))
        }
        if case .failure(let error) = version { return (true, method, .failure(error)) }
        // RFC 3261 §19.1.1 (table): a Request-URI carries no headers component (RFC 4475 §3.1.2.11).
        guard let uri = SIPAnyURI.parse(line, parts[1]), uri.sipURI?.headers.isEmpty ?? true else {
            return (true, method, failure(.malformedRequestURI))
        }
        return (true, method, .success(.request(method, uri)))
    }

    /// Nil when the text is not `SIP/1*DIGIT.1*DIGIT`; a failure for versions other than 2.0.
    static func versionCheck(_ line: SIPGrammar.Bytes, _ range: Range<Int>) -> Result<Void, SIPParseError>? {
        guard range.count > 4, SIPURI.matches(line, range.lowerBound, "sip/") else { return nil }
        if range.count == 7, line[range.lowerBound + 4] == UInt8(ascii: "2"), line[range.lowerBound + 5] == UInt8(ascii: "."),
           line[range.lowerBound + 6] == UInt8(ascii: "0") {
            return .success(())
        }
        let numbers = (range.lowerBound + 4)..<range.upperBound
        guard let dot = SIPGrammar.firstIndex(of: UInt8(ascii: "."), in: line, numbers), dot > numbers.lowerBound, dot + 1 < range.upperBound,
              SIPGrammar.all(line, numbers.lowerBound..<dot, .digit), SIPGrammar.all(line, (dot + 1)..<range.upperBound, .digit)
        else { return nil }
        return .failure(SIPParseError(.unsupportedVersion(SIPGrammar.string(line, range))))
    }

    /// Content-Length from the fields: nil when absent; `.invalidContentLength` for anything
    /// but 1*DIGIT, or for lines that disagree (RFC 4475 §3.1.2.3, §3.3.9).
    static func contentLength(in fields: [SIPHeaderField]) -> Result<Int?, SIPParseError> {
        var found: Int?
        for field in fields where field.name == .contentLength {
            guard let n = SIPGrammar.decimal(field.value, maximum: UInt64(Int.max)), found == nil || found == Int(n) else {
                return .failure(SIPParseError(.invalidContentLength))
            }
            found = Int(n)
        }
        return .success(found)
    }

    /// Validates a complete head with its body bytes and builds the message. `body` is what
    /// follows the empty line: the rest of a datagram, or exactly Content-Length bytes.
    func finish(
        head: Head, body: UnsafeBufferPointer<UInt8>, framing: Framing, messageBytes: Int, headerLimitHit: Bool
    ) throws(SIPParseError) -> SIPMessage {
        let (isRequest, method, startLine) = SIPParser.parseStartLine(head.startLine)
        func fail(_ kind: SIPParseError.Kind) -> SIPParseError {
            SIPParseError(kind, isRequest: isRequest, method: method, fields: head.fields)
        }
        let line: StartLine
        switch startLine {
        case .success(let l): line = l
        case .failure(let error): throw fail(error.kind)
        }
        if messageBytes > limits.maximumMessageBytes { throw fail(.messageTooLarge) }
        if head.length == nil { throw fail(headerLimitHit ? .headerSectionTooLarge : .incompleteHeaderSection) }
        if head.tooManyFields { throw fail(.tooManyHeaderFields) }
        if head.malformedLine { throw fail(.malformedHeaderLine) }

        let declared: Int?
        switch SIPParser.contentLength(in: head.fields) {
        case .success(let n): declared = n
        case .failure(let error): throw fail(error.kind)
        }
        let bodyLength: Int
        switch framing {
        case .datagram:
            if let declared {
                if declared > limits.maximumBodyBytes { throw fail(.bodyTooLarge) }
                if declared > body.count { throw fail(.contentLengthExceedsDatagram) }
                bodyLength = declared
            } else {
                bodyLength = body.count
            }
        case .stream:
            bodyLength = declared ?? 0
            precondition(bodyLength == body.count, "the framer passes exactly Content-Length bytes")
        }
        if bodyLength > limits.maximumBodyBytes { throw fail(.bodyTooLarge) }

        let headers = SIPHeaders(head.fields)
        do {
            try SIPParser.validate(headers, method: isRequest ? method : nil)
        } catch {
            throw fail(error.kind)
        }
        let bodyBytes = Array(body[0..<bodyLength])
        switch line {
        case .request(let m, let uri): return .request(SIPRequest(method: m, uri: uri, headers: headers, body: bodyBytes))
        case .response(let code, let reason):
            return .response(SIPResponse(statusCode: code, reasonPhrase: reason, headers: headers, body: bodyBytes))
        }
    }

    /// The headers every message needs (RFC 3261 §8.1.1, §8.2.6.2) and those a transaction or
    /// dialog will read, in the order their errors are reported. Max-Forwards may be missing
    /// or out of range (a UAS can still answer, RFC 4475 §3.1.2.4), but not repeated.
    static func validate(_ headers: SIPHeaders, method: SIPMethod?) throws(SIPParseError) {
        let vias = headers.values(for: .via)
        guard !vias.isEmpty else { throw SIPParseError(.missingHeader(.via)) }
        for v in vias where SIPVia.parse(v, lenient: false) == nil { throw SIPParseError(.malformedHeader(.via)) }
        guard try headers.from != nil else { throw SIPParseError(.missingHeader(.from)) }
        guard try headers.to != nil else { throw SIPParseError(.missingHeader(.to)) }
        guard try headers.callID != nil else { throw SIPParseError(.missingHeader(.callID)) }
        guard let cseq = try headers.cseq else { throw SIPParseError(.missingHeader(.cseq)) }
        if let method, cseq.method != method { throw SIPParseError(.cseqMethodMismatch) }
        if headers.count(of: .maxForwards) > 1 { throw SIPParseError(.duplicateHeader(.maxForwards)) }
        if !headers.isContactWildcard { _ = try headers.contacts }
        _ = try headers.route
        _ = try headers.recordRoute
        _ = try headers.contentType
    }

    /// What a response to a broken message can copy: Via values while they parse (leniently:
    /// sent-by is enough), and From, To, Call-ID and CSeq when each is single and parses.
    static func context(isRequest: Bool, method: SIPMethod?, fields: [SIPHeaderField]) -> SIPParseError.Context {
        var context = SIPParseError.Context(isRequest: isRequest, method: method)
        viaLoop: for field in fields where field.name == .via {
            for value in SIPHeaders.splitList(field.value) {
                guard let via = SIPVia.parse(value, lenient: true) else { break viaLoop }
                if context.topVia == nil { context.topVia = via }
                context.headers.append(.via, value)
            }
        }
        let all = SIPHeaders(fields)
        if (try? all.from) != nil, let value = all[.from] { context.headers.append(.from, value) }
        if (try? all.to) != nil, let value = all[.to] { context.headers.append(.to, value) }
        if let callID = try? all.callID { context.headers.append(.callID, callID) }
        if (try? all.cseq) != nil, let value = all[.cseq] { context.headers.append(.cseq, value) }
        return context
    }
}
