import MediaCore
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

    /// 4 × 25,000 inputs (the chunks run in parallel); every 8th parsed one is also answered
    /// as an offer and applied as an answer to ours.
    @Test(arguments: 0..<4)
    func parserAndNegotiatorSurviveMutatedAndRandomInput(chunk: Int) throws {
        var generator = SplitMix64(seed: 8866 &+ UInt64(chunk))
        var local = SDPLocalCapabilities.bridge()
        local.srtpSuites = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]
        let ourOffer = try SDPNegotiator.offer(local: local, origin: TestOrigins.bridge)
        let iterations = 25_000
        var parsed = 0, refused = 0, roundTripFailures = 0, emptyMessages = 0
        var negotiated = 0, answered = 0, applied = 0, badAnswers = 0
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
            guard parsed % 8 == 0 else { continue }

            // Answer it as an offer: success must give an answer that parses and fits.
            negotiated += 1
            if let answer = try? SDPNegotiator.answer(offer: description, local: local, origin: TestOrigins.bridge) {
                answered += 1
                let text = answer.description.serialized()
                if (try? SessionDescription(parsing: text))?.media.count != description.media.count { badAnswers += 1 }
            }
            // And as an answer to our offer: it may fail, never crash.
            if (try? SDPNegotiator.apply(answer: description, toOffer: ourOffer, local: local)) != nil { applied += 1 }
        }
        #expect(parsed + refused == iterations)
        #expect(parsed > 5_000 && refused > 5_000, "mutations reach both outcomes: parsed \(parsed), refused \(refused)")
        #expect(answered > negotiated / 4, "answered \(answered) of \(negotiated)")
        #expect(applied > 50, "applied \(applied)")
        #expect(roundTripFailures == 0)
        #expect(emptyMessages == 0)
        #expect(badAnswers == 0)
    }

    static func mutate(_ input: inout [UInt8], using generator: inout SplitMix64) {
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
        case 5:
            // Insert an interesting line at the start of a line.
            let lines = lineRanges(input)
            let at = lines[random(lines.count)].lowerBound
            input.insert(contentsOf: interestingLines[random(interestingLines.count)] + [0x0D, 0x0A], at: at)
        case 6:
            // Delete a line, or copy one elsewhere.
            let lines = lineRanges(input)
            let line = lines[random(lines.count)]
            if random(2) == 0 {
                input.removeSubrange(line)
            } else {
                input.insert(contentsOf: input[line], at: lines[random(lines.count)].lowerBound)
            }
        case 7:
            if !input.isEmpty { input[position] ^= 1 << UInt8(random(8)) }
        default:
            // Move a line: exercises the ordering rules.
            let lines = lineRanges(input)
            let line = lines[random(lines.count)]
            let moved = Array(input[line])
            input.removeSubrange(line)
            let target = lineRanges(input)
            input.insert(contentsOf: moved, at: target[random(target.count)].lowerBound)
        }
    }

    /// Each line's bytes including its LF (the last may lack one); never empty.
    static func lineRanges(_ input: [UInt8]) -> [Range<Int>] {
        var ranges: [Range<Int>] = []
        var start = 0, index = 0
        while index < input.count {
            if input[index] == 0x0A {
                ranges.append(start..<(index + 1))
                start = index + 1
            }
            index += 1
        }
        ranges.append(start..<input.count)
        return ranges
    }

    @Test func hugeRandomBodiesAreCheap() {
        // Over the limit: refused before splitting; at the limit: parsed or refused quickly.
        var generator = SplitMix64(seed: 64)
        let big = (0..<(SDPParser.maximumBodySize + 1)).map { _ in UInt8(truncatingIfNeeded: generator.next()) }
        #expect(throws: SDPError(.bodyTooLarge(bytes: big.count))) { try SessionDescription(parsing: big) }
        let lines = Array(String(repeating: "a=x\r\n", count: SDPParser.maximumBodySize / 5).utf8)
        #expect(throws: SDPError(.missingVersion, line: 1)) { try SessionDescription(parsing: lines) }
    }
}
