import SIP
import Testing

@Suite("Serialization, responses and requests")
struct SIPSerializationTests {
    /// Parsed messages re-serialize to messages that parse to the same thing (Content-Length
    /// aside, which is always rewritten to the body's size).
    @Test func parsedMessagesRoundTrip() throws {
        for text in [Samples.invite, Samples.okResponse, Samples.register] {
            let message = try parseDatagram(text)
            let again = try parseDatagram(message.serialized())
            #expect(again == message)
            #expect(again.serialized() == message.serialized())
        }
        // Odd spelling is normalized once, then stable.
        let odd = try parseDatagram("\r\nOPTIONS   sip:%61@example.com  SIP/2.0\nv: SIP/2.0/UDP h;branch=z9hG4bK1\nf: <sip:b@example.com>\n ;tag=1\nt: <sip:a@example.com>\ni: x\nCSeq: 1 OPTIONS\n\n")
        let text = String(decoding: odd.serialized(), as: UTF8.self)
        #expect(text == "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:b@example.com> ;tag=1\r\nTo: <sip:a@example.com>\r\nCall-ID: x\r\nCSeq: 1 OPTIONS\r\nContent-Length: 0\r\n\r\n")
        #expect(try parseDatagram(odd.serialized()).serialized() == odd.serialized())
    }

    /// Content-Length is written once, where the first one was, and always matches the body.
    @Test func contentLengthIsAlwaysRight() {
        var headers = SIPHeaders()
        headers.append(.contentLength, "999")
        headers.append(.subject, "x")
        headers.append(.contentLength, "3")
        let response = SIPResponse(statusCode: 200, headers: headers, body: Array("hello".utf8))
        #expect(String(decoding: response.serialized(), as: UTF8.self) == "SIP/2.0 200 OK\r\nContent-Length: 5\r\nSubject: x\r\n\r\nhello")
        let bare = SIPResponse(statusCode: 404)
        #expect(String(decoding: bare.serialized(), as: UTF8.self) == "SIP/2.0 404 Not Found\r\nContent-Length: 0\r\n\r\n")
    }

    /// CR and LF in values cannot start a new header line.
    @Test func headerInjectionIsNeutralized() throws {
        var headers = SIPHeaders()
        headers.append(.subject, "hi\r\nVia: SIP/2.0/UDP evil")
        let response = SIPResponse(statusCode: 200, reasonPhrase: "OK\r\nX-Evil: 1", headers: headers)
        let text = String(decoding: response.serialized(), as: UTF8.self)
        #expect(text == "SIP/2.0 200 OK  X-Evil: 1\r\nSubject: hi  Via: SIP/2.0/UDP evil\r\nContent-Length: 0\r\n\r\n")
        let name = SIPNameAddress(displayName: "a\"\r\nb", uri: .sip(SIPURI(host: .name("example.com"))))
        #expect(name.description == #""a\"\#r\#nb" <sip:example.com>"#)
    }

    /// RFC 3261 §8.2.6.2, RFC 3581 §4.
    @Test func responseToARequest() throws {
        var request = try parseRequest(RFC4475InvalidMessageTests.variant(
            "Via:", "Via: SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bKnat;rport, SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKinner\nRecord-Route: <sip:p1.example.com;lr>\nTimestamp: 54"))
        let source = SIPSourceAddress(host: "198.51.100.9", port: 40123)
        let ringing = request.makeResponse(statusCode: 180, toTag: "uas-tag", source: source)
        #expect(ringing.statusCode == 180 && ringing.reasonPhrase == "Ringing")
        #expect(ringing.headers.fields.map(\.name) == [.via, .via, .from, .to, .callID, .cseq, .recordRoute, .contentLength])
        #expect(ringing.headers.values(for: .via) == [
            "SIP/2.0/UDP 192.0.2.5:5060;branch=z9hG4bKnat;rport=40123;received=198.51.100.9", "SIP/2.0/UDP 192.0.2.9;branch=z9hG4bKinner",
        ])
        #expect(try ringing.headers.to?.tag == "uas-tag")
        #expect(ringing.headers[.from] == request.headers[.from] && ringing.headers[.callID] == request.headers[.callID])
        #expect(ringing.headers[.cseq] == "1 INVITE")
        #expect(ringing.headers[.recordRoute] == "<sip:p1.example.com;lr>")

        // A transport that stamps on receipt; a 100 copies Timestamp and no Record-Route.
        request.stampTopVia(from: source)
        #expect(try request.headers.topVia?.received == "198.51.100.9")
        let trying = request.makeResponse(statusCode: 100)
        #expect(trying.headers.values(for: .via) == ringing.headers.values(for: .via))
        #expect(trying.headers[.timestamp] == "54" && !trying.headers.contains(.recordRoute))
        #expect(try trying.headers.to?.tag == nil)

        // A To tag already there is kept; a body gets its Content-Type.
        var inDialog = request
        inDialog.headers.set(.to, "<sip:meeting@bridge.example.org>;tag=existing")
        let ok = inDialog.makeResponse(statusCode: 200, toTag: "other", body: Array("v=0\r\n".utf8), contentType: .sdp)
        #expect(try ok.headers.to?.tag == "existing")
        #expect(ok.headers[.contentType] == "application/sdp" && ok.headers[.contentLength] == "5")
        let reparsed = try parseDatagram(ok.serialized())
        #expect(reparsed.response?.body == Array("v=0\r\n".utf8))
        // Record-Route goes only into responses that can create a dialog.
        var options = request
        options.method = .options
        options.headers.set(.cseq, "1 OPTIONS")
        #expect(!options.makeResponse(statusCode: 200).headers.contains(.recordRoute))
    }

    static let alice = SIPNameAddress(displayName: "Alice", uri: SIPURI(user: "alice", host: .name("example.com")),
                                      parameters: SIPParameters([.init(name: "tag", value: "a1")]))
    static let bridge = SIPNameAddress(uri: SIPURI(user: "meeting", host: .name("bridge.example.org")))
    static let via = SIPVia(transport: "UDP", host: .ipv4("192.0.2.10"), port: 5060, branch: "z9hG4bKinv1",
                            parameters: SIPParameters([.init(name: "rport")]))

    /// RFC 3261 §8.1.1 fields, in the order of the RFC's examples.
    @Test func buildingAnInvite() throws {
        let body = Array("v=0\r\n".utf8)
        let invite = SIPRequest(
            method: .invite, target: Self.bridge.uri, via: Self.via, from: Self.alice, to: Self.bridge, callID: "call-1@192.0.2.10",
            cseq: 1, contact: SIPNameAddress(uri: SIPURI(user: "alice", host: .ipv4("192.0.2.10"), port: 5060)),
            supported: ["timer", "replaces"], additionalHeaders: [SIPHeaderField(.sessionExpires, "1800;refresher=uac")],
            body: body, contentType: .sdp)
        let text = String(decoding: invite.serialized(), as: UTF8.self)
        #expect(text == """
            INVITE sip:meeting@bridge.example.org SIP/2.0\r
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bKinv1;rport\r
            Max-Forwards: 70\r
            To: <sip:meeting@bridge.example.org>\r
            From: "Alice" <sip:alice@example.com>;tag=a1\r
            Call-ID: call-1@192.0.2.10\r
            CSeq: 1 INVITE\r
            Contact: <sip:alice@192.0.2.10:5060>\r
            Supported: timer, replaces\r
            Session-Expires: 1800;refresher=uac\r
            Content-Type: application/sdp\r
            Content-Length: 5\r
            \r
            v=0\r

            """)
        #expect(try parseDatagram(invite.serialized()) == .request(invite))
    }

    /// In-dialog requests: the remote target becomes the Request-URI and the route set the
    /// Route header (loose routing), or the first strict router the Request-URI (§12.2.1.1).
    @Test func buildingInDialogRequests() throws {
        let remoteTarget = SIPAnyURI.sip(SIPURI(user: "alice", host: .ipv4("192.0.2.10"), port: 5060))
        var to = Self.alice
        to.tag = "a1"
        var from = Self.bridge
        from.tag = "b2"
        let loose = [try SIPNameAddress(parsing: "<sip:p1.example.com;lr>"), try SIPNameAddress(parsing: "<sip:p2.example.com;lr>")]
        for method in [SIPMethod.bye, .info, .update, .invite] {
            let request = SIPRequest(method: method, target: remoteTarget, via: Self.via, from: from, to: to, callID: "c", cseq: 7,
                                     routeSet: loose)
            #expect(request.uri == remoteTarget)
            #expect(request.headers.values(for: .route) == ["<sip:p1.example.com;lr>", "<sip:p2.example.com;lr>"])
            #expect(try request.headers.cseq == SIPCSeq(7, method))
            #expect(try parseDatagram(request.serialized()).request == request)
        }
        let strict = [try SIPNameAddress(parsing: "<sip:strict.example.com;method=INVITE?x=y>"), loose[0]]
        let bye = SIPRequest(method: .bye, target: remoteTarget, via: Self.via, from: from, to: to, callID: "c", cseq: 8, routeSet: strict)
        #expect(bye.uri.description == "sip:strict.example.com")
        #expect(bye.headers.values(for: .route) == ["<sip:p1.example.com;lr>", "<sip:alice@192.0.2.10:5060>"])
    }

    /// RFC 3261 §9.1 and §17.1.1.3.
    @Test func cancelAndNon2xxAck() throws {
        let invite = try parseRequest(RFC4475InvalidMessageTests.variant(
            "Via:", "Via: SIP/2.0/UDP 192.0.2.15:5060;branch=z9hG4bKbad1, SIP/2.0/UDP 192.0.2.99;branch=z9hG4bKlower\nRoute: <sip:p1.example.com;lr>"))
        let cancel = invite.makeCANCEL()
        #expect(cancel.method == .cancel && cancel.uri == invite.uri)
        #expect(cancel.headers.values(for: .via) == ["SIP/2.0/UDP 192.0.2.15:5060;branch=z9hG4bKbad1"])
        #expect(cancel.headers[.to] == invite.headers[.to] && cancel.headers[.from] == invite.headers[.from])
        #expect(cancel.headers[.callID] == invite.headers[.callID] && cancel.headers[.route] == "<sip:p1.example.com;lr>")
        #expect(try cancel.headers.cseq == SIPCSeq(1, .cancel))
        #expect(try parseDatagram(cancel.serialized()).request == cancel)

        let busy = invite.makeResponse(statusCode: 486, toTag: "busy1")
        let ack = invite.makeACK(forNon2xx: busy)
        #expect(ack.method == .ack && ack.uri == invite.uri)
        #expect(ack.headers.values(for: .via) == ["SIP/2.0/UDP 192.0.2.15:5060;branch=z9hG4bKbad1"])
        #expect(try ack.headers.to?.tag == "busy1")
        #expect(try ack.headers.cseq == SIPCSeq(1, .ack))
        #expect(ack.headers[.route] == "<sip:p1.example.com;lr>")
        #expect(try parseDatagram(ack.serialized()).request == ack)
    }

    /// RFC 3261 §13.2.2.4: the ACK for a 2xx is a new transaction to the Contact, through
    /// the reversed Record-Route.
    @Test func ackFor2xx() throws {
        let invite = try parseRequest(Samples.invite)
        let ok = try parseResponse(RFC4475InvalidMessageTests.variant(
            "Record-Route:", "Record-Route: <sip:p2.example.net;lr>, <sip:p1.example.net;lr>", in: Samples.okResponse))
        let via = SIPVia(transport: "UDP", host: .ipv4("192.0.2.10"), port: 5060, branch: "z9hG4bKack2")
        let ack = try invite.makeACK(for2xx: ok, via: via)
        #expect(ack.uri.description == "sip:meeting-42@198.51.100.20:5060")
        #expect(ack.headers.values(for: .route) == ["<sip:p1.example.net;lr>", "<sip:p2.example.net;lr>"])
        #expect(try ack.headers.to?.tag == "a6c85cf" && ack.headers.from?.tag == "1928301774")
        #expect(try ack.headers.cseq == SIPCSeq(314159, .ack))
        #expect(try ack.headers.topVia?.branch == "z9hG4bKack2")
        #expect(try parseDatagram(ack.serialized()).request == ack)
    }

    @Test func identifiers() {
        let branch = SIPIdentifiers.makeBranch()
        #expect(branch.hasPrefix(SIPVia.magicCookie) && branch.utf8.count == 29)
        var branches = Set<String>()
        for _ in 0..<1000 { branches.insert(SIPIdentifiers.makeBranch()) }
        #expect(branches.count == 1000)
        let tag = SIPIdentifiers.makeTag()
        #expect(tag.utf8.count == 12 && SIPMethod(rawValue: tag) != nil, "a token")
        #expect(SIPIdentifiers.makeCallID(host: "bridge.example.org").hasSuffix("@bridge.example.org"))
        #expect(SIPIdentifiers.makeCallID().utf8.allSatisfy { ($0 >= 48 && $0 <= 57) || ($0 | 0x20 >= 97 && $0 | 0x20 <= 122) })
        var a = SeededGenerator(seed: 7)
        var b = SeededGenerator(seed: 7)
        #expect(SIPIdentifiers.makeTag(using: &a) == SIPIdentifiers.makeTag(using: &b))
        // A generated branch works in a Via that parses.
        let via = SIPVia(transport: "UDP", host: .name("h"), branch: branch)
        #expect((try? SIPVia(parsing: via.description))?.hasMagicCookie == true)
    }

    @Test func reasonPhrases() {
        #expect(SIPResponse.defaultReasonPhrase(for: 481) == "Call/Transaction Does Not Exist")
        #expect(SIPResponse.defaultReasonPhrase(for: 422) == "Session Interval Too Small")
        #expect(SIPResponse.defaultReasonPhrase(for: 499) == "Bad Request", "unknown codes take their class's phrase")
        #expect(SIPResponse(statusCode: 183).reasonPhrase == "Session Progress")
    }
}
