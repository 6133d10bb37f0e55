import SIP
import Testing

@Suite("SIPHeaders and SIPHeaderName")
struct SIPHeaderTests {
    /// RFC 3261 §7.3.3 and later RFCs: every compact form maps to its full name, in any case.
    @Test func compactFormsMapToFullNames() {
        let table: [(String, SIPHeaderName)] = [
            ("i", .callID), ("m", .contact), ("e", .contentEncoding), ("l", .contentLength), ("c", .contentType),
            ("f", .from), ("s", .subject), ("k", .supported), ("t", .to), ("v", .via), ("o", .event),
            ("u", .allowEvents), ("r", .referTo), ("b", .referredBy), ("x", .sessionExpires), ("a", .acceptContact),
            ("j", .rejectContact), ("d", .requestDisposition), ("y", .identity),
        ]
        for (letter, name) in table {
            #expect(SIPHeaderName(letter) == name)
            #expect(SIPHeaderName(String(letter.uppercased())) == name)
            #expect(SIPHeaderName(letter).canonicalName == name.canonicalName)
            #expect(name.compactForm == letter)
        }
        #expect(SIPHeaderName("call-id").canonicalName == "Call-ID")
        #expect(SIPHeaderName("CSEQ").canonicalName == "CSeq")
        #expect(SIPHeaderName("www-authenticate").canonicalName == "WWW-Authenticate")
        #expect(SIPHeaderName("X-Custom-Thing").canonicalName == "X-Custom-Thing")
        #expect(SIPHeaderName("x-custom-thing") == SIPHeaderName("X-CUSTOM-THING"))
        #expect(SIPHeaderName(validating: "Bad Name") == nil && SIPHeaderName(validating: "") == nil)
        #expect(SIPHeaderName.via.isList && !SIPHeaderName.authorization.isList && !SIPHeaderName("X-Unknown").isList)
    }

    /// Compact names in a message read like full ones and are written in full.
    @Test func compactHeadersParseAndSerializeInFull() throws {
        let text = """
            OPTIONS sip:bridge.example.org SIP/2.0
            v: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKc1
            f: <sip:a@example.com>;tag=c
            t: <sip:bridge.example.org>
            i: compact-1
            CSeq: 3 OPTIONS
            m: <sip:a@192.0.2.4>
            k: timer
            x: 600
            o: conference
            u: conference, dialog
            l: 0


            """
        let request = try parseRequest(text)
        let h = request.headers
        #expect(try h.callID == "compact-1" && h.supported == ["timer"] && h.sessionExpires?.seconds == 600)
        #expect(h[.event] == "conference" && h.values(for: .allowEvents) == ["conference", "dialog"])
        let written = String(decoding: request.serialized(), as: UTF8.self)
        #expect(written == """
            OPTIONS sip:bridge.example.org SIP/2.0\r
            Via: SIP/2.0/UDP 192.0.2.4;branch=z9hG4bKc1\r
            From: <sip:a@example.com>;tag=c\r
            To: <sip:bridge.example.org>\r
            Call-ID: compact-1\r
            CSeq: 3 OPTIONS\r
            Contact: <sip:a@192.0.2.4>\r
            Supported: timer\r
            Session-Expires: 600\r
            Event: conference\r
            Allow-Events: conference, dialog\r
            Content-Length: 0\r
            \r

            """)
    }

    /// RFC 3261 §7.3.1: a line starting with SP or HTAB continues the previous one; the fold
    /// and the white space around it become one SP.
    @Test func foldedLines() throws {
        let text = "OPTIONS sip:a@example.com SIP/2.0\r\nVia: SIP/2.0/UDP h.example.com\r\n\t;branch=z9hG4bK1\r\nFrom: <sip:b@example.com>\r\n  \t ;tag=1   \r\nTo:\r\n <sip:a@example.com>\r\nCall-ID: fold\r\nCSeq: 2\r\n OPTIONS\r\nSubject: one  \r\n \r\n two\r\nContent-Length: 0\r\n\r\n"
        let h = try #require(try parseDatagram(Array(text.utf8)).request).headers
        #expect(h[.via] == "SIP/2.0/UDP h.example.com ;branch=z9hG4bK1")
        #expect(try h.topVia?.branch == "z9hG4bK1")
        #expect(h[.from] == "<sip:b@example.com> ;tag=1")
        #expect(try h.from?.tag == "1")
        #expect(h[.to] == "<sip:a@example.com>")
        #expect(try h.cseq == SIPCSeq(2, .options))
        #expect(h[.subject] == "one two")
    }

    /// RFC 3261 §7.3.1: commas separate values only outside quoted strings and angle brackets,
    /// and only in headers defined as lists.
    @Test func listSplitting() throws {
        #expect(SIPHeaders.splitList(#""Doe, John" <sip:j@example.com;p=a,b>;q=0.5 , <sip:k@example.com>"#)
            == [#""Doe, John" <sip:j@example.com;p=a,b>;q=0.5"#, "<sip:k@example.com>"])
        #expect(SIPHeaders.splitList(#""a \", b" <sip:x@y>, c"#) == [#""a \", b" <sip:x@y>"#, "c"])
        #expect(SIPHeaders.splitList("a,,b, ") == ["a", "", "b", ""])
        #expect(SIPHeaders.splitList(#""unterminated, x"#) == [#""unterminated, x"#])
        let h: SIPHeaders = [
            SIPHeaderField(.via, "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2"),
            SIPHeaderField(.wwwAuthenticate, #"Digest realm="atlanta.com", qop="auth,auth-int", nonce="84a4""#),
            SIPHeaderField(.proxyAuthenticate, #"Digest realm="a", nonce="b""#),
            SIPHeaderField(.authenticationInfo, #"nextnonce="47364c23432d2e131a5fb210812c", qop=auth"#),
            SIPHeaderField(.date, "Sat, 13 Nov 2010 23:29:00 GMT"),
            SIPHeaderField("X-Unknown", "a, b"),
            SIPHeaderField(.via, "SIP/2.0/TCP c;branch=z9hG4bK3"),
        ]
        #expect(h.values(for: .via).count == 3)
        #expect(try h.via.map(\.host) == [.name("a"), .name("b"), .name("c")])
        #expect(h.values(for: .wwwAuthenticate).count == 1)
        #expect(h.values(for: .proxyAuthenticate).count == 1)
        #expect(h.values(for: .authenticationInfo).count == 1)
        #expect(h.values(for: .date) == ["Sat, 13 Nov 2010 23:29:00 GMT"])
        #expect(h.values(for: "x-unknown") == ["a, b"], "unknown headers are not split")
        #expect(h.count(of: .via) == 2)
    }

    @Test func editing() throws {
        var h: SIPHeaders = [
            SIPHeaderField(.via, "SIP/2.0/UDP a;branch=z9hG4bK1, SIP/2.0/UDP b;branch=z9hG4bK2"),
            SIPHeaderField(.to, "<sip:x@y>"),
            SIPHeaderField(.contact, "<sip:1@y>"),
            SIPHeaderField(.contact, "<sip:2@y>"),
        ]
        h.prepend(.via, "SIP/2.0/TCP proxy;branch=z9hG4bKp")
        #expect(h[0].value == "SIP/2.0/TCP proxy;branch=z9hG4bKp")
        h.replaceFirstValue(of: .via, with: "SIP/2.0/TCP proxy2;branch=z9hG4bKq")
        h.remove(at: 0)
        h.replaceFirstValue(of: .via, with: "SIP/2.0/UDP a;branch=z9hG4bK1;received=192.0.2.1")
        #expect(h.values(for: .via) == ["SIP/2.0/UDP a;branch=z9hG4bK1;received=192.0.2.1", "SIP/2.0/UDP b;branch=z9hG4bK2"])
        #expect(h.count(of: .via) == 2, "the split keeps the second value on its own line")
        h.set(.contact, "*")
        #expect(h.values(for: .contact) == ["*"] && h.isContactWildcard)
        #expect(h.fields.map(\.name) == [.via, .via, .to, .contact])
        h.set(.subject, "new")
        #expect(h.fields.last == SIPHeaderField(.subject, "new"))
        h.removeAll(.via)
        #expect(!h.contains(.via) && h.count == 3)
        h.insert(SIPHeaderField(.maxForwards, "70"), at: 0)
        #expect(try h.maxForwards == 70)
    }

    /// Header names and values are ASCII-case-insensitive to look up, raw to read.
    @Test func lookupIsCaseInsensitive() throws {
        let request = try parseRequest(Samples.register)
        #expect(request.headers["CALL-ID"] == "843817637684230@998sdasdh09")
        #expect(request.headers["i"] == "843817637684230@998sdasdh09")
        #expect(request.headers["Call-Id"] == request.headers[.callID])
    }
}
