import MediaCore
import RTP
import Testing

/// Seeded mutation and random fuzzing: whatever the bytes, the parser must not crash and must
/// answer with packets or one of the RTCP drop reasons, consistently on both parse paths.
@Suite("RTCP fuzz")
struct RTCPFuzzTests {
    /// Valid compounds to mutate: hand-written tables plus everything the writer produces.
    static func corpus() -> [[UInt8]] {
        var corpus: [[UInt8]] = [RTCPParserTests.senderReport, RTCPParserTests.sourceDescription]
        let info = RTCPWriterTests.info
        let block = RTCPWriterTests.block
        let writes: [(UnsafeMutableRawBufferPointer) -> Int?] = [
            { RTCPWriter.writeSenderReport(ssrc: 1, senderInfo: info, reportBlocks: [block, block, block], into: $0) },
            { RTCPWriter.writeReceiverReport(ssrc: 2, reportBlocks: [block], into: $0) },
            { RTCPWriter.writeReceiverReport(ssrc: 2, into: $0) },
            { RTCPWriter.writeSourceDescription(ssrc: 3, cname: "{4a1b7c9e-0d2f-4e6a-8b1c-3d5e7f9a0b2c}", into: $0) },
            { RTCPWriter.writeBye(ssrcs: [4, 5, 6], reason: "shutting down", into: $0) },
            { RTCPWriter.writeGenericNACK(senderSSRC: 7, mediaSSRC: 8, lostSequenceNumbers: [65530, 65533, 1, 2, 40, 41, 99], into: $0) },
            { RTCPWriter.writePictureLossIndication(senderSSRC: 9, mediaSSRC: 10, into: $0) },
            {
                RTCPWriter.writeFullIntraRequest(
                    senderSSRC: 11, entries: [RTCPFIREntry(ssrc: 12, sequenceNumber: 1), RTCPFIREntry(ssrc: 13, sequenceNumber: 2)],
                    into: $0)
            },
        ]
        for write in writes { if let bytes = rtcpWrite(write) { corpus.append(bytes) } }
        // Compounds of two and three, and packets with padding, from what is there so far.
        let singles = corpus
        for (i, a) in singles.enumerated() {
            corpus.append(a + singles[(i + 1) % singles.count])
            corpus.append(a + singles[(i + 3) % singles.count] + singles[(i + 5) % singles.count])
            var padded = a
            padded[0] |= 0x20
            let words = Int(padded[2]) << 8 | Int(padded[3])
            padded[2] = UInt8((words + 1) >> 8)
            padded[3] = UInt8((words + 1) & 0xFF)
            // Only a single packet's length can be patched this way; the padding goes at its end.
            let first = ((Int(a[2]) << 8 | Int(a[3])) + 1) * 4
            padded.insert(contentsOf: [0, 0, 0, 4], at: first)
            corpus.append(padded)
        }
        // An unknown feedback message (REMB) and an APP packet.
        corpus.append([0x8F, 0xCE, 0x00, 0x05, 0, 0, 0, 1, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 1, 8, 0, 0, 0, 0, 0, 0x0A])
        corpus.append([0x85, 0xCC, 0x00, 0x02, 0, 0, 0, 1, 0x54, 0x45, 0x53, 0x54])
        return corpus
    }

    static func mutate(_ input: [UInt8], using generator: inout RTCPFuzzGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &generator) {
            switch Int.random(in: 0..<9, using: &generator) {
            case 0 where !bytes.isEmpty:  // random byte value
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator)
            case 1 where !bytes.isEmpty:  // flip one bit
                bytes[Int.random(in: 0..<bytes.count, using: &generator)] ^= 1 << UInt8.random(in: 0..<8, using: &generator)
            case 2:  // truncate
                bytes.removeLast(Int.random(in: 0...bytes.count, using: &generator))
            case 3:  // extend with random bytes
                for _ in 0..<Int.random(in: 1...12, using: &generator) { bytes.append(UInt8.random(in: 0...255, using: &generator)) }
            case 4 where bytes.count >= 4:  // rewrite a length field (header at a 4-byte boundary)
                let at = Int.random(in: 0..<bytes.count / 4, using: &generator) * 4
                let delta = Int.random(in: -3...3, using: &generator)
                let words = (Int(bytes[at + 2]) << 8 | Int(bytes[at + 3])) + delta
                let value = Bool.random(using: &generator) ? UInt16(truncatingIfNeeded: words) : UInt16.random(in: 0...UInt16.max, using: &generator)
                bytes[at + 2] = UInt8(value >> 8)
                bytes[at + 3] = UInt8(value & 0xFF)
            case 5 where bytes.count >= 4:  // change the count/FMT and padding bits, keep V=2
                let at = Int.random(in: 0..<bytes.count / 4, using: &generator) * 4
                bytes[at] = 0x80 | UInt8.random(in: 0..<64, using: &generator)
            case 6 where bytes.count >= 4:  // change the packet type among the interesting ones
                let at = Int.random(in: 0..<bytes.count / 4, using: &generator) * 4
                bytes[at + 1] = UInt8.random(in: 199...207, using: &generator)
            case 7 where !bytes.isEmpty:  // set the last byte (the padding count) to something small
                bytes[bytes.count - 1] = UInt8.random(in: 0...12, using: &generator)
            case 8 where bytes.count >= 8:  // duplicate or drop a word
                let at = Int.random(in: 0..<bytes.count / 4, using: &generator) * 4
                if Bool.random(using: &generator) {
                    bytes.insert(contentsOf: bytes[at..<at + 4], at: at)
                } else {
                    bytes.removeSubrange(at..<at + 4)
                }
            default:
                break
            }
        }
        return bytes
    }

    static func random(using generator: inout RTCPFuzzGenerator) -> [UInt8] {
        var bytes = (0..<Int.random(in: 0...96, using: &generator)).map { _ in UInt8.random(in: 0...255, using: &generator) }
        // Half the time give it a plausible header so it gets past the version check.
        if bytes.count >= 4, Bool.random(using: &generator) {
            bytes[0] = 0x80 | (bytes[0] & 0x3F)
            bytes[1] = UInt8.random(in: 200...206, using: &generator)
            let words = bytes.count / 4 - 1 + Int.random(in: -1...1, using: &generator)
            bytes[2] = 0
            bytes[3] = UInt8(clamping: max(words, 0))
        }
        return bytes
    }

    struct Tally {
        var inputs = 0
        var valid = 0
        var packets = 0
        var reasons: [PacketDropReason: Int] = [:]
        var inconsistencies = 0
        var badReasons = 0
        var reencodeMismatches = 0
        /// Valid packets seen, by kind.
        var kinds: [String: Int] = [:]
    }

    /// Parses one input both ways and checks the two agree; re-encodes decodable packets.
    static func check(_ bytes: [UInt8], into tally: inout Tally) {
        tally.inputs += 1
        let parsed = rtcpParse(bytes)
        if parsed.dropReason != parsed.streamedDropReason { tally.inconsistencies += 1 }
        if let reason = parsed.dropReason {
            if !rtcpDropReasons.contains(reason) { tally.badReasons += 1 }
            tally.reasons[reason, default: 0] += 1
            if !parsed.packets.isEmpty { tally.inconsistencies += 1 }
        } else {
            tally.valid += 1
            tally.packets += parsed.packets.count
            if parsed.packets != parsed.streamed || parsed.packets.isEmpty { tally.inconsistencies += 1 }
            for packet in parsed.packets {
                tally.kinds[packet.kind, default: 0] += 1
                if !reencodes(packet) { tally.reencodeMismatches += 1 }
            }
        }
    }

    /// A parsed packet written back by `RTCPWriter` parses to the same value (padding and
    /// profile extensions aside, which the writer does not produce).
    static func reencodes(_ packet: RTCPDecoded) -> Bool {
        let written: [UInt8]?
        var expected = packet
        switch packet {
        case .senderReport(let ssrc, let info, let blocks, let ext):
            written = rtcpWrite { RTCPWriter.writeSenderReport(ssrc: ssrc, senderInfo: info, reportBlocks: blocks, into: $0) }
            if !ext.isEmpty { expected = .senderReport(ssrc: ssrc, info: info, blocks: blocks, profileExtension: []) }
        case .receiverReport(let ssrc, let blocks, let ext):
            written = rtcpWrite { RTCPWriter.writeReceiverReport(ssrc: ssrc, reportBlocks: blocks, into: $0) }
            if !ext.isEmpty { expected = .receiverReport(ssrc: ssrc, blocks: blocks, profileExtension: []) }
        case .genericNACK(let sender, let media, let entries, _):
            written = rtcpWrite(capacity: 4096) { RTCPWriter.writeGenericNACK(senderSSRC: sender, mediaSSRC: media, entries: entries, into: $0) }
        case .pictureLossIndication(let sender, let media):
            written = rtcpWrite { RTCPWriter.writePictureLossIndication(senderSSRC: sender, mediaSSRC: media, into: $0) }
        case .fullIntraRequest(let sender, _, let entries):
            written = rtcpWrite(capacity: 4096) { RTCPWriter.writeFullIntraRequest(senderSSRC: sender, entries: entries, into: $0) }
            expected = .fullIntraRequest(senderSSRC: sender, mediaSSRC: 0, entries: entries)
        case .sourceDescription, .bye, .unknown:
            return true
        }
        guard let written else { return false }
        let reparsed = rtcpParse(written)
        return reparsed.dropReason == nil && reparsed.packets == [expected]
    }

    @Test func mutatedAndRandomInputsNeverCrashAndAlwaysClassify() {
        var generator = RTCPFuzzGenerator(seed: 0x5254_4350_4655_5A5A)
        let corpus = Self.corpus()
        var tally = Tally()
        for round in 0..<120_000 {
            let input: [UInt8]
            switch round % 4 {
            case 0, 1, 2: input = Self.mutate(corpus[Int.random(in: 0..<corpus.count, using: &generator)], using: &generator)
            default: input = Self.random(using: &generator)
            }
            Self.check(input, into: &tally)
        }
        // The unmutated corpus is all valid.
        for bytes in corpus {
            let parsed = rtcpParse(bytes)
            #expect(parsed.dropReason == nil)
        }
        #expect(tally.inputs == 120_000)
        #expect(tally.inconsistencies == 0)
        #expect(tally.badReasons == 0)
        #expect(tally.reencodeMismatches == 0)
        // The fuzzer reached every outcome, so the checks above meant something.
        #expect(tally.valid > 20000)
        for reason in rtcpDropReasons { #expect((tally.reasons[reason] ?? 0) > 2000, "\(reason)") }
        for kind in RTCPDecoded.kinds { #expect((tally.kinds[kind] ?? 0) > 500, "\(kind)") }
    }

    /// Each corpus entry (single packets and compounds) cut at every length.
    @Test func everyCutOfEveryCorpusEntry() {
        var tally = Tally()
        for bytes in Self.corpus() {
            for length in 0...bytes.count { Self.check(Array(bytes[0..<length]), into: &tally) }
        }
        #expect(tally.inconsistencies == 0)
        #expect(tally.badReasons == 0)
    }
}

extension RTCPDecoded {
    static let kinds = ["SR", "RR", "SDES", "BYE", "NACK", "PLI", "FIR", "unknown"]

    var kind: String {
        switch self {
        case .senderReport: return "SR"
        case .receiverReport: return "RR"
        case .sourceDescription: return "SDES"
        case .bye: return "BYE"
        case .genericNACK: return "NACK"
        case .pictureLossIndication: return "PLI"
        case .fullIntraRequest: return "FIR"
        case .unknown: return "unknown"
        }
    }
}
