import SDP
import SRTP
import Testing

/// The encryption policy matrix: optional / required / prohibited against plain RTP/AVP,
/// best-effort RTP/AVP with a=crypto, and RTP/SAVP, plus crypto line selection.
@Suite("SDP encryption policy")
struct SDPEncryptionPolicyTests {
    enum OfferKind: String, CaseIterable, Sendable {
        case plain, bestEffort, savp, savpf
    }

    static func offer(_ kind: OfferKind, crypto: [String]? = nil) -> String {
        let proto: String
        switch kind {
        case .plain, .bestEffort: proto = "RTP/AVP"
        case .savp: proto = "RTP/SAVP"
        case .savpf: proto = "RTP/SAVPF"
        }
        let lines = crypto ?? (kind == .plain ? [] : ["a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)"])
        return sdp(["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                    "m=audio 5004 \(proto) 0"] + lines)
    }

    enum Outcome: Equatable, Sendable {
        case plain
        case srtp
        case failure(SDPNegotiationFailure)
    }

    static func outcome(_ kind: OfferKind, _ policy: SDPEncryptionPolicy, crypto: [String]? = nil) throws -> Outcome {
        do {
            let answer = try SDPNegotiator.answer(offer: SessionDescription(parsing: offer(kind, crypto: crypto)),
                                                  local: .bridge(encryption: policy), origin: TestOrigins.bridge)
            let stream = try #require(answer.session.audio)
            // The answer keeps the offer's profile and carries a=crypto exactly when SRTP is on.
            let offered = try SessionDescription(parsing: offer(kind)).media[0].transportProtocol
            #expect(answer.description.media[0].transportProtocol == offered)
            #expect(answer.description.media[0].attributes.contains(named: "crypto") == (stream.srtp != nil))
            return stream.srtp == nil ? .plain : .srtp
        } catch let failure as SDPNegotiationFailure {
            return .failure(failure)
        }
    }

    struct MatrixCase: Sendable, CustomTestStringConvertible {
        let offer: OfferKind
        let policy: SDPEncryptionPolicy
        let expected: Outcome
        var testDescription: String { "\(offer.rawValue) × \(policy.rawValue)" }
    }

    static let matrix: [MatrixCase] = [
        MatrixCase(offer: .plain, policy: .optional, expected: .plain),
        MatrixCase(offer: .plain, policy: .required, expected: .failure(.encryptionRequired)),
        MatrixCase(offer: .plain, policy: .prohibited, expected: .plain),
        MatrixCase(offer: .bestEffort, policy: .optional, expected: .srtp),
        MatrixCase(offer: .bestEffort, policy: .required, expected: .srtp),
        MatrixCase(offer: .bestEffort, policy: .prohibited, expected: .plain),
        MatrixCase(offer: .savp, policy: .optional, expected: .srtp),
        MatrixCase(offer: .savp, policy: .required, expected: .srtp),
        MatrixCase(offer: .savp, policy: .prohibited, expected: .failure(.encryptionProhibited)),
        MatrixCase(offer: .savpf, policy: .optional, expected: .srtp),
        MatrixCase(offer: .savpf, policy: .required, expected: .srtp),
        MatrixCase(offer: .savpf, policy: .prohibited, expected: .failure(.encryptionProhibited)),
    ]

    @Test(arguments: matrix)
    func policyMatrix(_ testCase: MatrixCase) throws {
        #expect(try Self.outcome(testCase.offer, testCase.policy) == testCase.expected)
    }

    @Test(arguments: SDPEncryptionPolicy.allCases)
    func savpWithoutUsableCrypto(policy: SDPEncryptionPolicy) throws {
        // Unknown suite, an MKI, an unsupported session parameter: nothing we can use.
        let unusable = ["a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:\(TestKeys.peerAES)",
                        "a=crypto:2 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)|2^20|1:4",
                        "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES) UNENCRYPTED_SRTP"]
        let expected: Outcome = policy == .prohibited ? .failure(.encryptionProhibited) : .failure(.noUsableCrypto)
        #expect(try Self.outcome(.savp, policy, crypto: unusable) == expected)
        #expect(try Self.outcome(.savp, policy, crypto: []) == expected)
        // Best-effort with unusable lines falls back to plain unless encryption is required.
        let bestEffort: Outcome = policy == .required ? .failure(.encryptionRequired) : .plain
        #expect(try Self.outcome(.bestEffort, policy, crypto: unusable) == bestEffort)
    }

    @Test func mixedMediaKeepsWhatPolicyAllows() throws {
        // Audio plain, video SAVP: under required only video survives, under prohibited only audio.
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 0",
                        "m=video 5006 RTP/SAVP 96", "a=rtpmap:96 H264/90000",
                        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)")
        let required = try SDPNegotiator.answer(offer: SessionDescription(parsing: offer), local: .bridge(encryption: .required),
                                                origin: TestOrigins.bridge)
        #expect(required.description.media.map(\.port) == [0, 40_002])
        #expect(required.session.rejectedMedia.map(\.reason) == [.encryptionRequired])
        let prohibited = try SDPNegotiator.answer(offer: SessionDescription(parsing: offer), local: .bridge(encryption: .prohibited),
                                                  origin: TestOrigins.bridge)
        #expect(prohibited.description.media.map(\.port) == [40_000, 0])
        #expect(prohibited.session.rejectedMedia.map(\.reason) == [.encryptionProhibited])
    }

    @Test func codecFailureBeatsNothingButEncryptionReasonIsPreferred() throws {
        // Audio has no common codec, video is plain under required: the failure names encryption.
        let offer = sdp("v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0",
                        "m=audio 5004 RTP/AVP 9", "m=video 5006 RTP/AVP 96", "a=rtpmap:96 H264/90000")
        #expect(throws: SDPNegotiationFailure.encryptionRequired) {
            try SDPNegotiator.answer(offer: SessionDescription(parsing: offer), local: .bridge(encryption: .required),
                                     origin: TestOrigins.bridge)
        }
    }

    @Test func suitePreferenceAndOrder() throws {
        func chosen(_ crypto: [String], suites: [SRTPSuite]? = nil) throws -> NegotiatedSRTP? {
            var local = SDPLocalCapabilities.bridge()
            if let suites { local.srtpSuites = suites }
            let answer = try SDPNegotiator.answer(offer: SessionDescription(parsing: Self.offer(.savp, crypto: crypto)),
                                                  local: local, origin: TestOrigins.bridge)
            return answer.session.audio?.srtp
        }
        let lines = ["a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:\(TestKeys.peerAES2)",
                     "a=crypto:2 AEAD_AES_128_GCM inline:\(TestKeys.peerGCM128)",
                     "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)",
                     "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES2)"]
        let preferred = try #require(try chosen(lines))
        #expect(preferred.tag == 3 && preferred.suite == .aesCM128HMACSHA1_80)
        #expect(preferred.inbound == TestKeys.material(.aesCM128HMACSHA1_80, base64: TestKeys.peerAES))
        #expect(preferred.outbound == TestKeys.ours(.aesCM128HMACSHA1_80))
        #expect(try chosen(Array(lines.prefix(2)))?.tag == 1)   // _32 before GCM
        #expect(try chosen(lines, suites: [.aesCM128HMACSHA1_32])?.tag == 1)
        if SRTPSuite.aeadAES128GCM.isSupported {
            let gcm = try #require(try chosen(lines, suites: [.aeadAES128GCM, .aesCM128HMACSHA1_80]))
            #expect(gcm.tag == 2 && gcm.suite == .aeadAES128GCM && gcm.outbound == TestKeys.ours(.aeadAES128GCM))
        }
        if SRTPSuite.aeadAES256GCM.isSupported {
            let gcm256 = try #require(try chosen(["a=crypto:9 AEAD_AES_256_GCM inline:\(TestKeys.peerGCM256)"]))
            #expect(gcm256.tag == 9 && gcm256.suite == .aeadAES256GCM)
        }
        // WSH is only a hint (RFC 4568 §6.3.6): the line is usable; the answer does not echo it.
        let wsh = try #require(try chosen(["a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES) WSH=128"]))
        #expect(wsh.tag == 5)
    }
}
