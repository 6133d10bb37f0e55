import MediaCore
import SRTP
import Testing

/// Protect/unprotect through our session wrapper for every suite libsrtp2 here supports:
/// lengths, tamper and replay rejection, counters, and libsrtp2's reference vectors.
@Suite("SRTPSession")
struct SRTPSessionTests {
    static let supported = SRTPSuite.allCases.filter(\.isSupported)

    static func pair(_ suite: SRTPSuite) throws -> (sender: SRTPSession, receiver: SRTPSession) {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        return (try SRTPSession(keyingMaterial: key, direction: .outbound),
                try SRTPSession(keyingMaterial: key, direction: .inbound))
    }

    @Test func theHMACSuitesAreAlwaysSupported() {
        #expect(SRTPSuite.aesCM128HMACSHA1_80.isSupported)
        #expect(SRTPSuite.aesCM128HMACSHA1_32.isSupported)
    }

    @Test(arguments: SRTPSuite.allCases)
    func unsupportedSuitesFailClearlyAndSupportedOnesCreate(suite: SRTPSuite) throws {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        if suite.isSupported {
            _ = try SRTPSession(keyingMaterial: key, direction: .inbound)
        } else {
            #expect(throws: SRTPError.suiteUnsupported(suite)) { try SRTPSession(keyingMaterial: key, direction: .inbound) }
        }
    }

    @Test(arguments: supported)
    func rtpRoundTrip(suite: SRTPSuite) throws {
        let (sender, receiver) = try Self.pair(suite)
        var mismatches = 0
        for sequence in UInt16(1)...200 {
            let plain = TestPackets.rtp(sequence: sequence, timestamp: UInt32(sequence) * 160,
                                        payload: TestPackets.payload(count: Int(sequence) * 7 % 1200, seed: Int(sequence)))
            let protected = try #require(sender.protectRTP(plain))
            #expect(protected.count == plain.count + suite.rtpTrailerLength)
            #expect(Array(protected[..<12]) == Array(plain[..<12]), "RTP header stays in the clear")
            if plain.count > 16 { #expect(protected[12..<plain.count] != plain[12...], "payload encrypted") }
            let (result, restored) = receiver.unprotectRTP(protected)
            #expect(result == .ok(length: plain.count))
            if firstMismatch(restored, plain) != nil { mismatches += 1 }
        }
        #expect(mismatches == 0)
        #expect(sender.rtpPacketsProtected == 200)
        #expect(receiver.rtpPacketsUnprotected == 200)
        #expect(receiver.drops.total == 0 && sender.protectFailures == 0)
    }

    @Test(arguments: supported)
    func rtcpRoundTrip(suite: SRTPSuite) throws {
        let (sender, receiver) = try Self.pair(suite)
        for count in UInt32(1)...50 {
            let plain = TestPackets.senderReport(packetCount: count)
            let protected = try #require(sender.protectRTCP(plain))
            #expect(protected.count == plain.count + suite.rtcpTrailerLength)
            // E flag set and SRTCP index counting from 1: before the tag for AES-CM (RFC 3711
            // §3.4), after it for AEAD (RFC 7714 §9).
            let indexAt = suite == .aeadAES128GCM || suite == .aeadAES256GCM ? protected.count - 4 : plain.count
            let index = protected[indexAt..<indexAt + 4].reduce(UInt32(0)) { $0 << 8 | UInt32($1) }
            #expect(index == 0x8000_0000 | count)
            #expect(protected[8..<plain.count] != plain[8...], "SRTCP encrypts after the first 8 bytes")
            let (result, restored) = receiver.unprotectRTCP(protected)
            #expect(result == .ok(length: plain.count))
            #expect(firstMismatch(restored, plain) == nil)
        }
        #expect(sender.rtcpPacketsProtected == 50 && receiver.rtcpPacketsUnprotected == 50)
        #expect(receiver.drops.total == 0)
    }

    @Test func tagLengthsMatchRFC4568() throws {
        let plain = TestPackets.rtp(sequence: 9, payload: TestPackets.payload(count: 160, seed: 1))
        let report = TestPackets.senderReport()
        for (suite, rtpTag) in [(SRTPSuite.aesCM128HMACSHA1_80, 10), (.aesCM128HMACSHA1_32, 4)] {
            let (sender, _) = try Self.pair(suite)
            #expect(try #require(sender.protectRTP(plain)).count - plain.count == rtpTag, "\(suite)")
            // SRTCP: 4-byte E+index, then the 80-bit tag for both suites.
            #expect(try #require(sender.protectRTCP(report)).count - report.count == 4 + 10, "\(suite)")
        }
    }

    @Test(arguments: supported)
    func tamperingFailsAuthenticationAndReplayIsRejected(suite: SRTPSuite) throws {
        let (sender, receiver) = try Self.pair(suite)
        let plain = TestPackets.rtp(sequence: 1000, payload: TestPackets.payload(count: 100, seed: 3))
        let protected = try #require(sender.protectRTP(plain))
        // One flipped bit in the header, the payload and the tag each.
        for position in [1, 8, 20, protected.count - 1] {
            var tampered = protected
            tampered[position] ^= 0x04
            #expect(receiver.unprotectRTP(tampered).0 == .dropped(.srtpAuthenticationFailed), "byte \(position)")
        }
        // Failed packets do not move the replay window: the genuine one still passes, once.
        #expect(receiver.unprotectRTP(protected).0 == .ok(length: plain.count))
        #expect(receiver.unprotectRTP(protected).0 == .dropped(.srtpReplay))

        let report = try #require(sender.protectRTCP(TestPackets.senderReport()))
        var tamperedReport = report
        tamperedReport[10] ^= 0x80
        #expect(receiver.unprotectRTCP(tamperedReport).0 == .dropped(.srtpAuthenticationFailed))
        #expect(receiver.unprotectRTCP(report).0 == .ok(length: 28))
        #expect(receiver.unprotectRTCP(report).0 == .dropped(.srtpReplay))

        #expect(receiver.drops[.srtpAuthenticationFailed] == 5)
        #expect(receiver.drops[.srtpReplay] == 2)
        #expect(receiver.drops.total == 7)
        #expect(receiver.rtpPacketsUnprotected == 1 && receiver.rtcpPacketsUnprotected == 1)
    }

    @Test func aDifferentKeyFailsAuthentication() throws {
        let (sender, _) = try Self.pair(.aesCM128HMACSHA1_80)
        let (_, stranger) = try Self.pair(.aesCM128HMACSHA1_80)
        let protected = try #require(sender.protectRTP(TestPackets.rtp(sequence: 5, payload: [1, 2, 3, 4])))
        #expect(stranger.unprotectRTP(protected).0 == .dropped(.srtpAuthenticationFailed))
    }

    @Test func replayWindowAcceptsReorderingAndRejectsTooOld() throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        let packets = try (UInt16(1)...1200).map { try #require(sender.protectRTP(TestPackets.rtp(sequence: $0, payload: [0, 1, 2, 3]))) }
        #expect(receiver.unprotectRTP(packets[1199]).0 == .ok(length: 16))    // seq 1200 first
        #expect(receiver.unprotectRTP(packets[999]).0 == .ok(length: 16))     // 200 behind: inside 1024
        #expect(receiver.unprotectRTP(packets[99]).0 == .dropped(.srtpReplay)) // 1100 behind: too old
        #expect(receiver.unprotectRTP(packets[999]).0 == .dropped(.srtpReplay))
        #expect(receiver.drops[.srtpReplay] == 2)
    }

    /// A NACK answer resends the same sequence number: the sender allows it and produces the
    /// same bytes (no keystream reuse on different data); the receiver drops the duplicate.
    @Test(arguments: supported)
    func retransmittingTheSameIndexIsAllowedOutboundAndRejectedInbound(suite: SRTPSuite) throws {
        let (sender, receiver) = try Self.pair(suite)
        let plain = TestPackets.rtp(sequence: 77, payload: TestPackets.payload(count: 50, seed: 9))
        let first = try #require(sender.protectRTP(plain))
        _ = try #require(sender.protectRTP(TestPackets.rtp(sequence: 78, payload: [9, 9, 9, 9])))
        let resent = try #require(sender.protectRTP(plain))
        #expect(firstMismatch(first, resent) == nil)
        #expect(receiver.unprotectRTP(first).0 == .ok(length: plain.count))
        #expect(receiver.unprotectRTP(resent).0 == .dropped(.srtpReplay))
    }

    @Test func severalSSRCsShareOneSession() throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        for ssrc in [UInt32(1), 0xDEAD_BEEF, 42] {
            for sequence in UInt16(1)...5 {
                let plain = TestPackets.rtp(sequence: sequence, ssrc: ssrc, payload: [UInt8(sequence), 0, 0, 0])
                let protected = try #require(sender.protectRTP(plain))
                #expect(receiver.unprotectRTP(protected).1 == plain)
            }
        }
        #expect(receiver.rtpPacketsUnprotected == 15)
    }

    @Test func protectRefusesBuffersWithoutRoomAndBadLengths() throws {
        let (sender, receiver) = try Self.pair(.aesCM128HMACSHA1_80)
        let plain = TestPackets.rtp(sequence: 1, payload: [1, 2, 3, 4])
        var tight = plain + [UInt8](repeating: 0, count: SRTPSession.maximumTrailerBytes - 1)
        let before = tight
        #expect(tight.withUnsafeMutableBytes { sender.protectRTP($0, length: plain.count) } == nil)
        #expect(tight.withUnsafeMutableBytes { sender.protectRTCP($0, length: plain.count) } == nil)
        #expect(tight == before, "buffer untouched")
        #expect(sender.protectFailures == 2)
        // Shorter than an RTP header: libsrtp2 refuses it.
        #expect(sender.protectRTP([0x80, 0, 0]) == nil)
        #expect(sender.protectFailures == 3 && sender.rtpPacketsProtected == 0)

        var buffer = [UInt8](repeating: 0, count: 64)
        #expect(buffer.withUnsafeMutableBytes { receiver.unprotectRTP($0, length: 65) } == .dropped(.srtpOtherError))
        #expect(buffer.withUnsafeMutableBytes { receiver.unprotectRTP($0, length: -1) } == .dropped(.srtpOtherError))
        #expect(receiver.unprotectRTP([]).0 == .dropped(.srtpOtherError))
        #expect(receiver.unprotectRTCP([0x80, 200]).0 == .dropped(.srtpOtherError))
        #expect(receiver.drops[.srtpOtherError] == 4)
    }

    // MARK: - libsrtp2's reference vectors (test/srtp_driver.c srtp_validate, srtp_validate_gcm)

    static let referenceRTP = bytes(hex: "800f1234decafbadcafebabe abababababababababababababababab")
    static let referenceRTCP = bytes(hex: "81c8000bcafebabe abababababababababababababababab")

    @Test func aesCM128ReferenceVectors() throws {
        let key = try SRTPKeyingMaterial(suite: .aesCM128HMACSHA1_80, keyAndSalt: bytes(
            hex: "e1f97a0d3e018be0d64fa32c06de4139 0ec675ad498afeebb6960b3aabe6"))
        let sender = try SRTPSession(keyingMaterial: key, direction: .outbound)
        let expectedRTP = bytes(hex: "800f1234decafbadcafebabe 4e55dc4ce79978d88ca4d215949d2402 b78d6acc99ea179b8dbb")
        let expectedRTCP = bytes(hex: "81c8000bcafebabe 7128035be487b9bdbef89041f977a5a8 80000001 993e08cd54d6c1230798")
        #expect(firstMismatch(try #require(sender.protectRTP(Self.referenceRTP)), expectedRTP) == nil)
        #expect(firstMismatch(try #require(sender.protectRTCP(Self.referenceRTCP)), expectedRTCP) == nil)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        #expect(receiver.unprotectRTP(expectedRTP).1 == Self.referenceRTP)
        #expect(receiver.unprotectRTCP(expectedRTCP).1 == Self.referenceRTCP)

        // The 32-bit suite encrypts identically and sends the first 4 bytes of the same tag.
        let short = try SRTPSession(keyingMaterial: SRTPKeyingMaterial(suite: .aesCM128HMACSHA1_32, keyAndSalt: key.keyAndSalt),
                                    direction: .outbound)
        #expect(firstMismatch(try #require(short.protectRTP(Self.referenceRTP)), Array(expectedRTP[..<32])) == nil)
    }

    @Test(.enabled(if: SRTPSuite.aeadAES128GCM.isSupported))
    func aesGCM128ReferenceVectors() throws {
        let key = try SRTPKeyingMaterial(suite: .aeadAES128GCM, keyAndSalt: bytes(
            hex: "000102030405060708090a0b0c0d0e0f a0a1a2a3a4a5a6a7a8a9aaab"))
        let sender = try SRTPSession(keyingMaterial: key, direction: .outbound)
        let expectedRTP = bytes(hex: """
            800f1234decafbadcafebabe c5002ede04cfdd2eb91159e0880aa06e d2976826f796b201df3131a127e8a392
            """)
        let expectedRTCP = bytes(hex: """
            81c8000bcafebabe c98b8b5df0392a55852b6c21ac8e7025 c52c6fbea2b3b446ea31123ba88ce61e 80000001
            """)
        #expect(firstMismatch(try #require(sender.protectRTP(Self.referenceRTP)), expectedRTP) == nil)
        #expect(firstMismatch(try #require(sender.protectRTCP(Self.referenceRTCP)), expectedRTCP) == nil)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        #expect(receiver.unprotectRTP(expectedRTP).1 == Self.referenceRTP)
        #expect(receiver.unprotectRTCP(expectedRTCP).1 == Self.referenceRTCP)
    }
}
