import MediaCore
import RTP
import Testing

/// Every way a compound can be malformed, and the reason it must be dropped with.
@Suite("RTCP malformed input")
struct RTCPMalformedTests {
    struct Case: CustomTestStringConvertible, Sendable {
        let name: String
        let bytes: [UInt8]
        let reason: PacketDropReason
        var testDescription: String { name }
    }

    static let emptyRR: [UInt8] = [0x80, 0xC9, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01]
    static let ssrcs: [UInt8] = [0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x02]

    static let cases: [Case] = [
        Case(name: "empty datagram", bytes: [], reason: .rtcpTruncated),
        Case(name: "3-byte header", bytes: [0x80, 0xC9, 0x00], reason: .rtcpTruncated),
        Case(name: "version 0", bytes: [0x00, 0xC9, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadVersion),
        Case(name: "version 1", bytes: [0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadVersion),
        Case(name: "version 3", bytes: [0xC0, 0xC9, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadVersion),
        Case(name: "bad version wins over short length", bytes: [0x40, 0xC9, 0xFF, 0xFF], reason: .rtcpBadVersion),
        Case(name: "length 5 words past an 8-byte datagram", bytes: [0x80, 0xC9, 0x00, 0x05, 0, 0, 0, 1], reason: .rtcpTruncated),
        Case(name: "length 0xFFFF", bytes: [0x80, 0xC9, 0xFF, 0xFF, 0, 0, 0, 1], reason: .rtcpTruncated),
        Case(name: "SR truncated mid sender info", bytes: [0x80, 0xC8, 0x00, 0x06] + [UInt8](repeating: 0, count: 20), reason: .rtcpTruncated),
        Case(name: "two stray bytes after a valid RR", bytes: emptyRR + [0x80, 0xC9], reason: .rtcpTruncated),
        Case(name: "bad version in the second packet", bytes: emptyRR + [0x40, 0xC9, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadVersion),
        Case(name: "RR without its SSRC (length 0)", bytes: [0x80, 0xC9, 0x00, 0x00], reason: .rtcpBadLength),
        Case(name: "RR RC=1 but no block", bytes: [0x81, 0xC9, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadReportCount),
        Case(name: "RR RC=2 but one block", bytes: [0x82, 0xC9, 0x00, 0x07] + [UInt8](repeating: 0, count: 28), reason: .rtcpBadReportCount),
        Case(name: "SR shorter than SSRC + sender info", bytes: [0x80, 0xC8, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadLength),
        Case(name: "SR RC=1 with sender info only", bytes: [0x81, 0xC8, 0x00, 0x06] + [UInt8](repeating: 0, count: 24), reason: .rtcpBadReportCount),
        Case(name: "SR RC=31 in a short packet", bytes: [0x9F, 0xC8, 0x00, 0x0C] + [UInt8](repeating: 0, count: 48), reason: .rtcpBadReportCount),
        Case(name: "padding count 0", bytes: [0xA0, 0xC9, 0x00, 0x02, 0, 0, 0, 1, 0, 0, 0, 0], reason: .rtcpBadLength),
        Case(name: "padding count reaching into the header", bytes: [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 5], reason: .rtcpBadLength),
        Case(name: "padding count eating the RR's SSRC", bytes: [0xA0, 0xC9, 0x00, 0x01, 0, 0, 0, 4], reason: .rtcpBadLength),
        Case(name: "padding on a header-only packet", bytes: [0xA0, 0xCA, 0x00, 0x00], reason: .rtcpBadLength),
        Case(
            name: "padding eating a report block", bytes: [0xA1, 0xC9, 0x00, 0x07, 0, 0, 0, 1] + [UInt8](repeating: 0, count: 23) + [4],
            reason: .rtcpBadReportCount),
        Case(name: "SDES SC=2 with one chunk", bytes: [0x82, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x00, 0, 0, 0], reason: .rtcpBadReportCount),
        Case(name: "SDES SC=1 with no chunk", bytes: [0x81, 0xCA, 0x00, 0x00], reason: .rtcpBadReportCount),
        Case(name: "SDES item past the end", bytes: [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x14, 0x61, 0x62], reason: .rtcpBadLength),
        Case(name: "SDES item type with no length octet", bytes: [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x01, 0x61, 0x02], reason: .rtcpBadLength),
        Case(name: "SDES chunk without a null terminator", bytes: [0x81, 0xCA, 0x00, 0x02, 0, 0, 0, 1, 0x01, 0x02, 0x61, 0x62], reason: .rtcpBadLength),
        Case(name: "SDES chunk with only an SSRC", bytes: [0x81, 0xCA, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadLength),
        Case(name: "BYE SC=3 with two SSRCs", bytes: [0x83, 0xCB, 0x00, 0x02] + ssrcs, reason: .rtcpBadReportCount),
        Case(name: "BYE reason past the end", bytes: [0x81, 0xCB, 0x00, 0x02, 0, 0, 0, 1, 0x0A, 0x62, 0x79, 0x65], reason: .rtcpBadLength),
        Case(name: "NACK without FCI", bytes: [0x81, 0xCD, 0x00, 0x02] + ssrcs, reason: .rtcpBadLength),
        Case(name: "NACK whose padding leaves a partial entry", bytes: [0xA1, 0xCD, 0x00, 0x04] + ssrcs + [0, 1, 0, 0, 0, 0, 0, 2], reason: .rtcpBadLength),
        Case(name: "PSFB with only the sender SSRC", bytes: [0x81, 0xCE, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadLength),
        Case(name: "RTPFB with only the header", bytes: [0x8F, 0xCD, 0x00, 0x00], reason: .rtcpBadLength),
        Case(name: "unknown PSFB FMT without SSRCs", bytes: [0x8F, 0xCE, 0x00, 0x01, 0, 0, 0, 1], reason: .rtcpBadLength),
        Case(name: "FIR without FCI", bytes: [0x84, 0xCE, 0x00, 0x02] + ssrcs, reason: .rtcpBadLength),
        Case(name: "FIR with a half entry", bytes: [0x84, 0xCE, 0x00, 0x03] + ssrcs + [0, 0, 0, 3], reason: .rtcpBadLength),
        Case(name: "FIR with one and a half entries", bytes: [0x84, 0xCE, 0x00, 0x05] + ssrcs + [0, 0, 0, 3, 1, 0, 0, 0, 0, 0, 0, 4], reason: .rtcpBadLength),
    ]

    @Test(arguments: cases)
    func isDroppedWithItsReason(_ testCase: Case) {
        let parsed = rtcpParse(testCase.bytes)
        #expect(parsed.dropReason == testCase.reason)
        #expect(parsed.packets.isEmpty, "forEach must deliver nothing from a malformed compound")
        #expect(parsed.streamedDropReason == testCase.reason)
    }

    /// The same malformed packet after a valid one: dropped as a whole by `forEach`, while the
    /// iterator has already delivered the valid one.
    @Test(arguments: cases.filter { !$0.bytes.isEmpty })
    func afterAValidPacketDropsTheWholeCompound(_ testCase: Case) {
        let parsed = rtcpParse(Self.emptyRR + testCase.bytes)
        #expect(parsed.dropReason == testCase.reason)
        #expect(parsed.packets.isEmpty)
        #expect(parsed.streamed.first == .receiverReport(ssrc: 1, blocks: [], profileExtension: []))
    }

    /// Any strict prefix of a valid compound that is not itself a whole number of packets is
    /// truncated (or, cut inside a header, still truncated).
    @Test func everyPrefixOfAValidCompoundIsTruncatedOrValid() {
        let compound = RTCPParserTests.senderReport + RTCPParserTests.sourceDescription
        let boundaries: Set<Int> = [RTCPParserTests.senderReport.count, compound.count]
        for length in 0..<compound.count {
            let parsed = rtcpParse(Array(compound[0..<length]))
            if boundaries.contains(length) {
                #expect(parsed.dropReason == nil, "prefix \(length)")
            } else {
                #expect(parsed.dropReason == .rtcpTruncated, "prefix \(length)")
            }
        }
    }
}
