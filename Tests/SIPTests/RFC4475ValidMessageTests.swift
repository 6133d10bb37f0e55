import SIP
import Testing

/// RFC 4475 §3.1.1: valid messages a parser must accept however odd they look. The messages
/// are written for this suite in the spirit of each torture test (named by section).
@Suite("RFC 4475 §3.1.1 valid messages")
struct RFC4475ValidMessageTests {
    /// §3.1.1.1 (wsinv): compact and mixed-case names, LWS before colons and around every
    /// separator, folded lines in the middle of values, leading zeros, escaped quotes and a
    /// trailing backslash in a display name, empty values, unknown headers.
    @Test func shortTortuousInvite() throws {
        let body = wire("v=0\no=- 1 1 IN IP4 192.0.2.33\ns=-\nc=IN IP4 192.0.2.33\nt=0 0\nm=audio 4000 RTP/AVP 0\n")
        let text = #"""
            INVITE sip:conf-7@bridge.example.org;unknownparam SIP/2.0
            tO :
             "Conference  7" <sip:conf-7@bridge.example.org> ;  tag   =  a7f3
            FrOm   : "R. \"Bobby\" Tables \\" <sip:bobby@client.example.net>
              ;
              tag = 88zz
            MAX-FORWARDS: 0042
            i: tortuous.3f9a@192.0.2.33
            l   : \#(body.count)
            CSEQ: 00017
               INVITE
            v  : SIP  /   2.0
             /UDP
                192.0.2.33:5070;branch=z9hG4bKfirst;rport
            s :
            X-Odd-Header:   odd value
             continued odd value
            X-Just-Separators: ;;,,;;,;
            c: application/sdp
            Route:
             <sip:edge.example.org;lr;unknownwith=value;unknown-no-value>
            V:  SIP  / 2.0  / TCP     proxy.example.net   ;
              branch  =   z9hG4bKsecond  ,
             SIP  /    2.0   / UDP  198.51.100.7   ; branch=
             z9hG4bKthird
            m:"Quoted \"\" name" <sip:bobby@192.0.2.33:5070> ; newparam =
                  newvalue ;
              secondparam ; q = 0.33


            """#
        let message = try parseDatagram(wire(text) + body)
        let request = try #require(message.request)
        let h = request.headers
        #expect(request.method == .invite)
        let uri = try #require(request.uri.sipURI)
        #expect(uri.user == "conf-7" && uri.host == .name("bridge.example.org") && uri.parameters.contains("unknownparam"))

        let to = try #require(try h.to)
        #expect(to.displayName == "Conference  7")
        #expect(to.tag == "a7f3")
        let from = try #require(try h.from)
        #expect(from.displayName == #"R. "Bobby" Tables \"#)
        #expect(from.tag == "88zz")
        #expect(try h.maxForwards == 42)
        #expect(try h.callID == "tortuous.3f9a@192.0.2.33")
        #expect(try h.cseq == SIPCSeq(17, .invite))
        #expect(try h.contentLength == body.count)

        let vias = try h.via
        #expect(vias.map(\.transport) == ["UDP", "TCP", "UDP"])
        #expect(vias.map(\.branch) == ["z9hG4bKfirst", "z9hG4bKsecond", "z9hG4bKthird"])
        #expect(vias.map(\.host) == [.ipv4("192.0.2.33"), .name("proxy.example.net"), .ipv4("198.51.100.7")])
        #expect(vias[0].port == 5070 && vias[0].rport == .requested)

        #expect(h[.subject] == "")
        #expect(h["X-Odd-Header"] == "odd value continued odd value")
        #expect(h["x-just-separators"] == ";;,,;;,;")
        #expect(try h.contentType == .sdp)
        let route = try h.route
        #expect(route.count == 1)
        let routeURI = try #require(route.first?.uri.sipURI)
        #expect(routeURI.isLooseRouter && routeURI.parameters["unknownwith"] == "value" && routeURI.parameters.contains("unknown-no-value"))

        let contact = try #require(try h.contacts.first)
        #expect(contact.displayName == #"Quoted "" name"#)
        #expect(contact.parameters["newparam"] == "newvalue" && contact.parameters.contains("secondparam"))
        #expect(contact.qValue == 330)
        #expect(request.body == body)
    }

    /// §3.1.1.2 (intmeth): every character the grammar allows where it allows it: an
    /// extension method of token characters, user and password parts full of marks and
    /// user-unreserved characters, odd tokens in branch and tag, a Call-ID of word
    /// characters, quoted-pairs of NUL and DEL, UTF-8 values, an extension header name.
    @Test func wideRangeOfValidCharacters() throws {
        let method = "!my-Method_0987654321*+`.%x'~"
        let text = """
            \(method) sip:0_odd.user~(here!)&it's+ok$/ok?,/;;*:&pw+is=1,odd!*pa$s~_too.(yes)@host.example.com SIP/2.0
            Via: SIP/2.0/TCP host2.example.com;branch=z9hG4bK-.!%42*_+`'~
            To: "BS:\\\\ NUL:\\\u{0} DEL:\\\u{7F}" <sip:0_odd.user~(here!)&it's+ok$/ok?,/;;*@host.example.com>
            From: tok1~` tok2'+_ tok3*%!.- <sip:plain@example.com>;odd''~+*_!.-%="значение";tag=_tag~1'+`*%!-.
            Call-ID: widechars.word%ZK-!.*_+'@word`~)(><:\\/"][?}{
            CSeq: 139122385 \(method)
            Max-Forwards: 255
            X-Ext-!.%*+_`'~:\u{FEFF}日本語の値
            Content-Length: 0


            """
        let request = try parseRequest(text)
        #expect(request.method.rawValue == method)
        let uri = try #require(request.uri.sipURI)
        #expect(uri.user == "0_odd.user~(here!)&it's+ok$/ok?,/;;*")
        #expect(uri.password == "&pw+is=1,odd!*pa$s~_too.(yes)")
        #expect(uri.host == .name("host.example.com"))
        let h = request.headers
        #expect(try h.topVia?.branch == "z9hG4bK-.!%42*_+`'~")
        #expect(try h.to?.displayName == "BS:\\ NUL:\u{0} DEL:\u{7F}")
        #expect(try h.to?.uri.sipURI?.user == "0_odd.user~(here!)&it's+ok$/ok?,/;;*")
        let from = try #require(try h.from)
        #expect(from.displayName == "tok1~` tok2'+_ tok3*%!.-")
        #expect(from.tag == "_tag~1'+`*%!-.")
        #expect(from.parameters.unquotedValue("odd''~+*_!.-%") == "значение")
        #expect(try h.callID == #"widechars.word%ZK-!.*_+'@word`~)(><:\/"][?}{"#)
        #expect(try h.cseq?.method.rawValue == method)
        #expect(try h.maxForwards == 255)
        #expect(h["X-EXT-!.%*+_`'~"] == "\u{FEFF}日本語の値")
        #expect(h.fields.last { $0.name == "x-ext-!.%*+_`'~" }?.name.canonicalName == "X-Ext-!.%*+_`'~")
    }

    /// §3.1.1.3 (esc01), §3.1.1.4 (escnull), §3.1.1.5 (esc02): %-escapes in user parts and
    /// URI parameters are decoded (an escaped NUL included); a "%" in a method, a quoted
    /// display name or a Call-ID is not an escape and stays as written.
    @Test func percentEscapes() throws {
        let text = """
            OP%54IONS sip:sips%3Aalice%40example.com@example.net SIP/2.0
            To: "%Z%41 not an escape" <sip:sips%3Aalice%40example.com@example.net>
            From: <sip:null-%00-null@example.com>;tag=esc1
            Contact: <sip:cal%6Cer@host5.example.net;%6C%72;n%61me=v%61lue%25%34%31>
            Call-ID: esc.%%zz
            CSeq: 9 OP%54IONS
            Via: SIP/2.0/UDP host.example.com;branch=z9hG4bKesc
            Max-Forwards: 70
            Content-Length: 0


            """
        let request = try parseRequest(text)
        #expect(request.method.rawValue == "OP%54IONS")
        let uri = try #require(request.uri.sipURI)
        #expect(uri.user == "sips:alice@example.com" && uri.host == .name("example.net"))
        let h = request.headers
        #expect(try h.to?.displayName == "%Z%41 not an escape")
        #expect(try h.from?.uri.sipURI?.user == "null-\u{0}-null")
        let contact = try #require(try h.contacts.first?.uri.sipURI)
        #expect(contact.user == "caller")
        #expect(contact.isLooseRouter)
        #expect(contact.parameters["name"] == "value%41")
        #expect(contact.isEquivalent(to: try #require(SIPURI("sip:caller@host5.example.net;lr;name=value%2541"))))
        #expect(try h.callID == "esc.%%zz")
        // Serialization escapes what must be escaped, and only that.
        #expect(uri.description == "sip:sips%3Aalice%40example.com@example.net")
        #expect(try h.from?.uri.description == "sip:null-%00-null@example.com")
    }

    /// §3.1.1.6 (lwsdisp): no white space between the display name and "<".
    @Test func noSpaceBeforeAngleBracket() throws {
        let text = """
            OPTIONS sip:bridge.example.org SIP/2.0
            To: sip:bridge.example.org
            From: caller<sip:caller@example.com>;tag=323
            Max-Forwards: 70
            Call-ID: lwsdisp.1234abcd@funky.example.com
            CSeq: 60 OPTIONS
            Via: SIP/2.0/UDP funky.example.com;branch=z9hG4bKkdjuw
            l: 0


            """
        let request = try parseRequest(text)
        let from = try #require(try request.headers.from)
        #expect(from.displayName == "caller" && from.tag == "323")
        #expect(from.uri.sipURI?.user == "caller")
        let to = try #require(try request.headers.to)
        #expect(to.displayName == nil && to.uri.sipURI?.host == .name("bridge.example.org"))
    }

    /// §3.1.1.7 (longreq): long values everywhere (3000-character display name, URI user,
    /// tag, Call-ID and header value, 60 Via hops), within the 32 KiB header limit.
    @Test func longValues() throws {
        let long = String(repeating: "abcdefghij", count: 300)
        var vias = ""
        for i in 0..<60 { vias += "Via: SIP/2.0/TCP hop\(i).example.net;branch=z9hG4bK\(long.prefix(100))\(i)\n" }
        let text = """
            INVITE sip:\(long)@bridge.example.org SIP/2.0
            \(vias)To: "\(long)" <sip:\(long)@bridge.example.org>
            From: <sip:caller@example.com>;tag=\(long)
            Call-ID: \(long)@example.com
            CSeq: 1 INVITE
            Max-Forwards: 70
            X-Long: \(long)
            Content-Length: 0


            """
        let request = try parseRequest(text)
        let h = request.headers
        #expect(request.uri.sipURI?.user?.utf8.count == 3000)
        #expect(try h.via.count == 60)
        #expect(try h.via.last?.host == .name("hop59.example.net"))
        #expect(try h.to?.displayName?.utf8.count == 3000)
        #expect(try h.from?.tag?.utf8.count == 3000)
        #expect(try h.callID?.utf8.count == 3012)
        #expect(h["X-Long"]?.utf8.count == 3000)
    }

    /// §3.1.1.8 (dblreq) and RFC 3261 §18.3: octets after Content-Length in a datagram (here a
    /// whole second request) are discarded; without Content-Length the body runs to the end.
    @Test func contentLengthSmallerThanDatagramTruncatesTheBody() throws {
        let first = """
            REGISTER sip:example.com SIP/2.0
            To: sip:j.user@example.com
            From: sip:j.user@example.com;tag=43251j3j324
            Max-Forwards: 8
            Call-ID: dblreq.0ha0isndaksdj99sdfafnl3lk233412
            Contact: sip:j.user@host.example.com
            CSeq: 8 REGISTER
            Via: SIP/2.0/UDP 192.0.2.125;branch=z9hG4bKon23ijcsdf
            Content-Length: 4


            """
        let second = "INVITE sip:joe@example.com SIP/2.0\nTo: sip:joe@example.com\n\n"
        let request = try parseRequest(first + "abcd" + second)
        #expect(request.method == .register)
        #expect(request.body == Array("abcd".utf8))

        let noLength = first.replacingOccurrences("Content-Length: 4\n", with: "")
        let whole = try parseRequest(noLength + "abcdef")
        #expect(whole.body == Array("abcdef".utf8))
    }

    /// §3.1.1.9 (semiuri): ";" in a user part is part of the user, not a URI parameter.
    @Test func semicolonInUserPart() throws {
        let text = """
            OPTIONS sip:alice;day=tuesday;room=%40lab@example.com SIP/2.0
            To: <sip:alice;day=tuesday;room=%40lab@example.com>
            From: "Caller" <sip:caller@example.net>;tag=8814
            Call-ID: semiuri.0ha0isndaksdj
            CSeq: 8 OPTIONS
            Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKkdjuw
            Max-Forwards: 70
            Content-Length: 0


            """
        let request = try parseRequest(text)
        let uri = try #require(request.uri.sipURI)
        #expect(uri.user == "alice;day=tuesday;room=@lab")
        #expect(uri.host == .name("example.com"))
        #expect(uri.parameters.isEmpty)
        #expect(try request.headers.to?.uri == request.uri)
    }

    /// §3.1.1.10 (transports): known, newer and unknown transport tokens in Via.
    @Test func variedAndUnknownTransports() throws {
        let text = """
            OPTIONS sip:user@example.com SIP/2.0
            To: sip:user@example.com
            From: <sip:caller@example.com>;tag=323
            Max-Forwards: 70
            Call-ID: transports.kijh4akdnaqjkwendsasfdj
            Accept: application/sdp
            CSeq: 60 OPTIONS
            Via: SIP/2.0/UDP t1.example.com;branch=z9hG4bKkdjuw
            Via: SIP/2.0/SCTP t2.example.com;branch=z9hG4bKklasjdhf
            Via: SIP/2.0/tls t3.example.com;branch=z9hG4bK2980unddj
            Via: SIP/2.0/UNKNOWN t4.example.com;branch=z9hG4bKasd0f3en
            Via: SIP/2.0/WSS t5.example.com;branch=z9hG4bK0a9idfnee
            Via: SIP/2.0/TCP t6.example.com:5061;branch=z9hG4bK78ffee
            Content-Length: 0


            """
        let vias = try parseRequest(text).headers.via
        #expect(vias.map(\.transport) == ["UDP", "SCTP", "TLS", "UNKNOWN", "WSS", "TCP"])
        #expect(vias.map(\.effectivePort) == [5060, 5060, 5061, 5060, 5061, 5061])
    }

    /// §3.1.1.11 (mpart01): a multipart body is just bytes to this layer; its Content-Type
    /// parameters parse.
    @Test func multipartBody() throws {
        let body = wire("""
            --boundary42
            Content-Type: application/sdp

            v=0
            o=- 1 1 IN IP4 192.0.2.5
            s=-
            t=0 0
            --boundary42
            Content-Type: application/pkcs7-signature

            \u{1}\u{2}binary\u{0}bytes
            --boundary42--

            """)
        let head = """
            MESSAGE sip:conf@bridge.example.org SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.5;branch=z9hG4bKmp17
            Max-Forwards: 70
            From: <sip:a@example.com>;tag=mp
            To: <sip:conf@bridge.example.org>
            Call-ID: mpart01.42
            CSeq: 1 MESSAGE
            MIME-Version: 1.0
            Content-Type: multipart/mixed;boundary=boundary42
            Content-Length: \(body.count)


            """
        let request = try #require(try parseDatagram(wire(head) + body).request)
        #expect(request.body == body)
        let type = try #require(try request.headers.contentType)
        #expect(type.type == "multipart" && type.subtype == "mixed" && type.parameters["boundary"] == "boundary42")
    }

    /// §3.1.1.12 (unreason) and §3.1.1.13 (noreason): any UTF-8 text is a reason phrase, and
    /// none at all is fine (with or without the space after the code).
    @Test func unusualAndEmptyReasonPhrases() throws {
        func response(_ statusLine: String) throws -> SIPResponse {
            try parseResponse("""
                \(statusLine)
                Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923
                Call-ID: unreason.1234ksdfak3j2erwedfsASdf
                CSeq: 35 INVITE
                From: sip:user@example.com;tag=11141343
                To: sip:user@example.edu;tag=2229
                Content-Length: 0


                """)
        }
        let unusual = try response("SIP/2.0 200 = 2**3 * 5**2 но сто девяносто девять - простое число ✓")
        #expect(unusual.statusCode == 200)
        #expect(unusual.reasonPhrase == "= 2**3 * 5**2 но сто девяносто девять - простое число ✓")
        #expect(try response("SIP/2.0 100 ").reasonPhrase == "")
        #expect(try response("SIP/2.0 180").reasonPhrase == "")
        #expect(try response("sip/2.0 486 Busy  Here ").reasonPhrase == "Busy  Here")
    }

    /// RFC 4475 §3.1.2.9 and §3.1.2.10 allow accepting several SP between Request-Line
    /// elements and SP at its end; this parser does (and writes single SPs).
    @Test func extraSpacesInTheRequestLineAreAccepted() throws {
        let text = """
            OPTIONS   sip:user@example.com    SIP/2.0\("  ")
            Max-Forwards: 70
            To: sip:user@example.com
            From: sip:caller@example.net;tag=3
            Call-ID: lwsstart.dfknq234oi243099adsdfnawe3@example.com
            CSeq: 1 OPTIONS
            Via: SIP/2.0/UDP host1.example.com;branch=z9hG4bKkdjuw
            Content-Length: 0


            """
        let request = try parseRequest(text)
        #expect(request.requestLine == "OPTIONS sip:user@example.com SIP/2.0")
    }

    /// RFC 3261 §7.5: CRLFs before the start line are ignored; bare LF line ends are
    /// accepted (not written).
    @Test func leadingCRLFsAndBareLineFeeds() throws {
        let text = "\r\n\r\nOPTIONS sip:a@example.com SIP/2.0\nVia: SIP/2.0/UDP h.example.com;branch=z9hG4bK1\nFrom: <sip:b@example.com>;tag=1\nTo: <sip:a@example.com>\nCall-ID: lf\nCSeq: 2 OPTIONS\n\nbody"
        let request = try #require(try parseDatagram(Array(text.utf8)).request)
        #expect(try request.headers.callID == "lf")
        #expect(request.body == Array("body".utf8))
    }

    /// The header section and body may hold any octets but CR/LF in the wrong place:
    /// Latin-1 in a display name (old phones) is repaired, not rejected.
    @Test func latin1InFreeTextIsRepaired() throws {
        var bytes = wire("""
            OPTIONS sip:a@example.com SIP/2.0
            Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1
            From: "M
            """)
        bytes.append(0xFC)  // ü in ISO 8859-1
        bytes += wire("""
            ller" <sip:m@example.com>;tag=1
            To: <sip:a@example.com>
            Call-ID: latin1
            CSeq: 2 OPTIONS
            Content-Length: 0


            """)
        let request = try #require(try parseDatagram(bytes).request)
        #expect(try request.headers.from?.displayName == "M\u{FFFD}ller")
    }
}

extension String {
    func replacingOccurrences(_ target: String, with replacement: String) -> String {
        var out = ""
        var rest = Substring(self)
        while let range = rest.range(of: target) {
            out += rest[..<range.lowerBound] + replacement
            rest = rest[range.upperBound...]
        }
        return out + rest
    }
}

extension Substring {
    /// A minimal substring search, so the tests need no Foundation.
    func range(of target: String) -> Range<Substring.Index>? {
        guard !target.isEmpty else { return nil }
        var i = startIndex
        while i < endIndex {
            if self[i...].hasPrefix(target) { return i..<index(i, offsetBy: target.count) }
            i = index(after: i)
        }
        return nil
    }
}
