import SDP
import SRTP
import Testing

/// Hold and resume both ways (RFC 3264 §8.4), and the o= version across re-offers.
@Suite("SDP hold and resume")
struct SDPHoldTests {
    static func offer(direction: String?, connection: String = "192.0.2.1", sessionDirection: String? = nil) -> String {
        var lines = ["v=0", "o=- 100 2 IN IP4 192.0.2.1", "s=-", "c=IN IP4 \(connection)", "t=0 0"]
        if let sessionDirection { lines.append("a=" + sessionDirection) }
        lines += ["m=audio 5004 RTP/AVP 0", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000"]
        if let direction {
            lines.insert("a=" + direction, at: 6)
            lines.append("a=" + direction)
        }
        return sdp(lines)
    }

    struct DirectionCase: Sendable, CustomTestStringConvertible {
        let offer: String
        let answer: SDPMediaDirection
        let remoteHold: Bool
        var testDescription: String { offer }
    }

    @Test(arguments: [
        DirectionCase(offer: "sendrecv", answer: .sendrecv, remoteHold: false),
        DirectionCase(offer: "sendonly", answer: .recvonly, remoteHold: true),
        DirectionCase(offer: "recvonly", answer: .sendonly, remoteHold: false),
        DirectionCase(offer: "inactive", answer: .inactive, remoteHold: true),
    ])
    func peerDirection(_ testCase: DirectionCase) throws {
        let answer = try SDPNegotiator.answer(offer: SessionDescription(parsing: Self.offer(direction: testCase.offer)),
                                              local: .bridge(), origin: TestOrigins.bridge)
        for (index, media) in answer.description.media.enumerated() {
            #expect(media.direction == testCase.answer, "m-line \(index)")
        }
        #expect(answer.session.streams.allSatisfy { $0.direction == testCase.answer && $0.isRemoteHold == testCase.remoteHold })
        #expect(answer.session.isRemoteHold == testCase.remoteHold)
    }

    @Test func sessionLevelDirectionApplies() throws {
        let answer = try SDPNegotiator.answer(
            offer: SessionDescription(parsing: Self.offer(direction: nil, sessionDirection: "sendonly")),
            local: .bridge(), origin: TestOrigins.bridge)
        #expect(answer.session.streams.map(\.direction) == [.recvonly, .recvonly])
        #expect(answer.session.isRemoteHold)
    }

    @Test func oldStyleHoldWithNullAddress() throws {
        // RFC 3264 §8.4: c=0.0.0.0 means send nothing, whatever the direction says.
        let answer = try SDPNegotiator.answer(offer: SessionDescription(parsing: Self.offer(direction: nil, connection: "0.0.0.0")),
                                              local: .bridge(), origin: TestOrigins.bridge)
        #expect(answer.session.streams.allSatisfy { $0.isRemoteHold && $0.direction == .recvonly })
        #expect(answer.session.audio?.remoteAddress == "0.0.0.0")
        #expect(answer.description.media.allSatisfy { $0.direction == .recvonly })
    }

    @Test func peerHoldsAndResumesWithinOneDialog() throws {
        var version = SDPSessionVersion(sessionID: 4242, address: "203.0.113.10")
        let initial = try SDPNegotiator.answer(offer: SessionDescription(parsing: RealWorldOffers.linphone),
                                               local: .bridge(), origin: version.origin)
        #expect(!initial.session.isRemoteHold)

        let holdOffer = try SessionDescription(parsing: RealWorldOffers.linphone
            .replacing("o=alice 3087 2460", with: "o=alice 3087 2461")
            .replacing("a=rtcp-mux\r\n", with: "a=rtcp-mux\r\na=sendonly\r\n"))
        #expect(holdOffer.origin.isSameSession(as: initial.session.remoteOrigin))
        #expect(holdOffer.origin.sessionVersion == initial.session.remoteOrigin.sessionVersion + 1)
        let held = try SDPNegotiator.answer(offer: holdOffer, local: .bridge(), origin: version.increment())
        #expect(held.session.isRemoteHold)
        #expect(held.description.origin.sessionVersion == 2 && held.description.origin.sessionID == "4242")
        #expect(held.description.media.allSatisfy { $0.direction == .recvonly })
        // Same codecs and numbers as before the hold.
        #expect(held.session.streams.map(\.payloadType) == initial.session.streams.map(\.payloadType))

        let resumed = try SDPNegotiator.answer(offer: SessionDescription(parsing: RealWorldOffers.linphone),
                                               local: .bridge(), origin: version.increment())
        #expect(!resumed.session.isRemoteHold)
        #expect(resumed.description.origin.sessionVersion == 3)
        #expect(resumed.session.streams.allSatisfy { $0.direction == .sendrecv })
    }

    @Test func encryptedReOfferKeepsOurKey() throws {
        let first = try SDPNegotiator.answer(offer: SessionDescription(parsing: RealWorldOffers.baresipSRTP),
                                             local: .bridge(), origin: TestOrigins.bridge)
        var local = SDPLocalCapabilities.bridge()
        local.keyGenerator = { suite throws(SRTPError) in TestKeys.ours(suite, fill: 0x77) }
        let holdOffer = try SessionDescription(parsing: RealWorldOffers.baresipSRTP.replacing("a=sendrecv", with: "a=sendonly"))
        var origin = TestOrigins.bridge
        origin.sessionVersion += 1
        let held = try SDPNegotiator.answer(offer: holdOffer, local: local, origin: origin, previous: first.description)
        #expect(held.session.streams.map(\.srtp) == first.session.streams.map(\.srtp))
        #expect(held.description.media.map(\.cryptoAttributes) == first.description.media.map(\.cryptoAttributes))
        #expect(held.session.isRemoteHold)
        // Without `previous` a fresh key is made.
        let fresh = try SDPNegotiator.answer(offer: holdOffer, local: local, origin: origin)
        #expect(fresh.session.audio?.srtp?.outbound == TestKeys.ours(.aesCM128HMACSHA1_80, fill: 0x77))
    }

    @Test func weHoldAndResume() throws {
        var local = SDPOfferTests.local()
        var version = SDPSessionVersion(sessionID: 4242, address: "203.0.113.10")
        let initial = try SDPNegotiator.offer(local: local, origin: version.origin)

        local.direction = .sendonly
        local.keyGenerator = { suite throws(SRTPError) in TestKeys.ours(suite, fill: 0x99) }   // must not be used
        let hold = try SDPNegotiator.offer(local: local, origin: version.increment(), previous: initial)
        #expect(hold.origin.sessionID == initial.origin.sessionID)
        #expect(hold.origin.sessionVersion == initial.origin.sessionVersion + 1)
        #expect(hold.media.allSatisfy { $0.direction == .sendonly })
        // Same m-lines, numbers and keys: only the direction changed.
        #expect(hold.media.map(\.formats) == initial.media.map(\.formats))
        #expect(hold.media.map(\.cryptoAttributes) == initial.media.map(\.cryptoAttributes))

        // The peer answers recvonly: we send, it does not; that is our hold, not the peer's.
        let holdAnswer = try SessionDescription(parsing: SDPOfferTests.baresipAnswer.replacing("a=sendrecv", with: "a=recvonly"))
        let held = try SDPNegotiator.apply(answer: holdAnswer, toOffer: hold, local: local)
        #expect(held.streams.allSatisfy { $0.direction == .sendonly && !$0.isRemoteHold })

        local.direction = .sendrecv
        let resume = try SDPNegotiator.offer(local: local, origin: version.increment(), previous: hold)
        #expect(resume.origin.sessionVersion == 3)
        #expect(resume.media.allSatisfy { $0.direction == .sendrecv })
        #expect(resume.media.map(\.cryptoAttributes) == initial.media.map(\.cryptoAttributes))
        let resumed = try SDPNegotiator.apply(answer: SessionDescription(parsing: SDPOfferTests.baresipAnswer),
                                              toOffer: resume, local: local)
        #expect(resumed.streams.allSatisfy { $0.direction == .sendrecv })
        #expect(resumed.audio?.srtp?.outbound == TestKeys.ours(.aesCM128HMACSHA1_32))
    }

    @Test func reOfferAfterAnsweringKeepsLayoutNumbersAndKeys() throws {
        // We answered the room system (5 m-lines, PCMU 0 + telephone-event 101, H.264 97);
        // our hold re-offer must keep all 5 m-lines in order and 101/97 meaning what they did.
        var local = SDPOfferTests.local()
        let answered = try SDPNegotiator.answer(offer: SessionDescription(parsing: RealWorldOffers.roomSystem),
                                                local: local, origin: TestOrigins.bridge)
        local.direction = .inactive
        var origin = TestOrigins.bridge
        origin.sessionVersion += 1
        let reOffer = try SDPNegotiator.offer(local: local, origin: origin, previous: answered.description)
        #expect(reOffer.media.map(\.mediaLine) == [
            "audio 40000 RTP/AVP 111 0 8 96 101",
            "video 40002 RTP/AVP 97 96",
            "video 0 RTP/AVP 97",
            "application 0 TCP/BFCP *",
            "application 0 RTP/AVP 100",
        ])
        let audio = reOffer.media[0], video = reOffer.media[1]
        #expect(audio.rtpMap(for: 101)?.clockRate == 8000)     // still telephone-event/8000
        #expect(audio.rtpMap(for: 96)?.clockRate == 48_000)    // the new 48 kHz one moved to a free number
        #expect(video.formatParameters(for: 97)?["packetization-mode"] == "1")
        #expect(video.formatParameters(for: 96)?["packetization-mode"] == "0")
        #expect(reOffer.media[0].direction == .inactive)

        // An encrypted call: the re-offer leads with the key we answered with, same tag.
        var encrypted = SDPOfferTests.local()
        let srtpAnswer = try SDPNegotiator.answer(offer: SessionDescription(parsing: RealWorldOffers.baresipSRTP),
                                                  local: encrypted, origin: TestOrigins.bridge)
        encrypted.keyGenerator = { suite throws(SRTPError) in TestKeys.ours(suite, fill: 0x33) }
        let srtpReOffer = try SDPNegotiator.offer(local: encrypted, origin: origin, previous: srtpAnswer.description)
        #expect(srtpReOffer.media.map(\.transportProtocol) == ["RTP/SAVP", "RTP/SAVP"])
        let crypto = srtpReOffer.media[0].cryptoAttributes
        #expect(crypto.map(\.tag) == [2, 3])
        #expect(crypto[0].keyingMaterial == TestKeys.ours(.aesCM128HMACSHA1_80))
        #expect(crypto[1].keyingMaterial == TestKeys.ours(.aesCM128HMACSHA1_32, fill: 0x33))
    }

    @Test func sessionVersionHelper() {
        var version = SDPSessionVersion.random(address: "203.0.113.10")
        #expect(version.sessionID >= 1 && version.sessionID < 1 << 62)
        #expect(version.version == 1)
        let first = version.origin
        let second = version.increment()
        #expect(second.sessionVersion == 2 && second.sessionID == first.sessionID)
        #expect(second.isSameSession(as: first))
        #expect(version.origin == second)
        #expect(first.value == "callbridge \(version.sessionID) 1 IN IP4 203.0.113.10")
    }
}
