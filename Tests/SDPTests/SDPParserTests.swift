import SDP
import SRTP
import Testing

/// Parsing and serializing RFC 8866 bodies: the model, line endings, tolerance, round trips.
@Suite("SDP parser")
struct SDPParserTests {
    /// RFC 8866 §5's example, with its u=, e= and r= lines (not modelled, dropped).
    static let rfc8866Example = sdp(
        "v=0",
        "o=jdoe 3724394400 3724394405 IN IP4 198.51.100.1",
        "s=Call to John Smith",
        "i=SDP Offer #1",
        "u=http://www.jdoe.example.com/home.html",
        "e=Jane Doe <jane@jdoe.example.com>",
        "p=+1 617 555-6011",
        "c=IN IP4 198.51.100.1",
        "t=0 0",
        "m=audio 49170 RTP/AVP 0",
        "m=audio 49180 RTP/AVP 0",
        "m=video 51372 RTP/AVP 99",
        "c=IN IP6 2001:db8::2",
        "a=rtpmap:99 h263-1998/90000")

    @Test func rfc8866Section5Example() throws {
        let description = try SessionDescription(parsing: Self.rfc8866Example)
        #expect(description.origin == SDPOrigin(username: "jdoe", sessionID: "3724394400", sessionVersion: 3_724_394_405,
                                                networkType: "IN", addressType: "IP4", address: "198.51.100.1"))
        #expect(description.sessionName == "Call to John Smith")
        #expect(description.information == "SDP Offer #1")
        #expect(description.connection == SDPConnection(networkType: "IN", addressType: "IP4", address: "198.51.100.1"))
        #expect(description.timings == [.permanent])
        #expect(description.media.count == 3)
        #expect(description.media.map(\.mediaType) == ["audio", "audio", "video"])
        #expect(description.media.map(\.port) == [49170, 49180, 51372])
        #expect(description.media[2].connection == SDPConnection(addressType: "IP6", address: "2001:db8::2"))
        #expect(description.media[2].rtpMap(for: 99) == SDPRTPMap(payloadType: 99, encodingName: "h263-1998", clockRate: 90_000))
        #expect(description.connection(of: description.media[0])?.host == "198.51.100.1")
        #expect(description.connection(of: description.media[2])?.host == "2001:db8::2")
        // u=, e=, p= are not modelled: the canonical form leaves them out.
        #expect(!description.serialized().contains("u="))
        #expect(try SessionDescription(parsing: description.serialized()) == description)
    }

    @Test func lfAndCRLFAndTrailingWhitespaceParseTheSame() throws {
        let crlf = try SessionDescription(parsing: RealWorldOffers.baresipPlain)
        let lf = try SessionDescription(parsing: RealWorldOffers.baresipPlain.replacing("\r\n", with: "\n"))
        let padded = try SessionDescription(parsing: RealWorldOffers.baresipPlain.replacing("\r\n", with: " \t \r\n"))
        let noFinalNewline = try SessionDescription(parsing: String(RealWorldOffers.baresipPlain.dropLast()))   // "\r\n" is one Character
        let blankLines = try SessionDescription(parsing: RealWorldOffers.baresipPlain + "\r\n\r\n")
        #expect(lf == crlf)
        #expect(padded == crlf)
        #expect(noFinalNewline == crlf)
        #expect(blankLines == crlf)
    }

    @Test func serializesWithCRLFInCanonicalOrder() throws {
        // Session a= before t= and c= after b=, media a= before c=: written back in RFC order.
        let scrambled = sdp(
            "v=0",
            "o=- 1 2 IN IP4 192.0.2.1",
            "s=-",
            "a=group:BUNDLE 0",
            "b=AS:100",
            "t=0 0",
            "c=IN IP4 192.0.2.1",
            "m=audio 5004 RTP/AVP 0",
            "a=sendrecv",
            "b=TIAS:64000",
            "c=IN IP4 192.0.2.2",
            "i=voice")
        let description = try SessionDescription(parsing: scrambled)
        #expect(description.serialized() == sdp(
            "v=0",
            "o=- 1 2 IN IP4 192.0.2.1",
            "s=-",
            "c=IN IP4 192.0.2.1",
            "b=AS:100",
            "t=0 0",
            "a=group:BUNDLE 0",
            "m=audio 5004 RTP/AVP 0",
            "i=voice",
            "c=IN IP4 192.0.2.2",
            "b=TIAS:64000",
            "a=sendrecv"))
    }

    static let realWorld = ["baresip": RealWorldOffers.baresipPlain, "baresip SRTP": RealWorldOffers.baresipSRTP,
                            "linphone": RealWorldOffers.linphone, "room system": RealWorldOffers.roomSystem]

    @Test(arguments: ["baresip", "baresip SRTP", "linphone", "room system"])
    func realWorldOffersRoundTripByteForByte(name: String) throws {
        let text = try #require(Self.realWorld[name])
        let description = try SessionDescription(parsing: text)
        // These are already canonical, so the text comes back unchanged.
        #expect(description.serialized() == text)
        #expect(try SessionDescription(parsing: description.bytes) == description)
    }

    @Test func unknownLinesAndAttributesAreIgnoredOrKept() throws {
        let text = sdp(
            "v=0",
            "o=- 1 1 IN IP4 192.0.2.1",
            "s=-",
            "x=an unknown line type",
            "Z=upper case type",
            "c=IN IP4 192.0.2.1",
            "t=0 0",
            "r=7d 1h 0 25h",
            "z=2882844526 -1h",
            "k=prompt",
            "a=x-unknown-property",
            "a=x-unknown:value with spaces",
            "m=audio 5004 RTP/AVP 0",
            "k=clear:secret",
            "a=x-vendor:1")
        let description = try SessionDescription(parsing: text)
        #expect(description.attributes == [SDPAttribute("x-unknown-property"), SDPAttribute("x-unknown", "value with spaces")])
        #expect(description.media[0].attributes == [SDPAttribute("x-vendor", "1")])
        #expect(description.timings == [.permanent])
    }

    @Test func mediaLineFields() throws {
        let text = sdp(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=video 49170/2 RTP/AVP 31 32",
            "m=application 5070 TCP/BFCP *",
            "m=audio 0 RTP/SAVPF 111",
            "m=video 9 UDP/TLS/RTP/SAVPF 96",
            "m=image 6000 udptl t38")
        let media = try SessionDescription(parsing: text).media
        #expect(media[0].portCount == 2)
        #expect(media[0].payloadTypes == [31, 32])
        #expect(media[0].mediaLine == "video 49170/2 RTP/AVP 31 32")
        #expect(media[1].formats == ["*"])
        #expect(!media[1].isRTP)
        #expect(media[1].kind == nil)
        #expect(media[2].port == 0 && media[2].isSecureProfile && media[2].isFeedbackProfile)
        #expect(media[3].isRTP && !media[3].isSecureProfile)
        #expect(media[4].formats == ["t38"])
    }

    @Test func sizeLimitsAreInclusive() throws {
        let header = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0")
        let sixtyFour = header + String(repeating: "m=audio 5004 RTP/AVP 0\r\n", count: 64)
        #expect(try SessionDescription(parsing: sixtyFour).media.count == 64)
        let padding = SDPParser.maximumBodySize - header.utf8.count - "a=x:\r\n".utf8.count
        let exactlyMax = header + "a=x:" + String(repeating: "y", count: padding) + "\r\n"
        #expect(exactlyMax.utf8.count == SDPParser.maximumBodySize)
        #expect(try SessionDescription(parsing: exactlyMax).attributes.count == 1)
    }

    @Test func builtDescriptionSerializes() {
        let description = SessionDescription(
            origin: SDPOrigin(username: "callbridge", sessionID: "7", sessionVersion: 2, address: "2001:db8::1"),
            sessionName: "callbridge", connection: SDPConnection(address: "2001:db8::1"),
            media: [MediaDescription(mediaType: "audio", port: 40_000, transportProtocol: "RTP/AVP", formats: ["0"],
                                     attributes: [SDPAttribute("rtpmap", "0 PCMU/8000"), SDPAttribute("rtcp-mux")])])
        #expect(description.serialized() == sdp(
            "v=0",
            "o=callbridge 7 2 IN IP6 2001:db8::1",
            "s=callbridge",
            "c=IN IP6 2001:db8::1",
            "t=0 0",
            "m=audio 40000 RTP/AVP 0",
            "a=rtpmap:0 PCMU/8000",
            "a=rtcp-mux"))
    }
}
