import MediaCore
import RTP
import Testing

@Suite("RTCP writer")
struct RTCPWriterTests {
    static let info = RTCPSenderInfo(
        ntpTimestamp: NTPTimestamp(seconds: 0xE89A_3B00, fraction: 0x8000_0000), rtpTimestamp: 90000, packetCount: 1000,
        octetCount: 1_000_000)
    static let block = RTCPReportBlock(
        ssrc: 0xAABB_CCDD, fractionLost: 64, cumulativeLost: -2, extendedHighestSequence: 0x0001_0010, jitter: 32,
        lastSR: 0x3B00_8000, delaySinceLastSR: 0x0001_8000)

    @Test func senderReportMatchesTheHandWrittenBytes() {
        let written = rtcpWrite { RTCPWriter.writeSenderReport(ssrc: 0x1234_5678, senderInfo: Self.info, reportBlocks: [Self.block], into: $0) }
        #expect(written.map { rtcpFirstMismatch($0, RTCPParserTests.senderReport) } == .some(nil))
    }

    @Test func senderReportWithoutBlocks() {
        let written = rtcpWrite { RTCPWriter.writeSenderReport(ssrc: 1, senderInfo: Self.info, into: $0) }
        #expect(written?.count == 28)
        #expect(written?.prefix(4) == [0x80, 0xC8, 0x00, 0x06])  // RC=0 | SR | length=6
        #expect(written.map { rtcpParse($0).packets } == [.senderReport(ssrc: 1, info: Self.info, blocks: [], profileExtension: [])])
    }

    @Test func receiverReportRoundTripsEveryBlockField() {
        var blocks: [RTCPReportBlock] = []
        for i in 0..<31 {
            let n = UInt32(i)
            let lost = Int32(i) * 1000 - 15000
            blocks.append(
                RTCPReportBlock(
                    ssrc: n &* 0x0101_0101, fractionLost: UInt8(i * 8), cumulativeLost: lost,
                    extendedHighestSequence: n << 16 | 0xFFF0, jitter: n * 3, lastSR: ~n, delaySinceLastSR: n << 12))
        }
        let written = rtcpWrite { RTCPWriter.writeReceiverReport(ssrc: 0xFEED_F00D, reportBlocks: blocks, into: $0) }
        #expect(written?.count == 8 + 31 * 24)
        #expect(written?.first == UInt8(0x9F))  // V=2 P=0 RC=31
        let expected: [RTCPDecoded] = [.receiverReport(ssrc: 0xFEED_F00D, blocks: blocks, profileExtension: [])]
        #expect(written.map { rtcpParse($0).packets } == expected)
    }

    @Test func emptyReceiverReport() {
        #expect(rtcpWrite { RTCPWriter.writeReceiverReport(ssrc: 9, into: $0) } == [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x09])
    }

    @Test(arguments: [
        (Int32(0), Int32(0)), (-1, -1), (1, 1), (8_388_607, 8_388_607), (-8_388_608, -8_388_608),
        (8_388_608, 8_388_607), (-8_388_609, -8_388_608), (.max, 8_388_607), (.min, -8_388_608),
    ])
    func cumulativeLostIsClampedTo24BitSigned(value: Int32, expected: Int32) {
        let block = RTCPReportBlock(ssrc: 1, cumulativeLost: value)
        let written = rtcpWrite { RTCPWriter.writeReceiverReport(ssrc: 2, reportBlocks: [block], into: $0) }
        guard let written, case .receiverReport(_, let blocks, _) = rtcpParse(written).packets.first else {
            Issue.record("did not round trip")
            return
        }
        #expect(blocks.first?.cumulativeLost == expected)
    }

    @Test func moreThan31BlocksOrSSRCsCannotBeEncoded() {
        let blocks = [RTCPReportBlock](repeating: Self.block, count: 32)
        #expect(rtcpWrite(capacity: 4000) { RTCPWriter.writeReceiverReport(ssrc: 1, reportBlocks: blocks, into: $0) } == nil)
        #expect(rtcpWrite(capacity: 4000) { RTCPWriter.writeSenderReport(ssrc: 1, senderInfo: Self.info, reportBlocks: blocks, into: $0) } == nil)
        #expect(rtcpWrite { RTCPWriter.writeBye(ssrcs: (0..<32).map { UInt32($0) }, into: $0) } == nil)
    }

    @Test func sourceDescriptionPadsWithAtLeastOneNull() {
        // "user@host": 2 + 9 = 11 item bytes, 1 null ends the list at 12: aligned, no more.
        #expect(
            rtcpWrite { RTCPWriter.writeSourceDescription(ssrc: 0x1111_1111, cname: "user@host", into: $0) } == [
                0x81, 0xCA, 0x00, 0x04,  // SC=1 | SDES | length=4 (20 bytes)
                0x11, 0x11, 0x11, 0x11,  // SSRC
                0x01, 0x09, 0x75, 0x73, 0x65, 0x72, 0x40, 0x68, 0x6F, 0x73, 0x74,  // CNAME "user@host"
                0x00,  // end of list
            ])
        // "ab": 2 + 2 = 4 item bytes end on a boundary, so a whole word of nulls follows.
        #expect(
            rtcpWrite { RTCPWriter.writeSourceDescription(ssrc: 5, cname: "ab", into: $0) } == [
                0x81, 0xCA, 0x00, 0x03, 0x00, 0x00, 0x00, 0x05, 0x01, 0x02, 0x61, 0x62, 0x00, 0x00, 0x00, 0x00,
            ])
        // Every length from 0 to 255 parses back to the same CNAME.
        for length in 0...255 {
            let cname = String(repeating: "c", count: length)
            guard let written = rtcpWrite(capacity: 300, { RTCPWriter.writeSourceDescription(ssrc: 7, cname: cname, into: $0) }) else {
                Issue.record("length \(length) refused")
                return
            }
            #expect(written.count % 4 == 0)
            #expect(written.last == 0)
            let value = Array(cname.utf8)
            let parsed = rtcpParse(written)
            #expect(parsed.packets == [.sourceDescription([.init(ssrc: 7, items: [.init(type: 1, value: value)], cname: value)])], "length \(length)")
        }
        #expect(rtcpWrite { RTCPWriter.writeSourceDescription(ssrc: 7, cname: String(repeating: "c", count: 256), into: $0) } == nil)
    }

    @Test func byeWithReason() {
        #expect(
            rtcpWrite { RTCPWriter.writeBye(ssrcs: [0x0A, 0x0B], reason: "bye", into: $0) } == [
                0x82, 0xCB, 0x00, 0x03,  // SC=2 | BYE | length=3
                0x00, 0x00, 0x00, 0x0A, 0x00, 0x00, 0x00, 0x0B,  // SSRCs
                0x03, 0x62, 0x79, 0x65,  // length 3 "bye"
            ])
        #expect(
            rtcpWrite { RTCPWriter.writeBye(ssrcs: CollectionOfOne(0x0C), reason: "timeout", into: $0) } == [
                0x81, 0xCB, 0x00, 0x03,  // SC=1 | BYE | length=3
                0x00, 0x00, 0x00, 0x0C,  // SSRC
                0x07, 0x74, 0x69, 0x6D, 0x65, 0x6F, 0x75, 0x74,  // length 7 "timeout", aligned
            ])
        #expect(rtcpWrite { RTCPWriter.writeBye(ssrcs: CollectionOfOne(0x0C), into: $0) } == [0x81, 0xCB, 0x00, 0x01, 0x00, 0x00, 0x00, 0x0C])
        let reason = String(repeating: "r", count: 254)
        let written = rtcpWrite { RTCPWriter.writeBye(ssrcs: [1, 2, 3], reason: reason, into: $0) }
        #expect(written.map { rtcpParse($0).packets } == [.bye(ssrcs: [1, 2, 3], reason: Array(reason.utf8))])
        #expect(rtcpWrite { RTCPWriter.writeBye(ssrcs: [1], reason: reason + "rr", into: $0) } == nil)
    }

    @Test func genericNACKPacksEntries() {
        #expect(
            rtcpWrite { RTCPWriter.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [100, 101, 105, 116, 117], into: $0) } == [
                0x81, 0xCD, 0x00, 0x04,  // FMT=1 | RTPFB | length=4
                0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // SSRCs
                0x00, 0x64, 0x80, 0x11,  // PID 100, BLP: 101 (bit 0), 105 (bit 4), 116 (bit 15)
                0x00, 0x75, 0x00, 0x00,  // PID 117: one past BLP's reach
            ])
        #expect(rtcpWrite { RTCPWriter.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [UInt16](), into: $0) } == nil)
        let entries = [RTCPNACKEntry(packetID: 7, lostBitmask: 0xFFFF)]
        let fromEntries = rtcpWrite { RTCPWriter.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, entries: entries, into: $0) }
        #expect(fromEntries.map { rtcpParse($0).packets } == [.genericNACK(senderSSRC: 1, mediaSSRC: 2, entries: entries, lost: Array(7...23))])
    }

    @Test func pictureLossIndication() {
        #expect(
            rtcpWrite { RTCPWriter.writePictureLossIndication(senderSSRC: 0xCAFE_0001, mediaSSRC: 0xBEEF_0002, into: $0) } == [
                0x81, 0xCE, 0x00, 0x02, 0xCA, 0xFE, 0x00, 0x01, 0xBE, 0xEF, 0x00, 0x02,
            ])
    }

    @Test func fullIntraRequestCarriesTheSequenceNumber() {
        #expect(
            rtcpWrite { RTCPWriter.writeFullIntraRequest(senderSSRC: 1, mediaSSRC: 0x0A, sequenceNumber: 7, into: $0) } == [
                0x84, 0xCE, 0x00, 0x04,  // FMT=4 | PSFB | length=4 (20 bytes)
                0x00, 0x00, 0x00, 0x01,  // sender SSRC
                0x00, 0x00, 0x00, 0x00,  // media SSRC 0 (RFC 5104 §4.3.1.2)
                0x00, 0x00, 0x00, 0x0A, 0x07, 0x00, 0x00, 0x00,  // entry: SSRC, seq nr 7, reserved
            ])
        let entries = [RTCPFIREntry(ssrc: 3, sequenceNumber: 0), RTCPFIREntry(ssrc: 4, sequenceNumber: 255)]
        let written = rtcpWrite { RTCPWriter.writeFullIntraRequest(senderSSRC: 1, entries: entries, into: $0) }
        #expect(written.map { rtcpParse($0).packets } == [.fullIntraRequest(senderSSRC: 1, mediaSSRC: 0, entries: entries)])
        #expect(rtcpWrite { RTCPWriter.writeFullIntraRequest(senderSSRC: 1, entries: [RTCPFIREntry](), into: $0) } == nil)
    }

    /// Every writer refuses a buffer one byte too small and fits one exactly its size.
    @Test func everyWriterRefusesABufferOneByteShort() {
        let writers: [(String, (UnsafeMutableRawBufferPointer) -> Int?)] = [
            ("SR", { RTCPWriter.writeSenderReport(ssrc: 1, senderInfo: Self.info, reportBlocks: [Self.block], into: $0) }),
            ("RR", { RTCPWriter.writeReceiverReport(ssrc: 1, reportBlocks: [Self.block, Self.block], into: $0) }),
            ("SDES", { RTCPWriter.writeSourceDescription(ssrc: 1, cname: "x@y", into: $0) }),
            ("BYE", { RTCPWriter.writeBye(ssrcs: [1, 2], reason: "gone", into: $0) }),
            ("NACK", { RTCPWriter.writeGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [1, 40, 80], into: $0) }),
            ("PLI", { RTCPWriter.writePictureLossIndication(senderSSRC: 1, mediaSSRC: 2, into: $0) }),
            ("FIR", { RTCPWriter.writeFullIntraRequest(senderSSRC: 1, mediaSSRC: 2, sequenceNumber: 3, into: $0) }),
        ]
        for (name, write) in writers {
            guard let size = rtcpWrite(write)?.count else {
                Issue.record("\(name) refused a roomy buffer")
                continue
            }
            #expect(rtcpWrite(capacity: size, write)?.count == size, "\(name)")
            #expect(rtcpWrite(capacity: size - 1, write) == nil, "\(name)")
            #expect(rtcpWrite(capacity: 0, write) == nil, "\(name)")
        }
    }

    @Test func compoundWriterBuildsReceiverReportSDESAndPLI() {
        var storage = [UInt8](repeating: 0, count: 64)
        let parsed: RTCPParsed? = storage.withUnsafeMutableBytes { raw in
            var writer = RTCPCompoundWriter(buffer: raw)
            let appended = [
                writer.appendReceiverReport(ssrc: 1, reportBlocks: [RTCPReportBlock(ssrc: 2, cumulativeLost: -5)]),
                writer.appendSourceDescription(ssrc: 1, cname: "mcu"),
                writer.appendPictureLossIndication(senderSSRC: 1, mediaSSRC: 2),
            ]
            #expect(appended == [true, true, true])
            #expect(writer.count == 32 + 16 + 12)
            // 4 bytes left: nothing more fits, and a refusal leaves the compound as it was.
            let refusedPLI = writer.appendPictureLossIndication(senderSSRC: 1, mediaSSRC: 2)
            let refusedNACK = writer.appendGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [5])
            #expect(!refusedPLI)
            #expect(!refusedNACK)
            #expect(writer.count == 60)
            return rtcpParse(Array(writer.bytes))
        }
        #expect(parsed?.dropReason == nil)
        #expect(
            parsed?.packets == [
                .receiverReport(ssrc: 1, blocks: [RTCPReportBlock(ssrc: 2, cumulativeLost: -5)], profileExtension: []),
                .sourceDescription([.init(ssrc: 1, items: [.init(type: 1, value: Array("mcu".utf8))], cname: Array("mcu".utf8))]),
                .pictureLossIndication(senderSSRC: 1, mediaSSRC: 2),
            ])
    }

    @Test func compoundWriterAllPacketKinds() {
        var storage = [UInt8](repeating: 0, count: 1500)
        let parsed: RTCPParsed = storage.withUnsafeMutableBytes { raw in
            var writer = RTCPCompoundWriter(buffer: raw)
            writer.appendSenderReport(ssrc: 1, senderInfo: Self.info, reportBlocks: [Self.block])
            writer.appendReceiverReport(ssrc: 1)
            writer.appendSourceDescription(ssrc: 1, cname: "a")
            writer.appendGenericNACK(senderSSRC: 1, mediaSSRC: 2, lostSequenceNumbers: [65535, 0, 1])
            writer.appendFullIntraRequest(senderSSRC: 1, mediaSSRC: 2, sequenceNumber: 9)
            writer.appendBye(ssrcs: CollectionOfOne(1), reason: "done")
            // The escape hatch for packets without a typed writer.
            writer.append { out in
                guard out.count >= 8 else { return nil }
                out.copyBytes(from: [0x80, 0xCF, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01] as [UInt8])
                return 8
            }
            return rtcpParse(Array(writer.bytes))
        }
        #expect(parsed.dropReason == nil)
        #expect(
            parsed.packets == [
                .senderReport(ssrc: 1, info: Self.info, blocks: [Self.block], profileExtension: []),
                .receiverReport(ssrc: 1, blocks: [], profileExtension: []),
                .sourceDescription([.init(ssrc: 1, items: [.init(type: 1, value: [0x61])], cname: [0x61])]),
                .genericNACK(senderSSRC: 1, mediaSSRC: 2, entries: [RTCPNACKEntry(packetID: 65535, lostBitmask: 3)], lost: [65535, 0, 1]),
                .fullIntraRequest(senderSSRC: 1, mediaSSRC: 0, entries: [RTCPFIREntry(ssrc: 2, sequenceNumber: 9)]),
                .bye(ssrcs: [1], reason: Array("done".utf8)),
                .unknown(type: 207, format: 0, payload: [0, 0, 0, 1]),
            ])
    }
}
