import SIP
import Testing

/// Wire bytes from readable text: every "\n" becomes CRLF, so tests write messages line by
/// line (continuation lines keep their leading white space).
func wire(_ text: String) -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(text.utf8.count + 64)
    for b in text.utf8 {
        if b == 0x0A { out += [0x0D, 0x0A] } else { out.append(b) }
    }
    return out
}

func parseDatagram(_ bytes: [UInt8], limits: SIPLimits = .default) throws(SIPParseError) -> SIPMessage {
    try SIPParser(limits: limits).parse(datagram: bytes)
}

func parseDatagram(_ text: String, limits: SIPLimits = .default) throws(SIPParseError) -> SIPMessage {
    try parseDatagram(wire(text), limits: limits)
}

/// The error a datagram parse reports, nil if it parsed.
func parseFailure(_ bytes: [UInt8], limits: SIPLimits = .default) -> SIPParseError? {
    do {
        _ = try SIPParser(limits: limits).parse(datagram: bytes)
        return nil
    } catch {
        return error
    }
}

func parseFailure(_ text: String, limits: SIPLimits = .default) -> SIPParseError? {
    parseFailure(wire(text), limits: limits)
}

struct NotARequest: Error {}

func parseRequest(_ text: String) throws -> SIPRequest {
    guard let request = try parseDatagram(text).request else { throw NotARequest() }
    return request
}

func parseResponse(_ text: String) throws -> SIPResponse {
    guard let response = try parseDatagram(text).response else { throw NotARequest() }
    return response
}

/// SplitMix64: small, fast and the same on every platform, so seeded tests repeat exactly.
struct SeededGenerator: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Messages used by several suites.
enum Samples {
    /// An SDP offer as a conferencing endpoint sends it (CRLF line ends once through `wire`).
    static let sdp = """
        v=0
        o=alice 2890844526 2890844526 IN IP4 192.0.2.10
        s=-
        c=IN IP4 192.0.2.10
        t=0 0
        m=audio 49170 RTP/AVP 111 0 8 101
        a=rtpmap:111 opus/48000/2
        a=rtpmap:0 PCMU/8000
        a=rtpmap:8 PCMA/8000
        a=rtpmap:101 telephone-event/8000
        a=fmtp:101 0-16
        m=video 51372 RTP/AVP 96
        a=rtpmap:96 H264/90000
        a=fmtp:96 profile-level-id=42e01f;packetization-mode=1
        a=rtcp-fb:96 nack pli

        """

    static var invite: String {
        let body = wire(sdp)
        return """
            INVITE sip:meeting-42@bridge.example.org SIP/2.0
            Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport
            Max-Forwards: 70
            To: "Meeting 42" <sip:meeting-42@bridge.example.org>
            From: "Alice" <sip:alice@example.com>;tag=1928301774
            Call-ID: a84b4c76e66710@pc33.example.com
            CSeq: 314159 INVITE
            Contact: <sip:alice@192.0.2.10:5060;transport=udp>
            Supported: timer, replaces, 100rel
            Session-Expires: 1800;refresher=uac
            Min-SE: 90
            Allow: INVITE, ACK, CANCEL, BYE, OPTIONS, UPDATE, INFO
            User-Agent: TestPhone/1.0 (lab)
            Content-Type: application/sdp
            Content-Length: \(body.count)

            \(sdp)
            """
    }

    static let okResponse = """
        SIP/2.0 200 OK
        Via: SIP/2.0/UDP proxy.example.net;branch=z9hG4bK2d4790.1;received=192.0.2.3
        Via: SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport=5060;received=192.0.2.10
        Record-Route: <sip:proxy.example.net;lr>
        To: "Meeting 42" <sip:meeting-42@bridge.example.org>;tag=a6c85cf
        From: "Alice" <sip:alice@example.com>;tag=1928301774
        Call-ID: a84b4c76e66710@pc33.example.com
        CSeq: 314159 INVITE
        Contact: <sip:meeting-42@198.51.100.20:5060>
        Server: callbridge/0.1
        Content-Length: 0


        """

    static let register = """
        REGISTER sip:registrar.example.com SIP/2.0
        Via: SIP/2.0/TCP 192.0.2.77:5060;branch=z9hG4bKnashds7
        Max-Forwards: 70
        To: Bob <sip:bob@example.com>
        From: Bob <sip:bob@example.com>;tag=456248
        Call-ID: 843817637684230@998sdasdh09
        CSeq: 1826 REGISTER
        Contact: <sip:bob@192.0.2.77>;expires=7200;q=0.7, <sip:bob@[2001:db8::7]:5070>;q=1
        Expires: 3600
        Content-Length: 0


        """
}
