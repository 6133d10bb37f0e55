import SDP
import SRTP
import Testing

/// Seeded random and mutated bodies: the parser must never crash, every refusal must carry a
/// message, whatever parses must survive its own round trip, and the negotiator must cope
/// with whatever the parser accepts.
@Suite("SDP fuzz")
struct SDPFuzzTests {
    static let seeds: [[UInt8]] = [
        RealWorldOffers.baresipPlain, RealWorldOffers.baresipSRTP, RealWorldOffers.linphone, RealWorldOffers.roomSystem,
        SDPParserTests.rfc8866Example, SDPOfferTests.baresipAnswer,
    ].map { Array($0.utf8) }

    /// Bytes and lines the grammar cares about, so mutations reach deep paths.
    static let interestingBytes = Array(" \t\r\n:=/;*-.0123456789amvcotsbiIN".utf8) + [0x00, 0x7F, 0xC3, 0xA9, 0xCC, 0x81, 0xFF]
    static let interestingLines = [
        "m=audio 5004 RTP/AVP 0", "m=video 0 RTP/SAVPF 96", "m=application 9 TCP/BFCP *", "c=IN IP4 0.0.0.0",
        "c=IN IP6 ::", "a=sendonly", "a=inactive", "a=rtcp-mux", "a=rtcp:9", "a=rtpmap:96 H264/90000",
        "a=fmtp:96 profile-level-id=42e01f;packetization-mode=1;max-fs=99999999999", "a=fmtp:96 packetization-mode=2",
        "a=rtpmap:111 opus/48000/2", "a=rtpmap:101 telephone-event/48000", "a=rtcp-fb:* nack pli",
        "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(TestKeys.peerAES)", "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:",
        "a=content:slides", "a=mid:0", "b=AS:99999999999999999999", "t=0 0", "v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "",
    ].map { Array($0.utf8) }

    @Test func parserAndNegotiatorSurviveMutatedAndRandomInput() throws {
        var generator = SeededGenerator(seed: 8866)
        var local = SDPLocalCapabilities.bridge()
        local.srtpSuites = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]
        let ourOffer = try SDPNegotiator.offer(local: local, origin: TestOrigins.bridge)
        let iterations = 120_000
        var parsed = 0, refused = 0, roundTripFailures = 0, emptyMessages = 0, answered = 0, applied = 0
        var badAnswers = 0
        for iteration in 0..<iterations {
            var input: [UInt8]
            if iteration % 20 == 0 {
                input = (0..<Int(generator.next() % 400)).map { _ in
                    Self.interestingBytes[Int(generator.next() % UInt64(Self.interestingBytes.count))]
                }
            } else {
                input = Self.seeds[Int(generator.next() % UInt64(Self.seeds.count))]
                for _ in 0..<Int(1 + generator.next() % 4) { Self.mutate(&input, using: &generator) }
            }
            let description: SessionDescription
            do {
                description = try SessionDescription(parsing: input)
            } catch {
                refused += 1
                if error.description.isEmpty { emptyMessages += 1 }
                continue
            }
            parsed += 1
            if (try? SessionDescription(parsing: description.serialized())) != description { roundTripFailures += 1 }

            // Answer it as an offer: success must give an answer that parses and fits.
            if let answer = try? SDPNegotiator.answer(offer: description, local: local, origin: TestOrigins.bridge) {
                answered += 1
                let text = answer.description.serialized()
                if (try? SessionDescription(parsing: text))?.media.count != description.media.count { badAnswers += 1 }
            }
            // And as an answer to our offer: it may fail, never crash.
            if (try? SDPNegotiator.apply(answer: description, toOffer: ourOffer, local: local)) != nil { applied += 1 }
        }
        #expect(parsed + refused == iterations)
        #expect(parsed > 20_000 && refused > 20_000, "mutations reach both outcomes: parsed \(parsed), refused \(refused)")
        #expect(answered > 10_000, "answered \(answered)")
        #expect(applied > 1_000, "applied \(applied)")
        #expect(roundTripFailures == 0)
        #expect(emptyMessages == 0)
        #expect(badAnswers == 0)
    }

    static func mutate(_ input: inout [UInt8], using generator: inout SeededGenerator) {
        func random(_ upper: Int) -> Int { upper <= 0 ? 0 : Int(generator.next() % UInt64(upper)) }
        let position = random(input.count)
        switch random(9) {
        case 0 where !input.isEmpty: input[position] = interestingBytes[random(interestingBytes.count)]
        case 1: input.insert(interestingBytes[random(interestingBytes.count)], at: position)
        case 2 where !input.isEmpty: input.removeSubrange(position..<min(input.count, position + 1 + random(8)))
        case 3 where !input.isEmpty:
            let end = min(input.count, position + 1 + random(40))
            input.insert(contentsOf: input[position..<end], at: random(input.count + 1))
        case 4: input.removeLast(random(min(input.count, 40) + 1))
        case 5, 6:
            // Line-level: insert an interesting line at a line start, or delete / duplicate a line.
            var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            let index = random(lines.count)
            switch random(3) {
            case 0: lines.insert(interestingLines[random(interestingLines.count)] + [0x0D], at: index)
            case 1 where lines.count > 1: lines.remove(at: index)
            default: if !lines.isEmpty { lines.insert(lines[index], at: random(lines.count + 1)) }
            }
            input = Array(lines.joined(separator: [0x0A]))
        case 7:
            if !input.isEmpty { input[position] ^= 1 << UInt8(random(8)) }
        default:
            // Swap two lines: exercises ordering rules.
            var lines = input.split(separator: 0x0A, omittingEmptySubsequences: false).map(Array.init)
            if lines.count > 1 { lines.swapAt(random(lines.count), random(lines.count)) }
            input = Array(lines.joined(separator: [0x0A]))
        }
    }

    @Test func hugeRandomBodiesAreCheap() {
        // Over the limit: refused before splitting; at the limit: parsed or refused quickly.
        var generator = SeededGenerator(seed: 64)
        let big = (0..<(SDPParser.maximumBodySize + 1)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        #expect(throws: SDPError(.bodyTooLarge(bytes: big.count))) { try SessionDescription(parsing: big) }
        let lines = Array(String(repeating: "a=x\r\n", count: SDPParser.maximumBodySize / 5).utf8)
        #expect(throws: SDPError(.missingVersion, line: 1)) { try SessionDescription(parsing: lines) }
    }
}
