import SDP
import SRTP
import Testing

/// The typed views over a=lines: each parses what RFCs and peers write and skips the rest.
@Suite("SDP attributes")
struct SDPAttributeTests {
    static func section(_ attributes: String...) throws -> MediaDescription {
        let text = sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=video 5004 RTP/AVPF 96 97 0"] + attributes)
        return try #require(try SessionDescription(parsing: text).media.first)
    }

    @Test func rtpmap() throws {
        let media = try Self.section("a=rtpmap:96 H264/90000", "a=rtpmap:97 opus/48000/2", "a=rtpmap:98 bad",
                                     "a=rtpmap:200 X/1", "a=rtpmap:99 X/0")
        #expect(media.rtpMaps == [SDPRTPMap(payloadType: 96, encodingName: "H264", clockRate: 90_000),
                                  SDPRTPMap(payloadType: 97, encodingName: "opus", clockRate: 48_000, encodingParameters: 2)])
        #expect(media.rtpMap(for: 97)?.channels == 2)
        #expect(media.rtpMap(for: 0) == SDPRTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000))   // static
        #expect(media.rtpMap(for: 8)?.encodingName == "PCMA")
        #expect(media.rtpMap(for: 98) == nil)
        #expect(SDPRTPMap(value: "97 opus/48000/2")?.value == "97 opus/48000/2")
        #expect(SDPRTPMap(value: "96 h264/90000")?.isEncoding("H264", clockRate: 90_000) == true)
    }

    @Test func fmtp() throws {
        let media = try Self.section("a=fmtp:96 profile-level-id=42e01f; packetization-mode=1 ;sprop-parameter-sets=Z0IAH5Y=,aM4G4g==",
                                     "a=fmtp:101 0-15,16")
        let h264 = try #require(media.formatParameters(for: 96))
        #expect(h264["profile-level-id"] == "42e01f")
        #expect(h264["PACKETIZATION-MODE"] == "1")
        #expect(h264.integer("packetization-mode") == 1)
        #expect(h264["sprop-parameter-sets"] == "Z0IAH5Y=,aM4G4g==")   // first '=' splits
        #expect(h264["max-fs"] == nil)
        let events = try #require(media.formatParameters(for: 101))
        #expect(events.parameters == [.init("0-15,16")])
        #expect(events.value == "101 0-15,16")
        #expect(SDPFormatParameters(format: "111", parameters: [.init("useinbandfec", "1"), .init("stereo", "0")]).value
                == "111 useinbandfec=1;stereo=0")
    }

    @Test func rtcpFeedback() throws {
        let media = try Self.section("a=rtcp-fb:96 nack", "a=rtcp-fb:96 nack pli", "a=rtcp-fb:* ccm fir",
                                     "a=rtcp-fb:97 ccm tmmbr smaxpr=120", "a=rtcp-fb:96")
        #expect(media.rtcpFeedback.count == 4)
        #expect(media.rtcpFeedback(for: 96).compactMap(\.knownMessage) == [.nack, .pli, .fir])
        #expect(media.rtcpFeedback(for: 97).map(\.value) == ["* ccm fir", "97 ccm tmmbr smaxpr=120"])
        #expect(SDPRTCPFeedbackSet.all.attributes(payloadType: 96).map(\.text)
                == ["rtcp-fb:96 nack", "rtcp-fb:96 nack pli", "rtcp-fb:96 ccm fir"])
    }

    @Test func rtcpMuxAndRtcpPort() throws {
        let media = try Self.section("a=rtcp-mux", "a=rtcp:53020 IN IP4 126.16.64.4")
        #expect(media.rtcpMux)
        #expect(media.rtcp == SDPRTCPAttribute(port: 53020, connection: SDPConnection(address: "126.16.64.4")))
        #expect(try Self.section("a=rtcp:53020").rtcp == SDPRTCPAttribute(port: 53020))
        #expect(try Self.section("a=rtcp:70000").rtcp == nil)
        #expect(try !Self.section().rtcpMux)
    }

    @Test func directionSessionDefaultOverriddenPerMedia() throws {
        let text = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0", "a=sendonly",
                       "m=audio 5004 RTP/AVP 0",
                       "m=video 5006 RTP/AVP 96", "a=inactive",
                       "m=video 5008 RTP/AVP 96", "a=RECVONLY")
        let description = try SessionDescription(parsing: text)
        #expect(description.direction == .sendonly)
        #expect(description.media.map { description.direction(of: $0) } == [.sendonly, .inactive, .recvonly])
        let none = try SessionDescription(parsing: sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1",
                                                       "t=0 0", "m=audio 5004 RTP/AVP 0"))
        #expect(none.direction(of: none.media[0]) == .sendrecv)
        #expect(SDPMediaDirection.sendonly.reversed == .recvonly)
        #expect(SDPMediaDirection.inactive.reversed == .inactive)
        #expect(SDPMediaDirection.sendrecv.intersection(.sendonly) == .sendonly)
    }

    @Test func cryptoUsesTheSRTPParserAndSkipsUnknownSuites() throws {
        let media = try Self.section(
            "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:\(TestKeys.peerAES)",
            "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)|2^20|1:4",
            "a=crypto:3 AES_CM_128_HMAC_SHA1_32 inline:\(TestKeys.peerAES2)",
            "a=crypto:garbage")
        let crypto = media.cryptoAttributes
        #expect(crypto.map(\.tag) == [2, 3])
        #expect(crypto[0].mki != nil)
        #expect(crypto[1].suite == .aesCM128HMACSHA1_32)
        #expect(crypto[1].keyingMaterial == TestKeys.material(.aesCM128HMACSHA1_32, base64: TestKeys.peerAES2))
    }

    @Test func packetTimeMidContentExtmapSSRCCandidates() throws {
        let media = try Self.section(
            "a=ptime:20", "a=maxptime:40.0", "a=mid:video0", "a=content:slides",
            "a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level",
            "a=extmap:2/sendonly urn:ietf:params:rtp-hdrext:toffset ext-attr",
            "a=extmap:x bad",
            "a=ssrc:3285906451 cname:user@example.com",
            "a=ssrc:3285906451 label",
            "a=ssrc:notanumber cname:x",
            "a=candidate:1 1 UDP 2130706431 192.0.2.1 5004 typ host",
            "b=AS:512")
        #expect(media.packetTime == 20)
        #expect(media.maximumPacketTime == 40)
        #expect(media.mid == "video0")
        #expect(media.content == "slides")
        #expect(media.extensionMaps == [
            SDPExtensionMap(id: 1, uri: "urn:ietf:params:rtp-hdrext:ssrc-audio-level"),
            SDPExtensionMap(id: 2, direction: .sendonly, uri: "urn:ietf:params:rtp-hdrext:toffset", extensionAttributes: "ext-attr"),
        ])
        #expect(media.extensionMaps[1].value == "2/sendonly urn:ietf:params:rtp-hdrext:toffset ext-attr")
        #expect(media.sources == [SDPSourceAttribute(ssrc: 3_285_906_451, name: "cname", value: "user@example.com"),
                                  SDPSourceAttribute(ssrc: 3_285_906_451, name: "label")])
        #expect(media.sources[0].attribute.text == "ssrc:3285906451 cname:user@example.com")
        #expect(media.candidates == ["1 1 UDP 2130706431 192.0.2.1 5004 typ host"])
        // b= under the m= line belongs to the section, not an attribute.
        #expect(media.maximumBitrate == 512_000)
    }

    @Test func attributeNamesCompareCaseInsensitively() {
        #expect(SDPAttribute("RTPMAP", "0 PCMU/8000").hasName("rtpmap"))
        #expect(!SDPAttribute("rtpmapx").hasName("rtpmap"))
        #expect(SDPRTPMap(SDPAttribute("RtpMap", "0 PCMU/8000"))?.encodingName == "PCMU")
    }
}
