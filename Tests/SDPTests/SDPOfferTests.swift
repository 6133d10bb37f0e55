import SDP
import SRTP
import Testing

/// Our own offers (dial-out) and reading the peer's answer to them.
@Suite("SDP offers and answers to them")
struct SDPOfferTests {
    /// The bridge with two suites, so offers are fully predictable.
    static func local(_ encryption: SDPEncryptionPolicy = .optional) -> SDPLocalCapabilities {
        var local = SDPLocalCapabilities.bridge(encryption: encryption)
        local.srtpSuites = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]
        return local
    }

    static func offer(_ encryption: SDPEncryptionPolicy = .optional) throws -> SessionDescription {
        try SDPNegotiator.offer(local: local(encryption), origin: TestOrigins.bridge)
    }

    @Test func offerFromCapabilities() throws {
        let key80 = TestKeys.oursBase64(.aesCM128HMACSHA1_80), key32 = TestKeys.oursBase64(.aesCM128HMACSHA1_32)
        let offer = try Self.offer()
        #expect(offer.serialized() == sdp(
            "v=0",
            "o=callbridge 4242 1 IN IP4 203.0.113.10",
            "s=callbridge",
            "c=IN IP4 203.0.113.10",
            "t=0 0",
            "m=audio 40000 RTP/AVP 111 0 8 101 100",
            "a=rtpmap:111 opus/48000/2",
            "a=fmtp:111 useinbandfec=1",
            "a=rtpmap:0 PCMU/8000",
            "a=rtpmap:8 PCMA/8000",
            "a=rtpmap:101 telephone-event/48000",
            "a=fmtp:101 0-15",
            "a=rtpmap:100 telephone-event/8000",
            "a=fmtp:100 0-15",
            "a=ptime:20",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(key80)",
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(key32)",
            "m=video 40002 RTP/AVP 96 97",
            "a=rtpmap:96 H264/90000",
            "a=fmtp:96 profile-level-id=42e028;packetization-mode=1",
            "a=rtpmap:97 H264/90000",
            "a=fmtp:97 profile-level-id=42e028;packetization-mode=0",
            "a=rtcp-fb:96 nack",
            "a=rtcp-fb:96 nack pli",
            "a=rtcp-fb:96 ccm fir",
            "a=rtcp-fb:97 nack",
            "a=rtcp-fb:97 nack pli",
            "a=rtcp-fb:97 ccm fir",
            "a=sendrecv",
            "a=rtcp-mux",
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(key80)",
            "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(key32)"))
        #expect(try SessionDescription(parsing: offer.serialized()) == offer)
    }

    @Test func offerProfilesFollowPolicy() throws {
        #expect(try Self.offer(.required).media.map(\.transportProtocol) == ["RTP/SAVP", "RTP/SAVP"])
        let prohibited = try Self.offer(.prohibited)
        #expect(prohibited.media.map(\.transportProtocol) == ["RTP/AVP", "RTP/AVP"])
        #expect(prohibited.media.allSatisfy { $0.cryptoAttributes.isEmpty })
        var audioOnly = Self.local()
        audioOnly.videoPort = nil
        audioOnly.audioCodecs = [.pcma]
        let offer = try SDPNegotiator.offer(local: audioOnly, origin: TestOrigins.bridge)
        #expect(offer.media.map(\.mediaLine) == ["audio 40000 RTP/AVP 8 100"])
    }

    /// A baresip answer to our offer: PCMU with telephone-event/8000, the 32-bit suite, H.264
    /// mode 0 at level 3.1.
    static let baresipAnswer = sdp(
        "v=0",
        "o=- 123 456 IN IP4 192.0.2.20",
        "s=-",
        "c=IN IP4 192.0.2.20",
        "t=0 0",
        "m=audio 10000 RTP/AVP 0 100",
        "a=rtpmap:0 PCMU/8000",
        "a=rtpmap:100 telephone-event/8000",
        "a=sendrecv",
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(TestKeys.peerAES2)",
        "m=video 10002 RTP/AVP 97",
        "a=rtpmap:97 H264/90000",
        "a=fmtp:97 packetization-mode=0;profile-level-id=42e01f",
        "a=rtcp-fb:* nack pli",
        "a=sendrecv",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)")

    @Test func applyBaresipAnswer() throws {
        let session = try SDPNegotiator.apply(answer: SessionDescription(parsing: Self.baresipAnswer),
                                              toOffer: Self.offer(), local: Self.local())
        #expect(session.remoteOrigin.sessionVersion == 456)
        let audio = try #require(session.audio)
        #expect(audio.codec == .pcmu && audio.payloadType == 0 && audio.telephoneEventPayloadType == 100)
        #expect(audio.remoteAddress == "192.0.2.20" && audio.remotePort == 10_000 && audio.remoteRTCPPort == 10_001)
        #expect(!audio.rtcpMux)   // we offered it, the answer did not take it
        #expect(audio.srtp == NegotiatedSRTP(tag: 2, inbound: TestKeys.material(.aesCM128HMACSHA1_32, base64: TestKeys.peerAES2),
                                             outbound: TestKeys.ours(.aesCM128HMACSHA1_32)))
        #expect(audio.direction == .sendrecv && !audio.isRemoteHold)
        let video = try #require(session.video)
        #expect(video.payloadType == 97 && video.video?.packetizationMode == .singleNAL)
        #expect(video.rtcpFeedback == [.pli])
        #expect(video.video?.maxWidth == 1280 && video.video?.maxFrameRate == 30)
        #expect(video.video?.localProfileLevel.hex == "42e028")
        #expect(video.srtp?.tag == 1 && video.srtp?.outbound == TestKeys.ours(.aesCM128HMACSHA1_80))
    }

    @Test func offerAnsweredByAnotherNegotiator() throws {
        // Our offer answered by a peer that speaks only PCMA and H.264 mode 0 at level 3.0,
        // with rtcp-mux and AES_CM_128_HMAC_SHA1_32 only: both ends agree on every field.
        let ours = Self.local()
        var peer = SDPLocalCapabilities(address: "198.51.100.7", audioPort: 20_000, videoPort: 20_002)
        peer.audioCodecs = [.pcma]
        peer.video.packetizationModes = [.singleNAL]
        peer.video.maxLevel = .level3
        peer.srtpSuites = [.aesCM128HMACSHA1_32]
        peer.keyGenerator = { suite throws(SRTPError) in TestKeys.ours(suite, fill: 0x22) }
        let offer = try Self.offer()
        let peerAnswer = try SDPNegotiator.answer(
            offer: SessionDescription(parsing: offer.serialized()), local: peer,
            origin: SDPOrigin(sessionID: "77", sessionVersion: 1, address: "198.51.100.7"))
        let session = try SDPNegotiator.apply(answer: SessionDescription(parsing: peerAnswer.description.serialized()),
                                              toOffer: offer, local: ours)
        for kind in SDPMediaKind.allCases {
            let mine = try #require(session.streams.first { $0.kind == kind })
            let theirs = try #require(peerAnswer.session.streams.first { $0.kind == kind })
            #expect(mine.payloadType == theirs.payloadType)
            #expect(mine.codec == theirs.codec)
            #expect(mine.telephoneEventPayloadType == theirs.telephoneEventPayloadType)
            #expect(mine.rtcpMux && theirs.rtcpMux)
            #expect(mine.remotePort == theirs.localPort && theirs.remotePort == mine.localPort)
            #expect(mine.srtp?.outbound == theirs.srtp?.inbound)
            #expect(mine.srtp?.inbound == theirs.srtp?.outbound)
            #expect(mine.srtp?.suite == .aesCM128HMACSHA1_32)
            #expect(mine.rtcpFeedback == theirs.rtcpFeedback)
        }
        #expect(session.audio?.codec == .pcma && session.audio?.telephoneEventPayloadType == 100)
        #expect(session.video?.payloadType == 97 && session.video?.video?.packetizationMode == .singleNAL)
        // The peer answered level 3.0 (its maximum): we send it at most 848x480 at 25 fps.
        #expect(session.video?.video?.maxWidth == 848 && session.video?.video?.maxFrameRate == 25)
        // And it may send us 1080p: it knows our level 4.0 from the offer.
        #expect(peerAnswer.session.video?.video?.maxWidth == 1920)
    }

    @Test func answerMismatches() throws {
        let offer = try Self.offer()
        let answer = try SessionDescription(parsing: Self.baresipAnswer)
        var shorter = answer
        shorter.media.removeLast()
        #expect(throws: SDPNegotiationFailure.answerMismatch("1 m-lines for 2 offered")) {
            try SDPNegotiator.apply(answer: shorter, toOffer: offer, local: Self.local())
        }
        var swapped = answer
        swapped.media.swapAt(0, 1)
        #expect(throws: SDPNegotiationFailure.answerMismatch("m-line 0 is video, offered audio")) {
            try SDPNegotiator.apply(answer: swapped, toOffer: offer, local: Self.local())
        }
        let wrongTag = try SessionDescription(parsing: Self.baresipAnswer.replacing("a=crypto:2 AES_CM_128_HMAC_SHA1_32",
                                                                                    with: "a=crypto:7 AES_CM_128_HMAC_SHA1_32"))
        #expect(throws: SDPNegotiationFailure.answerMismatch(
            "a=crypto tag 7 with AES_CM_128_HMAC_SHA1_32 was not offered in m-line 0")) {
            try SDPNegotiator.apply(answer: wrongTag, toOffer: offer, local: Self.local())
        }
    }

    @Test func peerRejectsVideoOrEverything() throws {
        var answer = try SessionDescription(parsing: Self.baresipAnswer)
        answer.media[1].port = 0
        let session = try SDPNegotiator.apply(answer: answer, toOffer: Self.offer(), local: Self.local())
        #expect(session.video == nil && session.audio != nil)
        #expect(session.rejectedMedia == [SDPMediaRejection(mediaIndex: 1, mediaType: "video", reason: .rejectedByPeer)])
        answer.media[0].port = 0
        #expect(throws: SDPNegotiationFailure.noCommonCodec) {
            try SDPNegotiator.apply(answer: answer, toOffer: Self.offer(), local: Self.local())
        }
    }

    @Test func plainAnswerToRequiredOfferFails() throws {
        let plain = try SessionDescription(parsing: Self.baresipAnswer.split(separator: "\r\n")
            .filter { !$0.hasPrefix("a=crypto") }.map { $0 + "\r\n" }.joined())
        #expect(throws: SDPNegotiationFailure.noUsableCrypto) {
            try SDPNegotiator.apply(answer: plain, toOffer: Self.offer(.required), local: Self.local(.required))
        }
        // Under optional our RTP/AVP offer was best effort: a plain answer means plain RTP.
        let session = try SDPNegotiator.apply(answer: plain, toOffer: Self.offer(), local: Self.local())
        #expect(session.streams.allSatisfy { $0.srtp == nil })
    }

    @Test func answerWithoutFmtpUsesOurOfferedParameters() throws {
        let answer = try SessionDescription(parsing: sdp(
            "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
            "m=audio 0 RTP/AVP 0",
            "m=video 5006 RTP/AVP 96"))
        let session = try SDPNegotiator.apply(answer: answer, toOffer: Self.offer(.prohibited), local: Self.local(.prohibited))
        let video = try #require(session.video)
        #expect(video.payloadType == 96 && video.video?.packetizationMode == .nonInterleaved)
        #expect(video.video?.maxWidth == 1920)
    }
}
