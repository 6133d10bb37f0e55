import SIP
import Testing

/// RFC 4475 §3.2 (transaction layer), §3.3 (application layer) and §3.4 (backward
/// compatibility): messages that parse, where what to do is a higher layer's decision, and
/// the few that are parse errors here.
@Suite("RFC 4475 §3.2–3.4 semantics")
struct RFC4475SemanticsTests {
    /// §3.2.1 (badbranch): a branch without the magic cookie is valid; RFC 2543 matching
    /// applies to it (RFC 3261 §17.2.3).
    @Test func branchWithoutMagicCookie() throws {
        let text = RFC4475InvalidMessageTests.variant("Via:", "Via: SIP/2.0/UDP 192.0.2.15;branch=z9hG4bK-no-wait-old;rport")
        let via = try #require(try parseRequest(text).headers.topVia)
        #expect(via.hasMagicCookie)
        let old = try #require(try parseRequest(RFC4475InvalidMessageTests.variant("Via:", "Via: SIP/2.0/UDP 192.0.2.15;branch=1o2u3f8d"))
            .headers.topVia)
        #expect(!old.hasMagicCookie && old.branch == "1o2u3f8d")
        let cookieCase = try #require(try parseRequest(RFC4475InvalidMessageTests.variant("Via:", "Via: SIP/2.0/UDP 192.0.2.15;branch=Z9HG4BK1"))
            .headers.topVia)
        #expect(!cookieCase.hasMagicCookie, "the cookie is compared exactly")
    }

    /// §3.3.1 (insuf): several required headers missing: the first in the reporting order.
    @Test func missingRequiredHeaderFields() throws {
        var text = RFC4475InvalidMessageTests.base
        for name in ["Call-ID:", "From:", "To:"] { text = RFC4475InvalidMessageTests.variant(name, nil, in: text) }
        let error = try #require(parseFailure(text))
        #expect(error.kind == .missingHeader(.from) && error.suggestedStatus == 400 && error.canRespond)
    }

    /// §3.3.2 (unkscm), §3.3.3 (novelsc): unknown and atypical schemes in the Request-URI
    /// parse; answering 416 is the UAS's business.
    @Test func requestURIWithUnknownOrAtypicalScheme() throws {
        for (uri, scheme) in [("nobodyelse:sip-is-just-one-of-many", "nobodyelse"), ("soap.beep://192.0.2.103:3002", "soap.beep"),
                              ("tel:+1-201-555-0123;phone-context=example.com", "tel"), ("urn:service:sos", "urn")] {
            let request = try parseRequest(RFC4475InvalidMessageTests.variant("INVITE", "INVITE \(uri) SIP/2.0"))
            #expect(request.uri == .absolute(uri))
            #expect(request.uri.scheme == scheme && request.uri.sipURI == nil)
            #expect(request.requestLine == "INVITE \(uri) SIP/2.0")
        }
    }

    /// §3.3.4 (unksm2): unknown schemes in To, From and Contact.
    @Test func unknownSchemesInHeaderFields() throws {
        var text = RFC4475InvalidMessageTests.variant("To:", "To: isbn:2983792873")
        text = RFC4475InvalidMessageTests.variant("From:", "From: <http://www.example.com>;tag=3234233", in: text)
        text = RFC4475InvalidMessageTests.variant("Contact:", "Contact: <name:John_Smith>, <sip:js@192.0.2.7>", in: text)
        let h = try parseRequest(text).headers
        #expect(try h.to?.uri == .absolute("isbn:2983792873"))
        #expect(try h.from?.uri.scheme == "http" && h.from?.tag == "3234233")
        #expect(try h.contacts.map(\.uri.scheme) == ["name", "sip"])
    }

    /// §3.3.5 (bext01): Require and Proxy-Require with unknown option tags (a UAS answers 420).
    @Test func requireAndProxyRequire() throws {
        var text = RFC4475InvalidMessageTests.variant("Contact:", "Require: nothingSupportsThis, nothingSupportsThisEither")
        text = RFC4475InvalidMessageTests.variant("Max-Forwards:", "Max-Forwards: 70\nProxy-Require: noProxiesSupportThis, , timer", in: text)
        let h = try parseRequest(text).headers
        #expect(try h.require == ["nothingSupportsThis", "nothingSupportsThisEither"])
        #expect(try h.proxyRequire == ["noProxiesSupportThis", "timer"])
        let bad = try parseRequest(RFC4475InvalidMessageTests.variant("Contact:", "Supported: timer, <bad>")).headers
        #expect(throws: SIPParseError(.malformedHeader(.supported))) { try bad.supported }
    }

    /// §3.3.6 (invut): an unknown Content-Type parses (a UAS answers 415).
    @Test func unknownContentType() throws {
        let text = RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Type: application/unknownformat\nContent-Length: 4") + "<o/>"
        let request = try parseRequest(text)
        #expect(try request.headers.contentType == SIPMediaType(type: "application", subtype: "unknownformat"))
        #expect(request.body == Array("<o/>".utf8))
        let bad = RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Type: application\nContent-Length: 0")
        #expect(parseFailure(bad)?.kind == .malformedHeader(.contentType))
    }

    /// §3.3.7 (regaut01): Authorization is not a list: its commas stay in one value.
    @Test func unknownAuthorizationScheme() throws {
        let credentials = #"NoOneKnowsThisScheme opaque-data=here, realm="a, b""#
        let h = try parseRequest(RFC4475InvalidMessageTests.variant("Contact:", "Authorization: \(credentials)")).headers
        #expect(h.values(for: .authorization) == [credentials])
        #expect(h.values(for: .wwwAuthenticate).isEmpty)
    }

    /// §3.3.8 (multi01): headers that may appear once, appearing twice.
    @Test func multipleValuesInSingleValueFields() {
        let cases: [(String, String, SIPHeaderName)] = [
            ("Call-ID:", "Call-ID: one@example.net\nCall-ID: two@example.net", .callID),
            ("To:", "To: <sip:a@example.com>\nt: <sip:b@example.com>", .to),
            ("From:", "From: <sip:a@example.com>;tag=1\nFrom: <sip:b@example.com>;tag=2", .from),
            ("CSeq:", "CSeq: 1 INVITE\nCSeq: 2 INVITE", .cseq),
            ("Max-Forwards:", "Max-Forwards: 70\nMax-Forwards: 69", .maxForwards),
            ("Content-Length:", "Content-Type: application/sdp\nc: text/plain\nContent-Length: 0", .contentType),
        ]
        for (line, replacement, name) in cases {
            let error = parseFailure(RFC4475InvalidMessageTests.variant(line, replacement))
            #expect(error?.kind == .duplicateHeader(name), "\(name)")
            #expect(error?.reason == "Bad Request (multiple \(name.canonicalName) values)")
        }
        // A list in a single-valued header is malformed.
        #expect(parseFailure(RFC4475InvalidMessageTests.variant("To:", "To: <sip:a@example.com>, <sip:b@example.com>"))?.kind
            == .malformedHeader(.to))
    }

    /// §3.3.9 (mcl01): different Content-Length values are an error; the same value twice is
    /// harmless and accepted.
    @Test func multipleContentLengthValues() throws {
        let conflicting = RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Length: 0\nContent-Length: 2\nl: 3") + "abc"
        #expect(parseFailure(conflicting)?.kind == .invalidContentLength)
        let same = RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Length: 3\nl: 3") + "abc"
        #expect(try parseRequest(same).body == Array("abc".utf8))
    }

    /// §3.3.10 (bcast): a 200 whose Via has a broadcast `received`: valid syntax.
    @Test func responseWithBroadcastVia() throws {
        let text = RFC4475InvalidMessageTests.variant(
            "Via: SIP/2.0/UDP proxy", "Via: SIP/2.0/UDP 192.0.2.198;branch=z9hG4bK1324923;received=255.255.255.255", in: Samples.okResponse)
        let via = try #require(try parseResponse(text).headers.topVia)
        #expect(via.received == "255.255.255.255")
    }

    /// §3.3.11 (zeromf): Max-Forwards 0 parses (a UAS answers OPTIONS; a proxy sends 483).
    @Test func maxForwardsZero() throws {
        #expect(try parseRequest(RFC4475InvalidMessageTests.variant("Max-Forwards:", "Max-Forwards: 0")).headers.maxForwards == 0)
    }

    /// §3.3.12 (cparam01), §3.3.13 (cparam02): Contact header parameters versus URI
    /// parameters, by whether the URI is in angle brackets.
    @Test func contactHeaderAndURIParameters() throws {
        let text = RFC4475InvalidMessageTests.variant(
            "Contact:", #"Contact: sip:+19725552222@gw1.example.net;unknownparam;expires=60, <sip:+1@gw2.example.net;unknownparam>;q=0.5;expires=0, "Quoted, name" <sip:q@gw3.example.net>"#)
        let contacts = try parseRequest(text).headers.contacts
        #expect(contacts.count == 3)
        #expect(contacts[0].uri.sipURI?.parameters.isEmpty == true)
        #expect(contacts[0].parameters.contains("unknownparam") && contacts[0].expires == 60)
        #expect(contacts[1].uri.sipURI?.parameters.contains("unknownparam") == true)
        #expect(contacts[1].qValue == 500 && contacts[1].expires == 0)
        #expect(contacts[2].displayName == "Quoted, name")
    }

    /// §3.3.14 (regescrt): an escaped header in a Contact URI, inside angle brackets.
    @Test func escapedHeadersInContactURI() throws {
        let text = RFC4475InvalidMessageTests.variant("Contact:", "Contact: <sip:user@host.example.com?Route=%3Csip:sip.example.com%3E>")
        let uri = try #require(try parseRequest(text).headers.contacts.first?.uri.sipURI)
        #expect(uri.headers == [SIPURI.Header(name: "Route", value: "<sip:sip.example.com>")])
        #expect(uri.description == "sip:user@host.example.com?Route=%3Csip:sip.example.com%3E")
    }

    /// RFC 3261 §10.2.2: `Contact: *` (with Expires: 0) removes all bindings; a `*` next to
    /// an address is malformed.
    @Test func wildcardContact() throws {
        var text = RFC4475InvalidMessageTests.variant("INVITE", "REGISTER sip:example.com SIP/2.0")
        text = RFC4475InvalidMessageTests.variant("CSeq:", "CSeq: 2 REGISTER", in: text)
        let wildcard = try parseRequest(RFC4475InvalidMessageTests.variant("Contact:", "Contact:  * \nExpires: 0", in: text))
        #expect(wildcard.headers.isContactWildcard)
        #expect(try wildcard.headers.contacts.isEmpty && wildcard.headers.expires == 0)
        #expect(parseFailure(RFC4475InvalidMessageTests.variant("Contact:", "Contact: *, <sip:a@example.com>", in: text))?.kind
            == .malformedHeader(.contact))
    }

    /// §3.4.1 (inv2543): RFC 2543 syntax: no branch, no Max-Forwards, no To tag, an
    /// addr-spec To whose `;user=phone` is a header parameter, no Content-Length over UDP.
    @Test func rfc2543Syntax() throws {
        let sdp = wire("v=0\no=mhandley 29739 7272939 IN IP4 192.0.2.5\ns=-\nc=IN IP4 192.0.2.5\nt=0 0\nm=audio 49217 RTP/AVP 0\n")
        let head = """
            INVITE sip:UserB@example.com SIP/2.0
            Via: SIP/2.0/UDP iftgw.example.com
            From: <sip:+13035551111@ift.client.example.net;user=phone>
            Record-Route: <sip:UserB@example.com;maddr=ss1.example.com>
            To: sip:+16505552222@ss1.example.net;user=phone
            Call-ID: inv2543.1717@ift.client.example.com
            CSeq: 56 INVITE
            Content-Type: application/sdp


            """
        let request = try #require(try parseDatagram(wire(head) + sdp).request)
        let h = request.headers
        let via = try #require(try h.topVia)
        #expect(via.branch == nil && !via.hasMagicCookie && via.effectivePort == 5060)
        #expect(try h.maxForwards == nil)
        #expect(try h.from?.uri.sipURI?.userParameter == "phone")
        let to = try #require(try h.to)
        #expect(to.tag == nil && to.parameters["user"] == "phone" && to.uri.sipURI?.parameters.isEmpty == true)
        #expect(try h.recordRoute.first?.uri.sipURI?.maddr == "ss1.example.com")
        #expect(request.body == sdp)
    }
}
