import MediaCore
import RTP
import Testing

/// Hand-written packets, field by field from the RFC layouts, and what they must parse to.
@Suite("RTCP parser")
struct RTCPParserTests {
    /// One SR, one report block (RFC 3550 §6.4.1).
    static let senderReport: [UInt8] = [
        0x81, 0xC8, 0x00, 0x0C,  // V=2 P=0 RC=1 | PT=200 SR | length=12 (13 words, 52 bytes)
        0x12, 0x34, 0x56, 0x78,  // SSRC of sender
        0xE8, 0x9A, 0x3B, 0x00,  // NTP timestamp, seconds
        0x80, 0x00, 0x00, 0x00,  // NTP timestamp, fraction (0.5 s)
        0x00, 0x01, 0x5F, 0x90,  // RTP timestamp 90000
        0x00, 0x00, 0x03, 0xE8,  // sender's packet count 1000
        0x00, 0x0F, 0x42, 0x40,  // sender's octet count 1000000
        // report block 1
        0xAA, 0xBB, 0xCC, 0xDD,  // SSRC_1
        0x40,  // fraction lost 64/256
        0xFF, 0xFF, 0xFE,  // cumulative lost -2 (24-bit two's complement)
        0x00, 0x01, 0x00, 0x10,  // extended highest sequence: 1 cycle, seq 16
        0x00, 0x00, 0x00, 0x20,  // interarrival jitter 32
        0x3B, 0x00, 0x80, 0x00,  // LSR
        0x00, 0x01, 0x80, 0x00,  // DLSR 1.5 s (1/65536 s units)
    ]

    @Test func senderReportWithOneBlock() {
        let parsed = rtcpParse(Self.senderReport)
        #expect(parsed.dropReason == nil)
        let expected = RTCPDecoded.senderReport(
            ssrc: 0x1234_5678,
            info: RTCPSenderInfo(
                ntpTimestamp: NTPTimestamp(seconds: 0xE89A_3B00, fraction: 0x8000_0000), rtpTimestamp: 90000,
                packetCount: 1000, octetCount: 1_000_000),
            blocks: [
                RTCPReportBlock(
                    ssrc: 0xAABB_CCDD, fractionLost: 64, cumulativeLost: -2, extendedHighestSequence: 0x0001_0010,
                    jitter: 32, lastSR: 0x3B00_8000, delaySinceLastSR: 0x0001_8000)
            ],
            profileExtension: [])
        #expect(parsed.packets == [expected])
        #expect(parsed.streamed == parsed.packets)
    }

    @Test func senderReportWithProfileExtension() {
        var bytes = Self.senderReport
        bytes[3] = 0x0D  // one more word
        bytes += [0xDE, 0xAD, 0xBE, 0xEF]  // profile-specific extension
        guard case .senderReport(_, _, let blocks, let ext) = rtcpParse(bytes).packets.first else {
            Issue.record("not an SR")
            return
        }
        #expect(blocks.count == 1)
        #expect(ext == [0xDE, 0xAD, 0xBE, 0xEF])
    }

    @Test func receiverReportWithTwoBlocksAndEmptyReceiverReport() {
        let bytes: [UInt8] = [
            0x82, 0xC9, 0x00, 0x0D,  // V=2 P=0 RC=2 | PT=201 RR | length=13 (56 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
            // block 1
            0x00, 0x00, 0x00, 0x02,  // SSRC_1
            0x00,  // fraction lost 0
            0x7F, 0xFF, 0xFF,  // cumulative lost +8388607 (largest positive)
            0xFF, 0xFF, 0xFF, 0xFF,  // extended highest sequence
            0x00, 0x00, 0x00, 0x00,  // jitter
            0x00, 0x00, 0x00, 0x00,  // LSR: no SR received yet
            0x00, 0x00, 0x00, 0x00,  // DLSR
            // block 2
            0x00, 0x00, 0x00, 0x03,  // SSRC_2
            0xFF,  // fraction lost 255/256
            0x80, 0x00, 0x00,  // cumulative lost -8388608 (most negative)
            0x00, 0x00, 0x12, 0x34,  // extended highest sequence
            0x00, 0x00, 0x01, 0x00,  // jitter 256
            0x11, 0x22, 0x33, 0x44,  // LSR
            0x00, 0x00, 0x00, 0x01,  // DLSR
            // second packet: RR with no blocks
            0x80, 0xC9, 0x00, 0x01,  // V=2 P=0 RC=0 | PT=201 | length=1 (8 bytes)
            0x00, 0x00, 0x00, 0x09,  // SSRC
        ]
        let parsed = rtcpParse(bytes)
        #expect(parsed.dropReason == nil)
        #expect(
            parsed.packets == [
                .receiverReport(
                    ssrc: 1,
                    blocks: [
                        RTCPReportBlock(ssrc: 2, fractionLost: 0, cumulativeLost: 8_388_607, extendedHighestSequence: .max),
                        RTCPReportBlock(
                            ssrc: 3, fractionLost: 255, cumulativeLost: -8_388_608, extendedHighestSequence: 0x1234,
                            jitter: 256, lastSR: 0x1122_3344, delaySinceLastSR: 1),
                    ], profileExtension: []),
                .receiverReport(ssrc: 9, blocks: [], profileExtension: []),
            ])
    }

    /// SDES with two chunks (RFC 3550 §6.5): items, a terminating null, padding to 32 bits.
    static let sourceDescription: [UInt8] = [
        0x82, 0xCA, 0x00, 0x07,  // V=2 P=0 SC=2 | PT=202 SDES | length=7 (32 bytes)
        // chunk 1
        0x11, 0x11, 0x11, 0x11,  // SSRC
        0x01, 0x09,  // CNAME, 9 octets
        0x75, 0x73, 0x65, 0x72, 0x40, 0x68, 0x6F, 0x73, 0x74,  // "user@host"
        0x00,  // end of item list (chunk now 16 bytes: aligned)
        // chunk 2
        0x22, 0x22, 0x22, 0x22,  // SSRC
        0x02, 0x02, 0x41, 0x6C,  // NAME, 2 octets, "Al"
        0x06, 0x01, 0x78,  // TOOL, 1 octet, "x"
        0x00,  // end of item list, already aligned (chunk 12 bytes)
    ]

    @Test func sourceDescriptionChunksItemsAndCNAME() {
        let parsed = rtcpParse(Self.sourceDescription)
        #expect(parsed.dropReason == nil)
        let cname = Array("user@host".utf8)
        #expect(
            parsed.packets == [
                .sourceDescription([
                    RTCPDecodedChunk(ssrc: 0x1111_1111, items: [RTCPDecodedItem(type: 1, value: cname)], cname: cname),
                    RTCPDecodedChunk(
                        ssrc: 0x2222_2222,
                        items: [RTCPDecodedItem(type: 2, value: Array("Al".utf8)), RTCPDecodedItem(type: 6, value: [0x78])],
                        cname: nil),
                ])
            ])
        Self.sourceDescription.withUnsafeBytes { raw in
            _ = RTCPCompoundPacket.forEach(in: raw) { packet in
                guard case .sourceDescription(let sdes) = packet else { return }
                #expect(sdes.chunkCount == 2)
                #expect(sdes.cname(for: 0x1111_1111).map(Array.init) == cname)
                #expect(sdes.cname(for: 0x2222_2222) == nil)
                #expect(sdes.cname(for: 0x3333_3333) == nil)
                let tool = sdes.chunks.first { $0.ssrc == 0x2222_2222 }?.items.first { $0.type == .tool }
                #expect(tool.map { Array($0.value) } == [0x78])
            }
        }
    }

    @Test func sourceDescriptionItemEndingOnBoundaryNeedsAWholeWordOfNulls() {
        let bytes: [UInt8] = [
            0x81, 0xCA, 0x00, 0x03,  // SC=1 | SDES | length=3 (16 bytes)
            0x00, 0x00, 0x00, 0x05,  // SSRC
            0x01, 0x02, 0x61, 0x62,  // CNAME "ab": the items end on a boundary...
            0x00, 0x00, 0x00, 0x00,  // ...so a whole word of nulls ends the list
        ]
        #expect(rtcpParse(bytes).packets == [.sourceDescription([.init(ssrc: 5, items: [.init(type: 1, value: [0x61, 0x62])], cname: [0x61, 0x62])])])
    }

    @Test func sourceDescriptionWithNoChunksIsValid() {
        let bytes: [UInt8] = [0x80, 0xCA, 0x00, 0x00]  // SC=0 | SDES | length=0
        #expect(rtcpParse(bytes).packets == [.sourceDescription([])])
    }

    @Test func byeWithAndWithoutReason() {
        let bytes: [UInt8] = [
            0x82, 0xCB, 0x00, 0x03,  // V=2 P=0 SC=2 | PT=203 BYE | length=3 (16 bytes)
            0x00, 0x00, 0x00, 0x0A,  // SSRC 1
            0x00, 0x00, 0x00, 0x0B,  // SSRC 2
            0x03, 0x62, 0x79, 0x65,  // reason length 3, "bye" (already aligned)
            0x81, 0xCB, 0x00, 0x01,  // SC=1 | BYE | length=1 (8 bytes)
            0x00, 0x00, 0x00, 0x0C,  // SSRC, no reason
            0x80, 0xCB, 0x00, 0x01,  // SC=0 | BYE | length=1 (8 bytes)
            0x00, 0x00, 0x00, 0x00,  // reason length 0 + padding: same as no reason
        ]
        let parsed = rtcpParse(bytes)
        #expect(parsed.dropReason == nil)
        #expect(
            parsed.packets == [
                .bye(ssrcs: [0x0A, 0x0B], reason: Array("bye".utf8)), .bye(ssrcs: [0x0C], reason: nil),
                .bye(ssrcs: [], reason: nil),
            ])
    }

    @Test func genericNACK() {
        let bytes: [UInt8] = [
            0x81, 0xCD, 0x00, 0x04,  // V=2 P=0 FMT=1 | PT=205 RTPFB | length=4 (20 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
            0x00, 0x00, 0x00, 0x02,  // SSRC of media source
            0x00, 0x64, 0x80, 0x11,  // PID 100, BLP bits 0, 4, 15: 101, 105, 116
            0xFF, 0xFF, 0x00, 0x01,  // PID 65535, BLP bit 0: 0 (across the wrap)
        ]
        let parsed = rtcpParse(bytes)
        #expect(
            parsed.packets == [
                .genericNACK(
                    senderSSRC: 1, mediaSSRC: 2,
                    entries: [RTCPNACKEntry(packetID: 100, lostBitmask: 0x8011), RTCPNACKEntry(packetID: 65535, lostBitmask: 1)],
                    lost: [100, 101, 105, 116, 65535, 0])
            ])
    }

    @Test func pictureLossIndication() {
        let bytes: [UInt8] = [
            0x81, 0xCE, 0x00, 0x02,  // V=2 P=0 FMT=1 | PT=206 PSFB | length=2 (12 bytes)
            0xCA, 0xFE, 0x00, 0x01,  // SSRC of packet sender
            0xBE, 0xEF, 0x00, 0x02,  // SSRC of media source
        ]
        #expect(rtcpParse(bytes).packets == [.pictureLossIndication(senderSSRC: 0xCAFE_0001, mediaSSRC: 0xBEEF_0002)])
    }

    @Test func pictureLossIndicationWithStrayFCIIsStillAccepted() {
        let bytes: [UInt8] = [
            0x81, 0xCE, 0x00, 0x03,  // FMT=1 | PSFB | length=3: RFC 4585 says 2
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // SSRCs
            0x00, 0x00, 0x00, 0x00,  // stray FCI, ignored
        ]
        #expect(rtcpParse(bytes).packets == [.pictureLossIndication(senderSSRC: 1, mediaSSRC: 2)])
    }

    @Test func fullIntraRequestWithTwoEntries() {
        let bytes: [UInt8] = [
            0x84, 0xCE, 0x00, 0x06,  // V=2 P=0 FMT=4 | PT=206 PSFB | length=6 (28 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC of packet sender
            0x00, 0x00, 0x00, 0x00,  // SSRC of media source: 0 (RFC 5104 §4.3.1.2)
            0x00, 0x00, 0x00, 0x0A,  // entry 1: SSRC
            0x07, 0x00, 0x00, 0x00,  //          seq nr 7, reserved
            0x00, 0x00, 0x00, 0x0B,  // entry 2: SSRC
            0xFF, 0x00, 0x00, 0x00,  //          seq nr 255, reserved
        ]
        #expect(
            rtcpParse(bytes).packets == [
                .fullIntraRequest(
                    senderSSRC: 1, mediaSSRC: 0,
                    entries: [RTCPFIREntry(ssrc: 0x0A, sequenceNumber: 7), RTCPFIREntry(ssrc: 0x0B, sequenceNumber: 255)])
            ])
    }

    @Test func undecodedTypesAreDeliveredAsUnknownAndDoNotStopTheCompound() {
        let bytes: [UInt8] = [
            // REMB (PSFB FMT 15, draft-alvestrand-rmcat-remb)
            0x8F, 0xCE, 0x00, 0x05,  // FMT=15 | PSFB | length=5 (24 bytes)
            0x00, 0x00, 0x00, 0x01,  // sender SSRC
            0x00, 0x00, 0x00, 0x00,  // media SSRC 0
            0x52, 0x45, 0x4D, 0x42,  // "REMB"
            0x01, 0x08, 0x00, 0x00,  // 1 SSRC, exponent/mantissa
            0x00, 0x00, 0x00, 0x0A,  // SSRC feedback
            // APP (RFC 3550 §6.7)
            0x85, 0xCC, 0x00, 0x02,  // subtype 5 | PT=204 APP | length=2 (12 bytes)
            0x00, 0x00, 0x00, 0x01,  // SSRC
            0x54, 0x45, 0x53, 0x54,  // name "TEST"
            // XR (RFC 3611), a type this parser does not know at all
            0x80, 0xCF, 0x00, 0x01,  // PT=207 | length=1
            0x00, 0x00, 0x00, 0x01,  // SSRC
            // TMMBR (RTPFB FMT 3)
            0x83, 0xCD, 0x00, 0x02,  // FMT=3 | RTPFB | length=2 (FCI omitted: not checked)
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
            // and a PLI after them is still seen
            0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,
        ]
        let parsed = rtcpParse(bytes)
        #expect(parsed.dropReason == nil)
        #expect(parsed.packets.count == 5)
        #expect(
            parsed.packets.first
                == .unknown(
                    type: 206, format: 15,
                    payload: [0, 0, 0, 1, 0, 0, 0, 0, 0x52, 0x45, 0x4D, 0x42, 1, 8, 0, 0, 0, 0, 0, 0x0A]))
        #expect(parsed.packets.dropFirst().first == .unknown(type: 204, format: 5, payload: [0, 0, 0, 1, 0x54, 0x45, 0x53, 0x54]))
        #expect(parsed.packets.dropFirst(2).first == .unknown(type: 207, format: 0, payload: [0, 0, 0, 1]))
        #expect(parsed.packets.dropFirst(3).first == .unknown(type: 205, format: 3, payload: [0, 0, 0, 1, 0, 0, 0, 2]))
        #expect(parsed.packets.last == .pictureLossIndication(senderSSRC: 1, mediaSSRC: 2))
    }

    @Test func paddingIsStrippedFromThePayload() {
        let bytes: [UInt8] = [
            0xA0, 0xC9, 0x00, 0x02,  // V=2 P=1 RC=0 | RR | length=2 (12 bytes)
            0x00, 0x00, 0x00, 0x07,  // SSRC
            0x00, 0x00, 0x00, 0x04,  // 4 padding octets, the last one counting them
            0xA1, 0xCE, 0x00, 0x03,  // P=1 FMT=1 | PSFB PLI | length=3 (16 bytes)
            0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // SSRCs
            0x00, 0x00, 0x00, 0x04,  // padding (also legal on a packet that is not the last)
        ]
        let parsed = rtcpParse(bytes)
        #expect(parsed.dropReason == nil)
        #expect(parsed.packets == [.receiverReport(ssrc: 7, blocks: [], profileExtension: []), .pictureLossIndication(senderSSRC: 1, mediaSSRC: 2)])
    }

    /// RFC 3550 compound as a browser sends it: SR then SDES CNAME.
    @Test func senderReportPlusCNAMECompound() {
        let bytes = Self.senderReport + [
            0x81, 0xCA, 0x00, 0x06,  // SC=1 | SDES | length=6 (28 bytes)
            0x12, 0x34, 0x56, 0x78,  // SSRC (same as the SR)
            0x01, 0x10,  // CNAME, 16 octets
            0x34, 0x54, 0x6B, 0x56, 0x39, 0x61, 0x78, 0x58, 0x2F, 0x58, 0x59, 0x61, 0x47, 0x6A, 0x51, 0x6D,  // "4TkV9axX/XYaGjQm"
            0x00, 0x00,  // null terminator + 1 padding null
        ]
        var sawSR = false
        var cname: [UInt8]?
        let reason = bytes.withUnsafeBytes { raw in
            RTCPCompoundPacket.forEach(in: raw) { packet in
                switch packet {
                case .senderReport(let sr):
                    sawSR = sr.ssrc == 0x1234_5678 && sr.reportBlocks.count == 1
                case .sourceDescription(let sdes):
                    cname = sdes.cname(for: 0x1234_5678).map { Array($0) }
                default:
                    Issue.record("unexpected packet")
                }
            }
        }
        #expect(reason == nil)
        #expect(sawSR)
        #expect(cname.map { String(decoding: $0, as: UTF8.self) } == "4TkV9axX/XYaGjQm")
    }

    /// RFC 5506: a compound need not start with SR/RR.
    @Test func reducedSizeLonePLIIsAccepted() {
        let bytes: [UInt8] = [0x81, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02]
        var count = 0
        let reason = bytes.withUnsafeBytes { raw in
            RTCPCompoundPacket.forEach(in: raw) { packet in
                if case .pictureLossIndication(let pli) = packet, pli.mediaSSRC == 2 { count += 1 }
            }
        }
        #expect(reason == nil)
        #expect(count == 1)
    }

    @Test func forEachIsAllOrNothingWhileTheIteratorStreamsTheGoodPrefix() {
        let bytes: [UInt8] = [
            0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01,  // valid empty RR
            0x40, 0xCE, 0x00, 0x02, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02,  // V=1
        ]
        let parsed = rtcpParse(bytes)
        #expect(parsed.dropReason == .rtcpBadVersion)
        #expect(parsed.packets.isEmpty)
        #expect(parsed.streamed == [.receiverReport(ssrc: 1, blocks: [], profileExtension: [])])
        #expect(parsed.streamedDropReason == .rtcpBadVersion)
        #expect(bytes.withUnsafeBytes { RTCPCompoundPacket($0).dropReason } == .rtcpBadVersion)
    }

    @Test func reportBlockListIndexesInPlace() {
        Self.senderReport.withUnsafeBytes { raw in
            _ = RTCPCompoundPacket.forEach(in: raw) { packet in
                guard case .senderReport(let sr) = packet else { return }
                #expect(sr.reportBlocks.count == 1)
                #expect(sr.reportBlocks[0].cumulativeLost == -2)
                #expect(sr.senderInfo.ntpTimestamp.middle32 == 0x3B00_8000)
                #expect(sr.profileExtension.isEmpty)
            }
        }
    }
}
