import MediaCore
import SRTP
import Testing

/// Seeded random and mutation inputs: the SDES parser and unprotect must never crash, never
/// accept garbage, and parser output must survive its own round trip.
@Suite("SRTP fuzz")
struct SRTPFuzzTests {
    static let seeds = [
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32",
        "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj|2^31",
        "a=crypto:3 AEAD_AES_128_GCM inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA==",
        "a=crypto:4 AEAD_AES_256_GCM inline:AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw= WSH=64",
        "crypto:99 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR KDR=2 -X",
    ]
    /// Bytes the grammar cares about, so mutations hit interesting paths, plus some outside it.
    static let interesting = Array(" \t|:;^=+/019AZaz_-\r\n\u{0}".utf8) + [0x7F, 0xC3, 0xA9, 0xFF]

    @Test func attributeParserSurvivesMutatedAndRandomInput() {
        var generator = SeededGenerator(seed: 4568)
        let seeds = Self.seeds.map { Array($0.utf8) }
        var parsed = 0, refused = 0, roundTripFailures = 0, emptyMessages = 0
        for iteration in 0..<100_000 {
            var input: [UInt8]
            if iteration % 10 == 0 {
                input = generator.bytes(count: Int(generator.next() % 121))
            } else {
                input = seeds.randomElement(using: &generator)!
                for _ in 0..<Int.random(in: 1...4, using: &generator) {
                    Self.mutate(&input, using: &generator)
                }
            }
            do {
                let attribute = try SRTPCryptoAttribute(parsing: String(decoding: input, as: UTF8.self))
                parsed += 1
                if (try? SRTPCryptoAttribute(parsing: attribute.line)) != attribute { roundTripFailures += 1 }
                _ = try? attribute.usableKeyingMaterial()
            } catch {
                refused += 1
                if error.description.isEmpty { emptyMessages += 1 }
            }
        }
        #expect(parsed + refused == 100_000)
        #expect(parsed > 1_000 && refused > 50_000, "mutations reach both outcomes: parsed \(parsed), refused \(refused)")
        #expect(roundTripFailures == 0)
        #expect(emptyMessages == 0)
    }

    static func mutate(_ input: inout [UInt8], using generator: inout SeededGenerator) {
        let position = input.isEmpty ? 0 : Int.random(in: 0..<input.count, using: &generator)
        switch Int.random(in: 0..<6, using: &generator) {
        case 0 where !input.isEmpty: input[position] = interesting.randomElement(using: &generator)!
        case 1: input.insert(interesting.randomElement(using: &generator)!, at: position)
        case 2 where !input.isEmpty: input.removeSubrange(position..<min(input.count, position + Int.random(in: 1...8, using: &generator)))
        case 3 where !input.isEmpty:
            let end = min(input.count, position + Int.random(in: 1...12, using: &generator))
            input.insert(contentsOf: input[position..<end], at: Int.random(in: 0...input.count, using: &generator))
        case 4: input.removeLast(Int.random(in: 0...min(input.count, 20), using: &generator))
        default: if !input.isEmpty { input[position] ^= 1 << UInt8.random(in: 0...7, using: &generator) }
        }
    }

    /// Random bytes, RTP-looking random bytes, and valid SRTP packets with bits flipped, bytes
    /// inserted or removed, or cut short: every one is dropped and counted, none crashes.
    @Test(arguments: SRTPSuite.allCases.filter(\.isSupported))
    func unprotectDropsGarbage(suite: SRTPSuite) throws {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        let sender = try SRTPSession(keyingMaterial: key, direction: .outbound)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        var generator = SeededGenerator(seed: 3711 &+ UInt64(suite.keyAndSaltLength))
        var valid: [[UInt8]] = []
        for sequence in UInt16(1)...64 {
            let plain = TestPackets.rtp(sequence: sequence, payloadType: 111,
                                        payload: TestPackets.payload(count: Int(sequence) * 13 % 300, seed: Int(sequence)))
            valid.append(try #require(sender.protectRTP(plain)))
        }
        let iterations = suite == .aesCM128HMACSHA1_80 ? 100_000 : 25_000
        var accepted = 0
        var buffer = [UInt8](repeating: 0, count: 2048)
        for iteration in 0..<iterations {
            let length: Int
            switch iteration % 4 {
            case 0, 1:
                length = Int(generator.next() % 401)
                buffer.withUnsafeMutableBytes { generator.fill(UnsafeMutableRawBufferPointer(rebasing: $0[..<length])) }
                // Half of them RTP version 2 with a full header, so libsrtp2 gets to authentication.
                if iteration % 4 == 1 && length >= 12 { buffer[0] = 0x80 | (buffer[0] & 0x3F) }
            default:
                let original = valid.randomElement(using: &generator)!
                var packet = original
                repeat {
                    Self.mutatePacket(&packet, using: &generator)
                } while packet == original
                length = packet.count
                buffer.withUnsafeMutableBytes { $0.copyBytes(from: packet) }
            }
            let result = buffer.withUnsafeMutableBytes { receiver.unprotectRTP($0, length: length) }
            if case .ok = result { accepted += 1 }
        }
        #expect(accepted == 0)
        #expect(receiver.drops.total == iterations)
        #expect(receiver.drops[.srtpAuthenticationFailed] > iterations / 4)
        // The genuine packets still pass after all that.
        var genuine = 0
        for packet in valid { if case .ok = receiver.unprotectRTP(packet).0 { genuine += 1 } }
        #expect(genuine == valid.count)
    }

    static func mutatePacket(_ packet: inout [UInt8], using generator: inout SeededGenerator) {
        let position = Int.random(in: 0..<packet.count, using: &generator)
        switch Int.random(in: 0..<4, using: &generator) {
        case 0: packet[position] ^= 1 << UInt8.random(in: 0...7, using: &generator)
        case 1: packet[position] = UInt8.random(in: 0...255, using: &generator)
        case 2: packet.insert(UInt8.random(in: 0...255, using: &generator), at: position)
        default: packet.removeLast(Int.random(in: 1...min(packet.count, 24), using: &generator))
        }
    }

    @Test func unprotectRTCPDropsGarbage() throws {
        let key = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80)
        let sender = try SRTPSession(keyingMaterial: key, direction: .outbound)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        var generator = SeededGenerator(seed: 3550)
        let valid = try (UInt32(1)...32).map { try #require(sender.protectRTCP(TestPackets.senderReport(packetCount: $0))) }
        var accepted = 0
        for iteration in 0..<30_000 {
            var packet: [UInt8]
            if iteration % 2 == 0 {
                packet = generator.bytes(count: Int(generator.next() % 201))
            } else {
                let original = valid.randomElement(using: &generator)!
                packet = original
                repeat { Self.mutatePacket(&packet, using: &generator) } while packet == original
            }
            if case .ok = receiver.unprotectRTCP(packet).0 { accepted += 1 }
        }
        #expect(accepted == 0)
        #expect(receiver.drops.total == 30_000)
    }
}
