import SIP
import Testing

/// RFC 4475 §3.1.2: invalid messages, each with the exact error, the status a UAS answers
/// with and whether it may answer at all. Plus the size limits of RFC 3261 §18.1.1/§21.
@Suite("RFC 4475 §3.1.2 invalid messages")
struct RFC4475InvalidMessageTests {
    static let base = """
        INVITE sip:meeting@bridge.example.org SIP/2.0
        Via: SIP/2.0/UDP 192.0.2.15:5060;branch=z9hG4bKbad1
        Max-Forwards: 70
        To: <sip:meeting@bridge.example.org>
        From: "Caller" <sip:caller@example.net>;tag=9fxced76sl
        Call-ID: invalid.3848276298220188511@example.net
        CSeq: 1 INVITE
        Contact: <sip:caller@192.0.2.15>
        Content-Length: 0


        """

    /// `base` with the line starting `prefix` replaced (nil removes it).
    static func variant(_ prefix: String, _ replacement: String?, in text: String = base) -> String {
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        let i = lines.firstIndex { $0.hasPrefix(prefix) }!
        if let replacement { lines[i] = replacement } else { lines.remove(at: i) }
        return lines.joined(separator: "\n")
    }

    func expectError(
        _ bytes: [UInt8], _ kind: SIPParseError.Kind, status: Int, reason: String, canRespond: Bool,
        limits: SIPLimits = .default, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error = parseFailure(bytes, limits: limits) else {
            Issue.record("parsed, expected \(kind)", sourceLocation: sourceLocation)
            return
        }
        #expect(error.kind == kind, sourceLocation: sourceLocation)
        #expect(error.suggestedStatus == status, sourceLocation: sourceLocation)
        #expect(error.reason == reason, sourceLocation: sourceLocation)
        #expect(error.canRespond == canRespond, sourceLocation: sourceLocation)
        #expect((error.makeResponse() != nil) == canRespond, sourceLocation: sourceLocation)
    }

    func expectError(
        _ text: String, _ kind: SIPParseError.Kind, status: Int = 400, reason: String, canRespond: Bool = true,
        sourceLocation: SourceLocation = #_sourceLocation
    ) {
        expectError(wire(text), kind, status: status, reason: reason, canRespond: canRespond, sourceLocation: sourceLocation)
    }

    @Test func theBaseMessageIsValid() throws {
        #expect(try parseRequest(Self.base).method == .invite)
    }

    /// §3.1.2.1 (badinv01): empty parameters and list elements. The request is answered
    /// (400) because the topmost Via still gives a sent-by; the response copies what parsed.
    @Test func extraneousHeaderFieldSeparators() throws {
        let text = Self.variant("Via:", "Via: SIP/2.0/UDP 192.0.2.15;;,;,,")
        expectError(text, .malformedHeader(.via), reason: "Bad Request (malformed Via)")
        let error = try #require(parseFailure(text))
        let response = try #require(error.makeResponse(toTag: "srv1"))
        #expect(response.statusCode == 400 && response.reasonPhrase == "Bad Request (malformed Via)")
        #expect(response.headers.values(for: .via) == ["SIP/2.0/UDP 192.0.2.15;;"])
        #expect(response.headers[.from] == #""Caller" <sip:caller@example.net>;tag=9fxced76sl"#)
        #expect(response.headers[.to] == "<sip:meeting@bridge.example.org>;tag=srv1")
        #expect(response.headers[.callID] == "invalid.3848276298220188511@example.net")
        #expect(response.headers[.cseq] == "1 INVITE")

        expectError(Self.variant("Contact:", #"Contact: "Joe" <sip:joe@example.org>;;;;"#), .malformedHeader(.contact),
                    reason: "Bad Request (malformed Contact)")
    }

    /// §3.1.2.2 (clerr): Content-Length larger than the datagram.
    @Test func contentLengthLargerThanDatagram() {
        expectError(Self.variant("Content-Length:", "Content-Length: 9999") + "v=0\r\n", .contentLengthExceedsDatagram,
                    reason: "Bad Request (Content-Length larger than message)")
    }

    /// §3.1.2.3 (ncl): negative, non-numeric and conflicting Content-Length.
    @Test func invalidContentLength() {
        for value in ["-999", "abc", "12 34", "", "0x10", "99999999999999999999999"] {
            expectError(Self.variant("Content-Length:", "Content-Length: \(value)"), .invalidContentLength,
                        reason: "Bad Request (invalid Content-Length)")
        }
        expectError(Self.variant("Content-Length:", "Content-Length: 0\nl: 4") + "abcd", .invalidContentLength,
                    reason: "Bad Request (invalid Content-Length)")
    }

    /// §3.1.2.4 (scalar02): a CSeq above 2**32-1 is answered with 400; an out-of-range
    /// Max-Forwards or expiry is not a parse error (the element may treat it as absent or
    /// default), and the typed accessors report it.
    @Test func overlargeScalarsInARequest() throws {
        expectError(Self.variant("CSeq:", "CSeq: 36893488147419103232 INVITE"), .malformedHeader(.cseq),
                    reason: "Bad Request (malformed CSeq)")
        expectError(Self.variant("CSeq:", "CSeq: 4294967296 INVITE"), .malformedHeader(.cseq), reason: "Bad Request (malformed CSeq)")
        #expect(try parseRequest(Self.variant("CSeq:", "CSeq: 4294967295 INVITE")).headers.cseq?.sequenceNumber == UInt32.max)

        var text = Self.variant("Max-Forwards:", "Max-Forwards: 300")
        text = Self.variant("Contact:", "Contact: <sip:caller@192.0.2.15>;expires=280297596632815\nExpires: 10000000000000000000000", in: text)
        let h = try parseRequest(text).headers
        #expect(throws: SIPParseError(.malformedHeader(.maxForwards))) { try h.maxForwards }
        #expect(throws: SIPParseError(.malformedHeader(.expires))) { try h.expires }
        let contact = try #require(try h.contacts.first)
        #expect(contact.expires == nil && contact.parameters["expires"] == "280297596632815")
    }

    /// §3.1.2.5 (scalarlg): a response with overlarge Retry-After and a four-digit Warning
    /// code. Responses are never answered; this layer parses it and the accessors refuse the
    /// bad values, so a higher layer can discard it.
    @Test func overlargeScalarsInAResponse() throws {
        let response = try parseResponse("""
            SIP/2.0 503 Service Unavailable
            Via: SIP/2.0/TCP host129.example.com;branch=z9hG4bKzzxdiwo34sw;received=192.0.2.129
            To: <sip:user@example.com>
            From: <sip:other@example.net>;tag=2easdjfejw
            CSeq: 36893488 OPTIONS
            Call-ID: scalarlg.noase0of0234hn2qofoaf0232aewf2394r
            Retry-After: 18446744073709551617
            Warning: 1812 overture "In Progress"
            Content-Length: 0


            """)
        #expect(throws: SIPParseError(.malformedHeader(.retryAfter))) { try response.headers.retryAfter }
        #expect(throws: SIPParseError(.malformedHeader(.warning))) { try response.headers.warnings }
    }

    /// §3.1.2.6 (quotbal): an unterminated quoted string.
    @Test func unterminatedQuotedString() {
        expectError(Self.variant("To:", #"To: "Mr. J. User <sip:j.user@example.com>"#), .malformedHeader(.to),
                    reason: "Bad Request (malformed To)")
        expectError(Self.variant("From:", #"From: "Caller \" <sip:caller@example.net>;tag=1"#), .malformedHeader(.from),
                    reason: "Bad Request (malformed From)")
    }

    /// §3.1.2.7 (ltgtruri), §3.1.2.8 (lwsruri), §3.1.2.11 (escruri): a Request-URI in angle
    /// brackets, with white space inside, or with a headers component.
    @Test func malformedRequestURIs() {
        expectError(Self.variant("INVITE", "INVITE <sip:meeting@bridge.example.org> SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org; lr SIP/2.0"), .malformedStartLine,
                    reason: "Bad Request (malformed Request-Line)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org?Route=%3Csip:example.com%3E SIP/2.0"),
                    .malformedRequestURI, reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org:5x60 SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org:70000 SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge..example.org SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@192.0.2.300 SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:m%zz@bridge.example.org SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE 2sip:meeting SIP/2.0"), .malformedRequestURI,
                    reason: "Bad Request (malformed Request-URI)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org"), .malformedStartLine,
                    reason: "Bad Request (malformed Request-Line)")
    }

    /// §3.1.2.12 (baddate): Date is free text to this layer (and never split at its comma).
    @Test func invalidTimeZoneInDateIsNotAParseError() throws {
        let h = try parseRequest(Self.variant("Contact:", "Date: Fri, 01 Jan 2010 16:00:00 EST")).headers
        #expect(h.values(for: .date) == ["Fri, 01 Jan 2010 16:00:00 EST"])
    }

    /// §3.1.2.13 (regbadct): a URI with "?" (or ",") outside angle brackets.
    @Test func nameAddrURIWithoutAngleBrackets() {
        expectError(Self.variant("Contact:", "Contact: sip:user@example.com?Route=%3Csip:sip.example.com%3E"),
                    .malformedHeader(.contact), reason: "Bad Request (malformed Contact)")
        expectError(Self.variant("To:", "To: sip:a,b@example.com"), .malformedHeader(.to), reason: "Bad Request (malformed To)")
    }

    /// §3.1.2.14 (badaspec): spaces inside the angle brackets.
    @Test func spacesWithinAddrSpec() {
        expectError(Self.variant("To:", #"To: "Watson, Thomas" < sip:t.watson@example.org >"#), .malformedHeader(.to),
                    reason: "Bad Request (malformed To)")
    }

    /// §3.1.2.15 (baddn): a comma in an unquoted display name.
    @Test func nonTokenCharactersInDisplayName() {
        expectError(Self.variant("From:", "From: Bell, Alexander <sip:a.g.bell@example.com>;tag=43"), .malformedHeader(.from),
                    reason: "Bad Request (malformed From)")
    }

    /// §3.1.2.16 (badvers): SIP/7.0 is answered with 505; a version that is not SIP/x.y is a
    /// malformed Request-Line.
    @Test func unknownProtocolVersion() throws {
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org SIP/7.0"), .unsupportedVersion("SIP/7.0"),
                    status: 505, reason: "Version Not Supported")
        let error = try #require(parseFailure(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org SIP/7.0")))
        #expect(error.makeResponse()?.statusCode == 505)
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org HTTP/1.1"), .malformedStartLine,
                    reason: "Bad Request (malformed Request-Line)")
        expectError(Self.variant("INVITE", "INVITE sip:meeting@bridge.example.org SIP/2"), .malformedStartLine,
                    reason: "Bad Request (malformed Request-Line)")
        // In a response it is dropped.
        expectError(wire(Self.variant("SIP/2.0", "SIP/3.0 200 OK", in: Samples.okResponse)), .unsupportedVersion("SIP/3.0"),
                    status: 505, reason: "Version Not Supported", canRespond: false)
    }

    /// §3.1.2.17 (mismatch01), §3.1.2.18 (mismatch02): the CSeq method must be the request's,
    /// also for an unknown method (which alone would not be a parse error).
    @Test func startLineAndCSeqMethodMismatch() throws {
        expectError(Self.variant("CSeq:", "CSeq: 1 OPTIONS"), .cseqMethodMismatch,
                    reason: "Bad Request (CSeq method does not match request method)")
        expectError(Self.variant("CSeq:", "CSeq: 1 invite"), .cseqMethodMismatch,
                    reason: "Bad Request (CSeq method does not match request method)")
        var text = Self.variant("INVITE", "NEWMETHOD sip:meeting@bridge.example.org SIP/2.0")
        expectError(text, .cseqMethodMismatch, reason: "Bad Request (CSeq method does not match request method)")
        text = Self.variant("CSeq:", "CSeq: 1 NEWMETHOD", in: text)
        #expect(try parseRequest(text).method == SIPMethod(rawValue: "NEWMETHOD"), "unknown methods parse (501 is a higher layer's)")
    }

    /// §3.1.2.19 (bigcode): status codes are three digits, 100…699. Responses are dropped.
    @Test func malformedStatusCodes() {
        for line in ["SIP/2.0 4294967301 better not break the receiver", "SIP/2.0 099 Low", "SIP/2.0 700 High",
                     "SIP/2.0 20 OK", "SIP/2.0 2OO OK", "SIP/2.0"] {
            expectError(wire(Self.variant("SIP/2.0", line, in: Samples.okResponse)),
                        line == "SIP/2.0" ? .malformedStartLine : .malformedStatusCode, status: 400,
                        reason: line == "SIP/2.0" ? "Bad Request (malformed Status-Line)" : "Bad Request (malformed status code)",
                        canRespond: false)
        }
    }

    /// RFC 3261 §8.1.1: Via, From, To, Call-ID and CSeq are required (reported in that
    /// order); without a Via nothing can be answered. Max-Forwards is required of a UAC too,
    /// but a UAS can answer without it, so its absence is accepted.
    @Test func missingRequiredHeaders() throws {
        expectError(Self.variant("Call-ID:", nil), .missingHeader(.callID), reason: "Bad Request (missing Call-ID)")
        expectError(Self.variant("From:", nil), .missingHeader(.from), reason: "Bad Request (missing From)")
        expectError(Self.variant("To:", nil), .missingHeader(.to), reason: "Bad Request (missing To)")
        expectError(Self.variant("CSeq:", nil), .missingHeader(.cseq), reason: "Bad Request (missing CSeq)")
        expectError(Self.variant("Via:", nil), .missingHeader(.via), reason: "Bad Request (missing Via)", canRespond: false)
        let request = try parseRequest(Self.variant("Max-Forwards:", nil))
        #expect(try request.headers.maxForwards == nil)

        // The response to a request missing its Call-ID has none either; its Via can be
        // stamped with the source address like any response's (RFC 3581 §4).
        let error = try #require(parseFailure(Self.variant("Call-ID:", nil)))
        #expect(error == SIPParseError(.missingHeader(.callID)), "errors compare by kind")
        #expect(error.context?.method == .invite && error.context?.topVia?.branch == "z9hG4bKbad1")
        let response = try #require(error.makeResponse(toTag: "t", source: SIPSourceAddress(host: "198.51.100.1", port: 5099)))
        #expect(!response.headers.contains(.callID) && response.headers[.cseq] == "1 INVITE")
        #expect(response.headers[.via] == "SIP/2.0/UDP 192.0.2.15:5060;branch=z9hG4bKbad1;received=198.51.100.1")
    }

    /// A Via that does not parse as far as its sent-by leaves nothing to answer to.
    @Test func unparseableViaIsDroppedSilently() {
        for via in ["Via: SIP/2.0/UDP", "Via: SIP/2.0 192.0.2.1", "Via: SIP/2.0/UDP 192.0.2.1:abc;branch=z9hG4bK1",
                    "Via: SIP/2.0/UDP 192.0.2.1:65536", "Via: SIP/2.0/UDP [2001:db8::1;branch=z9hG4bK1", "Via: garbage"] {
            expectError(Self.variant("Via:", via), .malformedHeader(.via), reason: "Bad Request (malformed Via)", canRespond: false)
        }
        // Broken parameters after a good sent-by can still be answered.
        for via in ["Via: SIP/2.0/UDP 192.0.2.1;ttl=256", "Via: SIP/2.0/UDP 192.0.2.1;rport=x", "Via: SIP/2.0/UDP 192.0.2.1;branch",
                    "Via: SIP/2.0/UDP 192.0.2.1;received=not_an@address", "Via: SIP/2.0/UDP 192.0.2.1;branch=\"q\""] {
            expectError(Self.variant("Via:", via), .malformedHeader(.via), reason: "Bad Request (malformed Via)", canRespond: true)
        }
    }

    /// Unmatched angle brackets.
    @Test func unmatchedAngleBrackets() {
        expectError(Self.variant("To:", "To: <sip:meeting@bridge.example.org"), .malformedHeader(.to), reason: "Bad Request (malformed To)")
        expectError(Self.variant("To:", "To: sip:meeting@bridge.example.org>"), .malformedHeader(.to), reason: "Bad Request (malformed To)")
        expectError(Self.variant("To:", "To: <<sip:meeting@bridge.example.org>>"), .malformedHeader(.to), reason: "Bad Request (malformed To)")
        expectError(Self.variant("Contact:", "Contact: <sip:a@example.com>, <sip:b@example.com"), .malformedHeader(.contact),
                    reason: "Bad Request (malformed Contact)")
    }

    /// Header lines that are not `name: value`, a continuation line with nothing to continue,
    /// and a CR that does not end a line.
    @Test func malformedHeaderLines() {
        expectError(Self.variant("Contact:", "This is not a header"), .malformedHeaderLine, reason: "Bad Request (malformed header line)")
        expectError(Self.variant("Contact:", "Bad Name: value"), .malformedHeaderLine, reason: "Bad Request (malformed header line)")
        expectError(Self.variant("Contact:", ": no name"), .malformedHeaderLine, reason: "Bad Request (malformed header line)")
        expectError(Self.variant("Via:", " Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bK1"), .malformedHeaderLine,
                    reason: "Bad Request (malformed header line)", canRespond: false)
        var bytes = wire(Self.base)
        let crAt = bytes.firstIndex(of: UInt8(ascii: "M"))! + 3  // inside "Max-Forwards"
        bytes[crAt] = 0x0D
        expectError(bytes, .malformedHeaderLine, status: 400, reason: "Bad Request (malformed header line)", canRespond: true)
    }

    /// What is not a message: nothing, only CRLFs (a keep-alive), no end of the header
    /// section, and another protocol.
    @Test func notAMessage() {
        expectError([], .emptyMessage, status: 400, reason: "Bad Request (empty message)", canRespond: false)
        expectError(wire("\n\n"), .emptyMessage, status: 400, reason: "Bad Request (empty message)", canRespond: false)
        let truncated = String(Self.base.dropLast(2))
        expectError(truncated, .incompleteHeaderSection, reason: "Bad Request (incomplete header section)")
        expectError("GET / HTTP/1.1\nHost: bridge.example.org\n\n", .malformedStartLine, reason: "Bad Request (malformed Request-Line)",
                    canRespond: false)
    }

    /// An ACK is never answered (RFC 3261 §17), nor is a response.
    @Test func brokenACKsAndResponsesAreNotAnswered() {
        var text = Self.variant("INVITE", "ACK sip:meeting@bridge.example.org SIP/2.0")
        text = Self.variant("CSeq:", "CSeq: 1 ACK", in: text)
        expectError(Self.variant("Call-ID:", nil, in: text), .missingHeader(.callID), reason: "Bad Request (missing Call-ID)",
                    canRespond: false)
        expectError(wire(Self.variant("Call-ID:", nil, in: Samples.okResponse)), .missingHeader(.callID), status: 400,
                    reason: "Bad Request (missing Call-ID)", canRespond: false)
    }

    // MARK: Limits (RFC 3261 §18.1.1, §21.4.11, §21.5.14)

    @Test func tooManyHeaderFields() {
        let many = String(repeating: "X-H: 1\n", count: 300)
        expectError(Self.variant("Contact:", "Contact: <sip:caller@192.0.2.15>\n" + many), .tooManyHeaderFields,
                    status: 513, reason: "Message Too Large (too many header fields)")
        let small = SIPLimits(maximumHeaderFields: 7)  // the base message has 8
        expectError(wire(Self.base), .tooManyHeaderFields, status: 513, reason: "Message Too Large (too many header fields)",
                    canRespond: true, limits: small)
    }

    @Test func headerSectionTooLarge() throws {
        let big = "X-Big: " + String(repeating: "x", count: 40_000)
        expectError(Self.variant("Contact:", big), .headerSectionTooLarge, status: 513, reason: "Message Too Large (header section)")
        // What came before the limit still answers.
        let error = try #require(parseFailure(Self.variant("Contact:", big)))
        #expect(error.context?.headers[.callID] == "invalid.3848276298220188511@example.net")
    }

    @Test func messageOverSixtyFourKiB() {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 70_000)
        let head = wire(Self.variant("Content-Length:", "Content-Length: 70000"))
        expectError(head + body, .messageTooLarge, status: 513, reason: "Message Too Large", canRespond: true)
        let noLength = wire(Self.variant("Content-Length:", nil))
        expectError(noLength + body, .messageTooLarge, status: 513, reason: "Message Too Large", canRespond: true)
    }

    @Test func bodyTooLarge() {
        let body = [UInt8](repeating: UInt8(ascii: "a"), count: 40_000)
        expectError(wire(Self.variant("Content-Length:", "Content-Length: 40000")) + body, .bodyTooLarge, status: 413,
                    reason: "Request Entity Too Large", canRespond: true)
        expectError(wire(Self.variant("Content-Length:", nil)) + body, .bodyTooLarge, status: 413,
                    reason: "Request Entity Too Large", canRespond: true)
    }
}
