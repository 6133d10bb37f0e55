import RTP
import Testing

@Suite("RTCP generic NACK entries")
struct RTCPNACKTests {
    static func pack(_ lost: [UInt16]) -> [RTCPNACKEntry] {
        var entries: [RTCPNACKEntry] = []
        RTCPNACKEntry.pack(lost) { entries.append($0) }
        return entries
    }

    static func unpack(_ entries: [RTCPNACKEntry]) -> [UInt16] { entries.flatMap { Array($0.lostSequenceNumbers) } }

    @Test func lossesWithinSixteenShareAnEntry() {
        // 101 → bit 0, 105 → bit 4, 116 → bit 15; 117 is 17 after the PID: a new entry.
        #expect(Self.pack([100, 101, 105, 116, 117]) == [RTCPNACKEntry(packetID: 100, lostBitmask: 0x8011), RTCPNACKEntry(packetID: 117)])
        #expect(Self.pack([100, 101, 105, 117]) == [RTCPNACKEntry(packetID: 100, lostBitmask: 0x0011), RTCPNACKEntry(packetID: 117)])
        #expect(Self.unpack([RTCPNACKEntry(packetID: 100, lostBitmask: 0x8011)]) == [100, 101, 105, 116])
    }

    @Test func entriesSpanTheSequenceNumberWrap() {
        let lost: [UInt16] = [65534, 65535, 0, 1, 20]
        let entries = Self.pack(lost)
        // 65535, 0, 1 are 1, 2, 3 after 65534; 20 is 22 after it.
        #expect(entries == [RTCPNACKEntry(packetID: 65534, lostBitmask: 0b111), RTCPNACKEntry(packetID: 20)])
        #expect(Self.unpack(entries) == lost)
        #expect(Array(RTCPNACKEntry(packetID: 65530, lostBitmask: 0xFFFF).lostSequenceNumbers) == [65530, 65531, 65532, 65533, 65534, 65535] + Array(0...10))
    }

    @Test func duplicatesAndEmptyInput() {
        #expect(Self.pack([]).isEmpty)
        #expect(Self.pack([5, 5, 6, 6]) == [RTCPNACKEntry(packetID: 5, lostBitmask: 1)])
        #expect(RTCPNACKEntry(packetID: 9).lostCount == 1)
        #expect(RTCPNACKEntry(packetID: 9, lostBitmask: 0xFFFF).lostCount == 17)
    }

    @Test func unsortedInputStillReportsEveryNumber() {
        let lost: [UInt16] = [50, 10, 11, 49, 60]
        let reported = Set(Self.unpack(Self.pack(lost)))
        #expect(reported == Set(lost))
    }

    /// Any ascending run (mod 2^16) packs into the fewest entries and unpacks to itself.
    @Test func randomAscendingRunsRoundTrip() {
        var generator = RTCPFuzzGenerator(seed: 0x4E41_434B)
        for _ in 0..<2000 {
            var sequenceNumber = UInt16.random(in: 0...UInt16.max, using: &generator)
            var lost: [UInt16] = []
            for _ in 0..<Int.random(in: 1...60, using: &generator) {
                lost.append(sequenceNumber)
                sequenceNumber &+= UInt16.random(in: 1...25, using: &generator)
            }
            let entries = Self.pack(lost)
            let unpacked = Self.unpack(entries)
            #expect(unpacked.count == lost.count)
            #expect(rtcpFirstMismatchOfSequences(unpacked, lost) == nil)
            // Greedy packing: each entry's PID is a lost number 17+ after the previous PID.
            for (a, b) in zip(entries, entries.dropFirst()) { #expect(b.packetID &- a.packetID > 16) }
            // And the whole thing survives the wire.
            let written = rtcpWrite { RTCPWriter.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: lost, into: $0) }
            guard let written, case .genericNACK(_, _, let parsedEntries, let parsedLost) = rtcpParse(written).packets.first else {
                Issue.record("NACK did not round trip")
                return
            }
            #expect(parsedEntries == entries)
            #expect(rtcpFirstMismatchOfSequences(parsedLost, lost) == nil)
        }
    }

    @Test func parsedNACKEnumeratesLostNumbersWithoutCopying() {
        let bytes: [UInt8] = [
            0x81, 0xCD, 0x00, 0x04, 0, 0, 0, 1, 0, 0, 0, 2,
            0x00, 0x64, 0x00, 0x11,  // 100, 101, 105
            0x00, 0xC8, 0x00, 0x00,  // 200
        ]
        var lost: [UInt16] = []
        let reason = bytes.withUnsafeBytes { raw in
            RTCPCompoundPacket.forEach(in: raw) { packet in
                guard case .genericNACK(let nack) = packet else { return }
                #expect(nack.entries.count == 2)
                #expect(nack.entries[1].packetID == 200)
                for sequenceNumber in nack.lostSequenceNumbers { lost.append(sequenceNumber) }
            }
        }
        #expect(reason == nil)
        #expect(lost == [100, 101, 105, 200])
    }
}

func rtcpFirstMismatchOfSequences(_ a: [UInt16], _ b: [UInt16]) -> Int? {
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
    return a.count == b.count ? nil : min(a.count, b.count)
}
