import SDP
import SRTP
import Testing

/// Answers to offers as real clients send them, checked field by field.
@Suite("SDP answers to real-world offers")
struct SDPAnswerTests {
    static func answer(_ text: String, local: SDPLocalCapabilities = .bridge()) throws -> SDPAnswer {
        try SDPNegotiator.answer(offer: SessionDescription(parsing: text), local: local, origin: TestOrigins.bridge)
    }

    @Test func baresipPlain() throws {
        let result = try Self.answer(RealWorldOffers.baresipPlain)
        // Opus by our preference; telephone-event only at 8000 Hz in the offer, so none at
        // Opus's 48000; H.264 mode 1 (PT 97) although mode 0 (PT 96) comes first.
        #expect(result.description.serialized() == sdp(
            "v=0",
            "o=callbridge 4242 1 IN IP4 203.0.113.10",
            "s=callbridge",
            "c=IN IP4 203.0.113.10",
            "t=0 0",
            "m=audio 40000 RTP/AVP 111",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 useinbandfec=1",
            "a=ptime:20",
            "a=sendrecv",
            "m=video 40002 RTP/AVP 97",
            "a=rtpmap:97 H264/90000",
            "a=fmtp:97 profile-level-id=42e01f;packetization-mode=1;max-mbps=245760;max-fs=8192;max-br=20000",
            "a=rtcp-fb:97 nack",
            "a=rtcp-fb:97 nack pli",
            "a=rtcp-fb:97 ccm fir",
            "a=sendrecv"))

        let session = result.session
        #expect(session.streams.count == 2)
        #expect(session.rejectedMedia.isEmpty)
        #expect(session.remoteOrigin.sessionID == "1414227396")
        let audio = try #require(session.audio)
        #expect(audio.mediaIndex == 0 && audio.kind == .audio)
        #expect(audio.localPort == 40_000)
        #expect(audio.remoteAddress == "192.0.2.20" && audio.remotePort == 10_000)
        #expect(audio.remoteRTCPAddress == "192.0.2.20" && audio.remoteRTCPPort == 10_001)
        #expect(!audio.rtcpMux)
        #expect(audio.payloadType == 111 && audio.codec == .opus && audio.clockRate == 48_000)
        #expect(audio.telephoneEventPayloadType == nil)
        #expect(audio.direction == .sendrecv && !audio.isRemoteHold)
        #expect(audio.srtp == nil)
        #expect(audio.maxBitrate == 96_000)
        #expect(audio.opus == NegotiatedOpus(prefersStereo: true, usesInbandFEC: true))
        #expect(audio.opus?.channels == 2)
        #expect(audio.video == nil)

        let video = try #require(session.video)
        #expect(video.remotePort == 10_002 && video.remoteRTCPPort == 10_003)
        #expect(video.payloadType == 97 && video.codec == .h264 && video.clockRate == 90_000)
        #expect(video.rtcpFeedback == [.nack, .pli, .fir])
        #expect(video.maxBitrate == 1_500_000)
        let h264 = try #require(video.video)
        #expect(h264.packetizationMode == .nonInterleaved)
        #expect(h264.remoteProfileLevel.hex == "42e01f")
        #expect(h264.localProfileLevel.hex == "42e01f")
        #expect(h264.maxWidth == 1280 && h264.maxHeight == 720 && h264.maxFrameRate == 30)
    }

    @Test func baresipPlainPreferringPCMUGetsTelephoneEvent() throws {
        var local = SDPLocalCapabilities.bridge()
        local.audioCodecs = [.pcmu, .pcma, .opus]
        let audio = try #require(try Self.answer(RealWorldOffers.baresipPlain, local: local).session.audio)
        #expect(audio.codec == .pcmu && audio.payloadType == 0 && audio.telephoneEventPayloadType == 101)
        let answer = try Self.answer(RealWorldOffers.baresipPlain, local: local).description
        #expect(answer.media[0].mediaLine == "audio 40000 RTP/AVP 0 101")
        #expect(answer.attributeLines(0) == ["rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000", "fmtp:101 0-15",
                                             "ptime:20", "sendrecv"])
    }

    @Test func baresipSRTP() throws {
        let result = try Self.answer(RealWorldOffers.baresipSRTP)
        let ours = TestKeys.oursBase64(.aesCM128HMACSHA1_80)
        // AES_CM_128_HMAC_SHA1_80 by our preference although the offer lists _32 first.
        #expect(result.description.media[0].mediaLine == "audio 40000 RTP/SAVP 0 101")
        #expect(result.description.attributeLines(0) == [
            "rtpmap:0 PCMU/8000", "rtpmap:101 telephone-event/8000", "fmtp:101 0-15", "ptime:20", "sendrecv",
            "crypto:2 AES_CM_128_HMAC_SHA1_80 inline:\(ours)",
        ])
        #expect(result.description.media[1].mediaLine == "video 40002 RTP/SAVP 96")
        #expect(result.description.attributeLines(1) == [
            "rtpmap:96 H264/90000",
            "fmtp:96 profile-level-id=42e01f;packetization-mode=0;max-mbps=245760;max-fs=8192;max-br=20000",
            "sendrecv", "crypto:2 AES_CM_128_HMAC_SHA1_80 inline:\(ours)",
        ])
        let expectedKeys = NegotiatedSRTP(tag: 2, inbound: TestKeys.material(.aesCM128HMACSHA1_80, base64: TestKeys.peerAES),
                                          outbound: TestKeys.ours(.aesCM128HMACSHA1_80))
        let audio = try #require(result.session.audio)
        #expect(audio.srtp == expectedKeys)
        #expect(audio.codec == .pcmu && audio.payloadType == 0 && audio.telephoneEventPayloadType == 101)
        let video = try #require(result.session.video)
        #expect(video.srtp == expectedKeys)
        #expect(video.video?.packetizationMode == .singleNAL)
        #expect(video.rtcpFeedback.isEmpty)
        // The answer's a=crypto parses back to our key.
        let answerCrypto = try #require(result.description.media[0].cryptoAttributes.first)
        #expect(answerCrypto.keyingMaterial == TestKeys.ours(.aesCM128HMACSHA1_80))
    }

    @Test func linphoneAVPF() throws {
        let result = try Self.answer(RealWorldOffers.linphone)
        #expect(result.description.media[0].mediaLine == "audio 40000 RTP/AVPF 96 101")
        #expect(result.description.attributeLines(0) == [
            "rtpmap:96 opus/48000/2", "fmtp:96 useinbandfec=1", "rtpmap:101 telephone-event/48000", "fmtp:101 0-15",
            "ptime:20", "sendrecv", "rtcp-mux",
        ])
        #expect(result.description.media[1].mediaLine == "video 40002 RTP/AVPF 97")
        #expect(result.description.attributeLines(1) == [
            "rtpmap:97 H264/90000",
            "fmtp:97 profile-level-id=42801f;packetization-mode=1;max-mbps=245760;max-fs=8192;max-br=20000",
            "rtcp-fb:97 nack pli", "rtcp-fb:97 ccm fir", "sendrecv", "rtcp-mux",
        ])
        let audio = try #require(result.session.audio)
        #expect(audio.payloadType == 96 && audio.codec == .opus && audio.telephoneEventPayloadType == 101)
        #expect(audio.rtcpMux && audio.remoteRTCPPort == 7078 && audio.remotePort == 7078)
        #expect(audio.opus == NegotiatedOpus(usesInbandFEC: true))
        let video = try #require(result.session.video)
        #expect(video.payloadType == 97 && video.rtcpMux && video.remoteRTCPPort == 9078)
        #expect(video.rtcpFeedback == [.pli, .fir])   // no generic nack offered for 97
        #expect(video.video?.remoteProfileLevel.hex == "42801f")
        #expect(video.video?.maxWidth == 1280 && video.video?.maxHeight == 720 && video.video?.maxFrameRate == 30)
    }

    @Test func roomSystem() throws {
        let result = try Self.answer(RealWorldOffers.roomSystem)
        let media = result.description.media
        // Same m-line count and order; what we do not take has port 0.
        #expect(media.map(\.mediaLine) == [
            "audio 40000 RTP/AVP 0 101",
            "video 40002 RTP/AVP 97",
            "video 0 RTP/AVP 97",
            "application 0 TCP/BFCP *",
            "application 0 RTP/AVP 100",
        ])
        #expect(media[2...].allSatisfy { $0.attributes.isEmpty })
        #expect(result.description.attributeLines(1) == [
            "rtpmap:97 H264/90000",
            "fmtp:97 profile-level-id=428016;packetization-mode=1;max-mbps=245760;max-fs=8192;max-br=20000",
            "rtcp-fb:97 nack pli", "rtcp-fb:97 ccm fir", "sendrecv",
        ])
        #expect(result.session.rejectedMedia == [
            SDPMediaRejection(mediaIndex: 2, mediaType: "video", reason: .presentationNotSupported),
            SDPMediaRejection(mediaIndex: 3, mediaType: "application", reason: .unsupportedMediaType),
            SDPMediaRejection(mediaIndex: 4, mediaType: "application", reason: .unsupportedMediaType),
        ])
        let audio = try #require(result.session.audio)
        // AAC-LD (MP4A-LATM) and G.722 skipped; PCMU is our first choice among the rest.
        #expect(audio.codec == .pcmu && audio.payloadType == 0 && audio.telephoneEventPayloadType == 101)
        #expect(audio.maxBitrate == 128_000)
        let video = try #require(result.session.video)
        #expect(video.mediaIndex == 1 && video.payloadType == 97)
        #expect(video.rtcpFeedback == [.pli, .fir])
        #expect(video.maxBitrate == 6_000_000)
        let h264 = try #require(video.video)
        // Level 2.2, but max-fs 8160 and max-mbps 490000 allow 1080p at 30.
        #expect(h264.remoteLimits.level == .level2_2)
        #expect(h264.remoteLimits.maxFrameSize == 8160 && h264.remoteLimits.maxMacroblocksPerSecond == 490_000)
        #expect(h264.remoteLimits.maxBitrate == 5000)
        #expect(h264.maxWidth == 1920 && h264.maxHeight == 1080 && h264.maxFrameRate == 30)
    }

    @Test func firstAcceptableH264InOfferOrder() throws {
        let offer = sdp(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=video 5004 RTP/AVP 96 97 98 99 100",
            "a=rtpmap:96 H264/90000", "a=fmtp:96 profile-level-id=640c1f;packetization-mode=1",   // High: not ours
            "a=rtpmap:97 H264/90000", "a=fmtp:97 profile-level-id=42e01f;packetization-mode=2",   // interleaved
            "a=rtpmap:98 H264/90000", "a=fmtp:98 profile-level-id=42e00e;packetization-mode=1",   // unknown level
            "a=rtpmap:99 h264/90000", "a=fmtp:99 profile-level-id=42E028;packetization-mode=1",
            "a=rtpmap:100 H264/90000", "a=fmtp:100 profile-level-id=42e01f;packetization-mode=1")
        let video = try #require(try Self.answer(offer).session.video)
        #expect(video.payloadType == 99)
        #expect(video.video?.maxWidth == 1920)
    }

    @Test func absentPacketizationModeIsModeZeroAndStaysAbsent() throws {
        let offer = sdp(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=video 5004 RTP/AVP 96",
            "a=rtpmap:96 H264/90000", "a=fmtp:96 profile-level-id=42e028")
        let result = try Self.answer(offer)
        #expect(result.session.video?.video?.packetizationMode == .singleNAL)
        #expect(result.description.attributeLines(0)[1] == "fmtp:96 profile-level-id=42e028")
    }

    @Test func levelAnswer() throws {
        func answeredFmtp(_ fmtp: String, direction: String = "sendrecv", maxLevel: H264Level = .level4) throws -> String {
            var local = SDPLocalCapabilities.bridge()
            local.video.maxLevel = maxLevel
            let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                            "m=video 5004 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=fmtp:96 " + fmtp, "a=" + direction)
            return try Self.answer(offer, local: local).description.media[0].formatParameters(for: 96)?.value ?? ""
        }
        // Never above the offer's level for sendrecv (RFC 6184 §8.2.2) ...
        #expect(try answeredFmtp("profile-level-id=42e033") == "96 profile-level-id=42e028")
        #expect(try answeredFmtp("profile-level-id=42e028") == "96 profile-level-id=42e028")
        #expect(try answeredFmtp("profile-level-id=42e01e;packetization-mode=1")
                == "96 profile-level-id=42e01e;packetization-mode=1;max-mbps=245760;max-fs=8192;max-br=20000")
        #expect(try answeredFmtp("profile-level-id=42e033", maxLevel: .level3_1) == "96 profile-level-id=42e01f")
        // ... but a sendonly offer or level-asymmetry-allowed lets us state our own level.
        #expect(try answeredFmtp("profile-level-id=42e01e", direction: "sendonly") == "96 profile-level-id=42e028")
        #expect(try answeredFmtp("profile-level-id=42e01e;level-asymmetry-allowed=1")
                == "96 profile-level-id=42e028;level-asymmetry-allowed=1")
    }

    @Test func rtcpAttributeGivesTheRTCPPort() throws {
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 0", "a=rtcp:6000 IN IP4 192.0.2.9",
                        "m=video 5008 RTP/AVP 96", "a=rtpmap:96 H264/90000", "a=rtcp:6002", "a=rtcp-mux")
        let session = try Self.answer(offer).session
        #expect(session.audio?.remoteRTCPAddress == "192.0.2.9" && session.audio?.remoteRTCPPort == 6000)
        // With rtcp-mux accepted, RTCP is on the RTP port whatever a=rtcp says (RFC 5761 §5.1.3).
        #expect(session.video?.remoteRTCPPort == 5008 && session.video?.rtcpMux == true)
    }

    @Test func rtcpMuxDeclinedWhenWeDoNotMultiplex() throws {
        var local = SDPLocalCapabilities.bridge()
        local.rtcpMux = false
        let result = try Self.answer(RealWorldOffers.linphone, local: local)
        #expect(result.session.audio?.rtcpMux == false && result.session.audio?.remoteRTCPPort == 7079)
        #expect(!result.description.media[0].rtcpMux)
    }

    @Test func midIsEchoedAndExtraAudioRejected() throws {
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 0", "a=mid:a0",
                        "m=audio 5006 RTP/AVP 8", "a=mid:a1",
                        "m=video 5008 RTP/AVP 96", "a=rtpmap:96 VP8/90000", "a=mid:v0",
                        "m=video 5010 RTP/AVP 97", "a=rtpmap:97 H264/90000", "a=mid:v1")
        let result = try Self.answer(offer)
        #expect(result.description.media.map(\.port) == [40_000, 0, 0, 40_002])
        #expect(result.description.media[0].mid == "a0" && result.description.media[3].mid == "v1")
        #expect(result.session.video?.mid == "v1" && result.session.video?.mediaIndex == 3)
        #expect(result.session.rejectedMedia.map(\.reason) == [.duplicateStream, .noCommonCodec])
    }

    @Test func noLocalPortRejectsThatKind() throws {
        let result = try Self.answer(RealWorldOffers.baresipPlain, local: .bridge(videoPort: nil))
        #expect(result.description.media.map(\.port) == [40_000, 0])
        #expect(result.session.rejectedMedia.map(\.reason) == [.noLocalPort])
        #expect(result.session.video == nil)
    }

    @Test func unsupportedTransportsAreRejected() throws {
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 UDP/TLS/RTP/SAVPF 0", "m=audio 5006 RTP/AVP 0", "m=video 5008 TCP/RTP/AVP 96")
        let result = try Self.answer(offer)
        #expect(result.description.media.map(\.port) == [0, 40_000, 0])
        #expect(result.session.rejectedMedia.map(\.reason) == [.unsupportedTransport, .unsupportedTransport])
    }

    @Test func noCommonCodecFails() throws {
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 9 18 97", "a=rtpmap:9 G722/8000", "a=rtpmap:97 telephone-event/8000",
                        "m=video 5006 RTP/AVP 96 98", "a=rtpmap:96 VP8/90000", "a=rtpmap:98 H264/90000",
                        "a=fmtp:98 profile-level-id=640c1f",
                        "m=application 5008 TCP/BFCP *")
        #expect(throws: SDPNegotiationFailure.noCommonCodec) { try Self.answer(offer) }
        #expect(SDPNegotiationFailure.noCommonCodec.sipStatusCode == 488)
        // An offer with only disabled or unsupported media fails the same way.
        let nothing = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                          "m=audio 0 RTP/AVP 0", "m=application 5008 TCP/BFCP *")
        #expect(throws: SDPNegotiationFailure.noCommonCodec) { try Self.answer(nothing) }
    }

    @Test func opusNeedsTwoChannelsInRTPMap() throws {
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 111 112 8", "a=rtpmap:111 opus/48000", "a=rtpmap:112 OPUS/48000/2")
        let audio = try #require(try Self.answer(offer).session.audio)
        #expect(audio.payloadType == 112 && audio.codec == .opus)
    }

    @Test func keyGenerationFailureIsReported() throws {
        var local = SDPLocalCapabilities.bridge()
        local.keyGenerator = { suite throws(SRTPError) in throw SRTPError.suiteUnsupported(suite) }
        #expect(throws: SDPNegotiationFailure.keyGeneration(.suiteUnsupported(.aesCM128HMACSHA1_80))) {
            try Self.answer(RealWorldOffers.baresipSRTP, local: local)
        }
        #expect(SDPNegotiationFailure.keyGeneration(.suiteUnsupported(.aesCM128HMACSHA1_80)).sipStatusCode == 500)
    }

    @Test func realKeysAreFreshPerAnswer() throws {
        var local = SDPLocalCapabilities(address: "203.0.113.10", audioPort: 40_000, videoPort: nil)
        local.encryption = .required
        let first = try #require(try Self.answer(RealWorldOffers.baresipSRTP, local: local).session.audio?.srtp)
        let second = try #require(try Self.answer(RealWorldOffers.baresipSRTP, local: local).session.audio?.srtp)
        #expect(first.outbound != second.outbound)
        #expect(first.inbound == second.inbound)
    }

    @Test func ipv6Address() throws {
        let local = SDPLocalCapabilities(address: "2001:db8::10", audioPort: 40_000, videoPort: nil)
        let offer = sdp("v=0", "o=- 1 1 IN IP6 2001:db8::1", "s=-", "c=IN IP6 2001:db8::1", "t=0 0", "m=audio 5004 RTP/AVP 0")
        let answer = try SDPNegotiator.answer(offer: SessionDescription(parsing: offer), local: local,
                                              origin: SDPSessionVersion(sessionID: 9, address: "2001:db8::10").origin)
        #expect(answer.description.connection?.value == "IN IP6 2001:db8::10")
        #expect(answer.description.origin.value == "callbridge 9 1 IN IP6 2001:db8::10")
        #expect(answer.session.audio?.remoteAddress == "2001:db8::1")
    }
}
