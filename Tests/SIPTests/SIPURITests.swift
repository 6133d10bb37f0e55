import SIP
import Testing

@Suite("SIPURI")
struct SIPURITests {
    @Test func componentsOfAFullURI() throws {
        let uri = try #require(SIPURI("sips:alice:secret@Atlanta.Example.com:5061;transport=tcp;lr;maddr=239.255.255.1;user=phone;ttl=15?subject=project%20x&priority=urgent"))
        #expect(uri.scheme == .sips)
        #expect(uri.user == "alice" && uri.password == "secret")
        #expect(uri.host == .name("Atlanta.Example.com") && uri.port == 5061)
        #expect(uri.transport == "tcp" && uri.isLooseRouter && uri.maddr == "239.255.255.1" && uri.userParameter == "phone")
        #expect(uri.parameters["ttl"] == "15")
        #expect(uri.headers == [SIPURI.Header(name: "subject", value: "project x"), SIPURI.Header(name: "priority", value: "urgent")])
        #expect(uri.description == "sips:alice:secret@Atlanta.Example.com:5061;transport=tcp;lr;maddr=239.255.255.1;user=phone;ttl=15?subject=project%20x&priority=urgent")
    }

    @Test func hosts() throws {
        #expect(SIPURI("sip:example.com")?.host == .name("example.com"))
        #expect(SIPURI("sip:example.com.")?.host == .name("example.com."))
        #expect(SIPURI("sip:_sip._udp.example.com")?.host == .name("_sip._udp.example.com"))
        #expect(SIPURI("sip:u@192.0.2.1:5060")?.host == .ipv4("192.0.2.1"))
        #expect(SIPURI("sip:u@[2001:db8::1]:5070")?.host == .ipv6("2001:db8::1"))
        #expect(SIPURI("sip:u@[2001:db8::1]:5070")?.port == 5070)
        #expect(SIPURI("sip:[::ffff:192.0.2.1]")?.host == .ipv6("::ffff:192.0.2.1"))
        #expect(SIPURI("sip:u@[2001:db8::1]")?.description == "sip:u@[2001:db8::1]")
        for bad in ["sip:u@", "sip:", "sip:u@[2001:db8::1", "sip:u@2001:db8::1", "sip:u@[::1::2]", "sip:u@[12345::]",
                    "sip:u@256.1.1.1", "sip:u@1.2.3", "sip:u@exa mple.com", "sip:u@.example.com", "sip:u@host:", "sip:u@host:65536",
                    "sip:u@host:5o60", "sip:@host", "sip:u@host;", "sip:u@host;=x", "sip:u@host;a=", "sip:u@host?", "sip:u@host?a",
                    "sip:u@host?=b", "sip:u%4@host", "sip:u%@host", "sip:u@v@host", "sip:u ser@host", "sip:u\"@host", "sips//host"] {
            #expect(SIPURI(bad) == nil, "\(bad)")
        }
    }

    @Test func ipv6Equivalence() throws {
        let a = try #require(SIPURI("sip:u@[2001:db8::1]"))
        let b = try #require(SIPURI("sip:u@[2001:DB8:0:0:0:0:0:1]"))
        #expect(a.isEquivalent(to: b))
        #expect(SIPHost.ipv6("::ffff:192.0.2.1").isEquivalent(to: .ipv6("::FFFF:c000:201")))
        #expect(!SIPHost.ipv4("192.0.2.1").isEquivalent(to: .name("localhost")))
    }

    @Test func escapingRoundTrips() throws {
        let uri = SIPURI(user: "a b:c@d;e%", password: "p@ss:w", host: .name("example.com"),
                         parameters: SIPParameters([.init(name: "x y", value: "1;2=3")]),
                         headers: [SIPURI.Header(name: "Subject", value: "a&b=c?")])
        let text = uri.description
        #expect(text == "sip:a%20b%3Ac%40d;e%25:p%40ss%3Aw@example.com;x%20y=1%3B2%3D3?Subject=a%26b%3Dc?")
        #expect(SIPURI(text) == uri)
    }

    @Test func telAndOtherSchemesStayOpaque() throws {
        let tel = try #require(SIPAnyURI("tel:+1-201-555-0123;ext=42"))
        #expect(tel == .absolute("tel:+1-201-555-0123;ext=42") && tel.scheme == "tel" && tel.sipURI == nil)
        #expect(SIPAnyURI("TEL:+1")?.scheme == "tel")
        #expect(SIPAnyURI("sip:alice@example.com")?.sipURI?.user == "alice")
        #expect(SIPAnyURI("SIP:alice@example.com")?.sipURI?.scheme == .sip)
        for bad in ["", "tel:", ":x", "1tel:123", "tel:1 2", "tel:<1>", "sip:bad host", "t el:1"] {
            #expect(SIPAnyURI(bad) == nil, "\(bad)")
        }
        #expect(tel.isEquivalent(to: .absolute("TEL:+1-201-555-0123;ext=42")))
        #expect(!tel.isEquivalent(to: .absolute("tel:+1-201-555-0124;ext=42")))
    }

    /// RFC 3261 §19.1.4, with the RFC's own examples of equivalent and different URIs.
    @Test func comparisonRulesOfRFC3261Section19_1_4() throws {
        func uri(_ s: String) -> SIPURI { SIPURI(s)! }
        let equivalent: [(String, String)] = [
            ("sip:%61lice@atlanta.com;transport=TCP", "sip:alice@AtLanTa.CoM;Transport=tcp"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com;newparam=5"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com;security=on"),
            ("sip:carol@chicago.com;newparam=5", "sip:carol@chicago.com;security=on"),
            ("sip:biloxi.com;transport=tcp;method=REGISTER?to=sip:bob%40biloxi.com",
             "sip:biloxi.com;method=REGISTER;transport=tcp?to=sip:bob%40biloxi.com"),
            ("sip:alice@atlanta.com?subject=project%20x&priority=urgent",
             "sip:alice@atlanta.com?priority=urgent&subject=project%20x"),
            ("sip:bob@biloxi.com;lr", "sip:bob@biloxi.com"),
        ]
        for (a, b) in equivalent {
            #expect(uri(a).isEquivalent(to: uri(b)), "\(a) ≡ \(b)")
            #expect(uri(b).isEquivalent(to: uri(a)), "\(b) ≡ \(a)")
        }
        let different: [(String, String)] = [
            ("SIP:ALICE@AtLanTa.CoM;Transport=udp", "sip:alice@AtLanTa.CoM;Transport=UDP"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:5060"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com;transport=udp"),
            ("sip:bob@biloxi.com", "sip:bob@biloxi.com:6000;transport=tcp"),
            ("sip:carol@chicago.com", "sip:carol@chicago.com?Subject=next%20meeting"),
            ("sip:bob@phone21.boxesbybob.com", "sip:bob@192.0.2.4"),
            ("sip:bob@biloxi.com", "sips:bob@biloxi.com"),
            ("sip:bob:pw@biloxi.com", "sip:bob@biloxi.com"),
            ("sip:bob@biloxi.com;maddr=1.2.3.4", "sip:bob@biloxi.com"),
            ("sip:bob@biloxi.com;x=1", "sip:bob@biloxi.com;x=2"),
        ]
        for (a, b) in different {
            #expect(!uri(a).isEquivalent(to: uri(b)), "\(a) ≢ \(b)")
            #expect(!uri(b).isEquivalent(to: uri(a)), "\(b) ≢ \(a)")
        }
    }
}
