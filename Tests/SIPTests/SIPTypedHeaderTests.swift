import SIP
import Testing

@Suite("Typed headers")
struct SIPTypedHeaderTests {
    @Test func viaFields() throws {
        let via = try SIPVia(parsing: "SIP/2.0/udp [2001:db8::9]:5062;branch=z9hG4bKabc;received=2001:db8::1;rport=5070;maddr=239.1.1.1;ttl=16;x-custom=\"q v\";flag")
        #expect(via.protocolName == "SIP" && via.protocolVersion == "2.0" && via.transport == "UDP")
        #expect(via.host == .ipv6("2001:db8::9") && via.port == 5062)
        #expect(via.branch == "z9hG4bKabc" && via.hasMagicCookie)
        #expect(via.received == "2001:db8::1" && via.rport == .port(5070))
        #expect(via.maddr == "239.1.1.1" && via.ttl == 16)
        #expect(via.parameters["x-custom"] == "\"q v\"" && via.parameters.unquotedValue("x-custom") == "q v")
        #expect(via.parameters.contains("flag"))
        #expect(via.description == "SIP/2.0/UDP [2001:db8::9]:5062;branch=z9hG4bKabc;received=2001:db8::1;rport=5070;maddr=239.1.1.1;ttl=16;x-custom=\"q v\";flag")
        #expect(try SIPVia(parsing: via.description) == via)

        let plain = try SIPVia(parsing: "SIP/2.0/TLS edge.example.com;rport;branch=z9hG4bK9")
        #expect(plain.rport == .requested && plain.port == nil && plain.effectivePort == 5061)

        var built = SIPVia(transport: "tcp", host: .ipv4("192.0.2.8"), port: 5060, branch: "z9hG4bKnew")
        built.rport = .requested
        built.ttl = 1
        #expect(built.description == "SIP/2.0/TCP 192.0.2.8:5060;branch=z9hG4bKnew;rport;ttl=1")
        built.rport = nil
        built.branch = nil
        #expect(built.description == "SIP/2.0/TCP 192.0.2.8:5060;ttl=1")
    }

    /// RFC 3261 §18.2.1 and RFC 3581 §4.
    @Test func viaStampingOnReceipt() throws {
        let byName = try SIPVia(parsing: "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1")
        #expect(byName.stamped(sourceHost: "192.0.2.33", sourcePort: 5060).description
            == "SIP/2.0/UDP pc33.example.com;branch=z9hG4bK1;received=192.0.2.33")
        let sameAddress = try SIPVia(parsing: "SIP/2.0/UDP 192.0.2.33:5060;branch=z9hG4bK1")
        #expect(sameAddress.stamped(sourceHost: "192.0.2.33", sourcePort: 5060) == sameAddress, "nothing to record")
        let natted = try SIPVia(parsing: "SIP/2.0/UDP 192.0.2.5:5060;rport;branch=z9hG4bK1")
        let stamped = natted.stamped(sourceHost: "198.51.100.9", sourcePort: 40123)
        #expect(stamped.description == "SIP/2.0/UDP 192.0.2.5:5060;rport=40123;branch=z9hG4bK1;received=198.51.100.9")
        let rportSameHost = try SIPVia(parsing: "SIP/2.0/UDP 192.0.2.33;rport;branch=z9hG4bK1")
        #expect(rportSameHost.stamped(sourceHost: "192.0.2.33", sourcePort: 5060).received == "192.0.2.33",
                "with rport, received is added even when it equals sent-by (RFC 3581 §4)")
        let v6 = try SIPVia(parsing: "SIP/2.0/UDP [2001:db8::5];branch=z9hG4bK1")
        #expect(v6.stamped(sourceHost: "2001:DB8:0::5", sourcePort: 5060).received == nil)
        #expect(v6.stamped(sourceHost: "2001:db8::6", sourcePort: 5060).received == "2001:db8::6")
    }

    @Test func nameAddresses() throws {
        let full = try SIPNameAddress(parsing: #"  "A \"B\" C"   <sip:abc@example.com;transport=tcp>  ;tag=x1 ; q=0.25 ;expires=30"#)
        #expect(full.displayName == #"A "B" C"#)
        #expect(full.uri.sipURI?.transport == "tcp")
        #expect(full.tag == "x1" && full.qValue == 250 && full.expires == 30)
        #expect(full.description == #""A \"B\" C" <sip:abc@example.com;transport=tcp>;tag=x1;q=0.25;expires=30"#)
        #expect(try SIPNameAddress(parsing: full.description) == full)

        let tokens = try SIPNameAddress(parsing: "Bob   Smith <sip:bob@example.com>")
        #expect(tokens.displayName == "Bob   Smith")
        let empty = try SIPNameAddress(parsing: #""" <sip:e@example.com>"#)
        #expect(empty.displayName == "")
        let bare = try SIPNameAddress(parsing: "sip:bob@example.com;tag=88;lr")
        #expect(bare.displayName == nil && bare.tag == "88" && bare.parameters.contains("lr"))
        #expect(bare.uri.sipURI?.parameters.isEmpty == true)

        var edited = bare
        edited.tag = nil
        edited.displayName = "Q\\"
        #expect(edited.description == #""Q\\" <sip:bob@example.com>;lr"#)

        for q in ["0", "1", "0.5", "0.123", "1.000", "1.0"] {
            #expect(try SIPNameAddress(parsing: "<sip:a@b>;q=\(q)").qValue != nil, "\(q)")
        }
        for q in ["2", "1.5", "0.1234", ".5", "01", "x"] {
            #expect(try SIPNameAddress(parsing: "<sip:a@b>;q=\(q)").qValue == nil, "\(q)")
        }
        for bad in ["", "<>", "<sip:a@b", "\"x\" sip:a@b", "<sip:a@b>;", "<sip:a@b>;tag=", "<sip:a@b>;tag=\"q\"", "<sip:a@b> junk",
                    "a<b> <sip:a@b>", "<sip:a@b>;=1"] {
            #expect(throws: SIPParseError(.malformedHeader(.from)), "\(bad)") { try SIPNameAddress(parsing: bad, header: .from) }
        }
    }

    @Test func cseqAndMaxForwards() throws {
        #expect(try SIPCSeq(parsing: "  4711   INVITE ") == SIPCSeq(4711, .invite))
        #expect(SIPCSeq(1, .bye).description == "1 BYE")
        for bad in ["INVITE", "1", "1INVITE", "-1 INVITE", "1 INVITE x", "1 <INVITE>", "99999999999 INVITE"] {
            #expect(throws: SIPParseError(.malformedHeader(.cseq)), "\(bad)") { try SIPCSeq(parsing: bad) }
        }
        var h = SIPHeaders()
        h.append(.maxForwards, "  70 ")
        #expect(try h.maxForwards == 70)
        h.set(.maxForwards, "256")
        #expect(throws: SIPParseError(.malformedHeader(.maxForwards))) { try h.maxForwards }
    }

    @Test func headersOfATypicalInvite() throws {
        let request = try parseRequest(Samples.invite)
        let h = request.headers
        #expect(try h.topVia?.rport == .requested)
        #expect(try h.from?.displayName == "Alice" && h.from?.tag == "1928301774")
        #expect(try h.to?.tag == nil)
        #expect(try h.contacts.first?.uri.sipURI?.port == 5060)
        #expect(try h.supported == ["timer", "replaces", "100rel"])
        #expect(try h.require.isEmpty)
        #expect(try h.allow == [.invite, .ack, .cancel, .bye, .options, .update, .info])
        #expect(try h.sessionExpires == SIPSessionExpires(seconds: 1800, refresher: .uac))
        #expect(try h.minSE == 90)
        #expect(h.userAgent == "TestPhone/1.0 (lab)" && h.server == nil)
        #expect(try h.contentType == .sdp)
        #expect(try h.contentLength == request.body.count)
        #expect(try h.recordRoute.isEmpty && h.route.isEmpty)
        #expect(try h.expires == nil && h.retryAfter == nil && h.warnings.isEmpty && h.reasons.isEmpty)
    }

    @Test func sessionTimerHeaders() throws {
        let se = try SIPSessionExpires(parsing: "90 ; refresher = UAS ; x=1")
        #expect(se.seconds == 90 && se.refresher == .uas && se.parameters["x"] == "1")
        #expect(throws: SIPParseError(.malformedHeader(.sessionExpires))) { try SIPSessionExpires(parsing: "90;refresher=proxy") }
        #expect(throws: SIPParseError(.malformedHeader(.sessionExpires))) { try SIPSessionExpires(parsing: "ninety") }
        var h = SIPHeaders()
        h.append(.minSE, "120;custom")
        #expect(try h.minSE == 120)
    }

    @Test func routingHeaders() throws {
        let h = try parseResponse(RFC4475InvalidMessageTests.variant(
            "Record-Route:", "Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr;transport=tcp>\nRecord-Route: <sip:p3.example.com>",
            in: Samples.okResponse)).headers
        let rr = try h.recordRoute
        #expect(rr.compactMap { $0.uri.sipURI?.host.text } == ["p1.example.com", "p2.example.com", "p3.example.com"])
        #expect(rr.map { $0.uri.sipURI?.isLooseRouter == true } == [true, true, false])
    }

    @Test func retryAfterWarningReasonAndServer() throws {
        var h = SIPHeaders()
        h.append(.retryAfter, "18000;duration=3600 ")
        h.append(.warning, #"307 isi.edu "Session parameter 'foo' not understood", 399 192.0.2.1:5060 "Q \"x\"""#)
        h.append(.reason, #"SIP ;cause=200 ;text="Call completed elsewhere", Q.850;cause=16"#)
        h.append(.server, "callbridge/0.1 (Debian)")
        h.append(.event, "conference;id=42")
        h.append(.subscriptionState, "active;expires=600")
        #expect(try h.retryAfter == SIPRetryAfter(seconds: 18000, parameters: SIPParameters([.init(name: "duration", value: "3600")])))
        #expect(try h.retryAfter?.duration == 3600)
        let commented = try SIPRetryAfter(parsing: "120 (I'm in a (long) meeting) ;duration=60")
        #expect(commented.comment == "I'm in a (long) meeting" && commented.duration == 60)
        #expect(throws: SIPParseError(.malformedHeader(.retryAfter))) { try SIPRetryAfter(parsing: "120 (unclosed") }
        let warnings = try h.warnings
        #expect(warnings == [SIPWarning(code: 307, agent: "isi.edu", text: "Session parameter 'foo' not understood"),
                             SIPWarning(code: 399, agent: "192.0.2.1:5060", text: #"Q "x""#)])
        #expect(warnings[1].description == #"399 192.0.2.1:5060 "Q \"x\"""#)
        let reasons = try h.reasons
        #expect(reasons.map(\.protocolName) == ["SIP", "Q.850"])
        #expect(reasons.map(\.cause) == [200, 16])
        #expect(reasons[0].text == "Call completed elsewhere")
        #expect(SIPReason(protocolName: "SIP", cause: 487, text: "Request \"terminated\"").description
            == #"SIP;cause=487;text="Request \"terminated\"""#)
        #expect(h.server == "callbridge/0.1 (Debian)")
        #expect(h[.event] == "conference;id=42" && h[.subscriptionState] == "active;expires=600", "kept raw")
    }

    @Test func contentTypeAndLength() throws {
        let type = try SIPMediaType(parsing: "Multipart/Mixed ; boundary=\"b 1\"")
        #expect(type.matches(SIPMediaType(type: "multipart", subtype: "mixed")))
        #expect(type.parameters.unquotedValue("boundary") == "b 1")
        #expect(type.description == "Multipart/Mixed;boundary=\"b 1\"")
        var h = SIPHeaders()
        h.append(.contentLength, "0042")
        #expect(try h.contentLength == 42)
        h.append(.contentLength, "42")
        #expect(try h.contentLength == 42)
        h.append(.contentLength, "41")
        #expect(throws: SIPParseError(.invalidContentLength)) { try h.contentLength }
        h.set(.callID, "a@b")
        h.append(.callID, "c@d")
        #expect(throws: SIPParseError(.duplicateHeader(.callID))) { try h.callID }
        h.set(.callID, "has space")
        #expect(throws: SIPParseError(.malformedHeader(.callID))) { try h.callID }
    }

    @Test func methodsAreCaseSensitiveTokens() {
        #expect(SIPMethod(rawValue: "INVITE") == .invite)
        #expect(SIPMethod(rawValue: "invite") != .invite)
        #expect(SIPMethod(rawValue: "IN VITE") == nil && SIPMethod(rawValue: "") == nil)
    }
}
