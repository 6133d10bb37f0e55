import MediaCore
import RTP
import Testing

@Suite("RTP header (RFC 3550 §5.1, RFC 8285, RFC 6464)")
struct RTPPacketTests {
    @Test func parsesAnAnnotatedPacket() throws {
        let bytes: [UInt8] = [
            0x92,                   // V=2, P=0, X=1, CC=2
            0xE0,                   // M=1, PT=96
            0x12, 0x34,             // sequence 0x1234
            0x00, 0x01, 0x5F, 0x90, // timestamp 90000
            0xDE, 0xAD, 0xBE, 0xEF, // SSRC
            0x00, 0x00, 0x00, 0x01, // CSRC 1
            0x00, 0x00, 0x00, 0x02, // CSRC 2
            0xBE, 0xDE, 0x00, 0x01, // one-byte extension, 1 word
            0x10, 0x85, 0x00, 0x00, // id 1, len 1: 0x85 (V=1, level 5); padding
            0xAA, 0xBB, 0xCC,       // payload
        ]
        try withRTPPacket(bytes) { result in
            guard case .packet(let p) = result else { Issue.record("not parsed"); return }
            #expect(p.marker && p.payloadType == 96 && p.sequenceNumber == 0x1234 && p.timestamp == 90_000 && p.ssrc == 0xDEADBEEF)
            #expect(p.csrcCount == 2 && p.csrc(0) == 1 && p.csrc(1) == 2)
            #expect(p.extensionProfile == 0xBEDE && p.extensionRange == 24..<28)
            #expect(Array(p.payload) == [0xAA, 0xBB, 0xCC])
            let level = try #require(RTPHeaderExtensions.audioLevel(id: 1, in: p))
            #expect(level.voiceActivity && level.level == 5)
            #expect(RTPHeaderExtensions.element(2, in: p) == nil)
        }
    }

    @Test func paddingIsRemovedFromThePayload() {
        // RFC 3550 §5.1: P=1, last octet = padding count including itself.
        let bytes: [UInt8] = [0xA0, 0x00, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0x11, 0x22, 0x00, 0x00, 0x03]
        withRTPPacket(bytes) { result in
            guard case .packet(let p) = result else { Issue.record("not parsed"); return }
            #expect(Array(p.payload) == [0x11, 0x22] && p.paddingLength == 3)
        }
    }

    @Test func twoByteExtensionElements() {
        let bytes: [UInt8] = [0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9,
                              0x10, 0x00, 0x00, 0x02,          // two-byte profile, 2 words
                              0x03, 0x02, 0xAB, 0xCD,          // id 3, len 2
                              0x00, 0x07, 0x00, 0x00,          // padding, id 7 len 0, padding
                              0x55]
        withRTPPacket(bytes) { result in
            guard case .packet(let p) = result else { Issue.record("not parsed"); return }
            var seen: [(UInt8, [UInt8])] = []
            #expect(RTPHeaderExtensions.forEachElement(in: p) { id, data in seen.append((id, Array(data))); return true } == nil)
            #expect(seen.count == 2 && seen[0].0 == 3 && seen[0].1 == [0xAB, 0xCD] && seen[1].0 == 7 && seen[1].1.isEmpty)
        }
    }

    @Test("malformed headers are dropped with their reason", arguments: [
        ([0x80, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0], PacketDropReason.rtpTruncatedHeader),                 // 11 bytes
        ([0x40, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9], .rtpBadVersion),                                    // V=1
        ([0xC0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9], .rtpBadVersion),                                    // V=3
        ([0x83, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0, 0, 0, 1], .rtpCSRCPastEnd),                        // CC=3, 1 CSRC
        ([0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xBE, 0xDE], .rtpExtensionPastEnd),                   // ext header cut
        ([0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xBE, 0xDE, 0, 2, 0x10, 0, 0, 0], .rtpExtensionPastEnd), // 2 words, 1 present
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xAA, 0x05], .rtpPaddingTooLong),                     // pad 5 > 2
        ([0xA0, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xAA, 0x00], .rtpPaddingTooLong),                     // pad count 0
    ] as [([UInt8], PacketDropReason)])
    func malformed(bytes: [UInt8], reason: PacketDropReason) {
        #expect(dropReason(bytes) == reason)
    }

    @Test func badExtensionElementIsReported() {
        // One-byte element claiming 4 bytes where 2 remain.
        let bytes: [UInt8] = [0x90, 0x60, 0, 1, 0, 0, 0, 1, 0, 0, 0, 9, 0xBE, 0xDE, 0, 1, 0x13, 0xAA, 0xBB, 0xCC]
        withRTPPacket(bytes) { result in
            guard case .packet(let p) = result else { Issue.record("header itself is fine"); return }
            #expect(RTPHeaderExtensions.forEachElement(in: p) { _, _ in true } == .rtpBadExtension)
        }
    }

    @Test func headerWriterRoundTripsWithExtensionsAndCSRCs() throws {
        var buffer = [UInt8](repeating: 0xFF, count: 64)
        let header = RTPHeader(marker: true, payloadType: 111, sequenceNumber: 65535, timestamp: 0xFFFF_FFF0, ssrc: 42, csrcs: [7, 8])
        let n = try #require(buffer.withUnsafeMutableBytes { b in
            header.write(into: b) { ext in
                ext.appendAudioLevel(id: 1, voiceActivity: true, level: 30)
                ext.appendByte(id: 4, 0x99)
            }
        })
        #expect(n == 12 + 8 + 4 + 4)   // fixed + 2 CSRC + ext header + 4 bytes of elements (3 used + 1 pad)
        buffer[n] = 0x42
        try withRTPPacket(Array(buffer[0...n])) { result in
            guard case .packet(let p) = result else { Issue.record("round trip failed"); return }
            #expect(p.marker && p.payloadType == 111 && p.sequenceNumber == 65535 && p.timestamp == 0xFFFF_FFF0 && p.ssrc == 42)
            #expect(p.csrcCount == 2 && p.csrc(1) == 8)
            let level = try #require(RTPHeaderExtensions.audioLevel(id: 1, in: p))
            #expect(level.voiceActivity && level.level == 30)
            #expect(RTPHeaderExtensions.element(4, in: p).map(Array.init) == [0x99])
            #expect(Array(p.payload) == [0x42])
        }
        // Too small a buffer: nil, not a crash.
        var small = [UInt8](repeating: 0, count: 14)
        #expect(small.withUnsafeMutableBytes { header.write(into: $0) } == nil)
    }

    @Test func rtcpIsToldApartFromRTPUnderRTCPMux() {
        #expect([UInt8]([0x80, 200, 0, 6]).withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })
        #expect([UInt8]([0x81, 206, 0, 2]).withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })
        #expect(![UInt8]([0x80, 96, 0, 1]).withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })
        #expect(![UInt8]([0x80, 0xE0, 0, 1]).withUnsafeBytes { RTPPacket.looksLikeRTCP($0) })  // M=1 PT=96
    }

    /// ≥ 100,000 mutated and random inputs: every one parses or is dropped with a reason, and
    /// every parsed view stays inside its bytes.
    @Test func seededMutationNeverCrashes() {
        var rng = RTPFuzzGenerator(seed: 2026)
        let seedPacket: [UInt8] = [0x92, 0xE0, 0x12, 0x34, 0, 1, 0x5F, 0x90, 0xDE, 0xAD, 0xBE, 0xEF, 0, 0, 0, 1, 0, 0, 0, 2,
                                   0xBE, 0xDE, 0, 1, 0x10, 0x85, 0, 0, 0xAA, 0xBB, 0xCC]
        var parsed = 0, dropped = 0
        for i in 0..<120_000 {
            var bytes: [UInt8]
            if i % 5 == 0 {
                bytes = (0..<Int.random(in: 0...64, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            } else {
                bytes = seedPacket
                for _ in 0..<Int.random(in: 1...4, using: &rng) { bytes[Int.random(in: 0..<bytes.count, using: &rng)] = UInt8.random(in: 0...255, using: &rng) }
                if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0...bytes.count, using: &rng)) }
            }
            withRTPPacket(bytes) { result in
                switch result {
                case .packet(let p):
                    parsed += 1
                    if p.payloadRange.upperBound > bytes.count || p.payloadRange.lowerBound > p.payloadRange.upperBound || p.extensionRange.upperBound > bytes.count {
                        Issue.record("view outside the packet for input \(bytes)")
                    }
                    _ = RTPHeaderExtensions.forEachElement(in: p) { _, data in _ = data.count; return true }
                case .dropped:
                    dropped += 1
                }
            }
        }
        #expect(parsed > 10_000 && dropped > 10_000)
    }
}
