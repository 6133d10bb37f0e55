import MediaCore
import Testing

import RTP

// Shared helpers for the RTCP tests. Views into a buffer cannot outlive it, so tests turn
// every parsed packet into an owned, comparable `RTCPDecoded` value; doing so walks every
// accessor (chunks, items, entries, lost numbers), which is also what the fuzz test needs.

struct RTCPDecodedItem: Equatable {
    var type: UInt8
    var value: [UInt8]
}

struct RTCPDecodedChunk: Equatable {
    var ssrc: UInt32
    var items: [RTCPDecodedItem]
    var cname: [UInt8]?
}

enum RTCPDecoded: Equatable {
    case senderReport(ssrc: UInt32, info: RTCPSenderInfo, blocks: [RTCPReportBlock], profileExtension: [UInt8])
    case receiverReport(ssrc: UInt32, blocks: [RTCPReportBlock], profileExtension: [UInt8])
    case sourceDescription([RTCPDecodedChunk])
    case bye(ssrcs: [UInt32], reason: [UInt8]?)
    case genericNACK(senderSSRC: UInt32, mediaSSRC: UInt32, entries: [RTCPNACKEntry], lost: [UInt16])
    case pictureLossIndication(senderSSRC: UInt32, mediaSSRC: UInt32)
    case fullIntraRequest(senderSSRC: UInt32, mediaSSRC: UInt32, entries: [RTCPFIREntry])
    case unknown(type: UInt8, format: UInt8, payload: [UInt8])

    init(_ packet: RTCPPacket) {
        switch packet {
        case .senderReport(let sr):
            self = .senderReport(
                ssrc: sr.ssrc, info: sr.senderInfo, blocks: Array(sr.reportBlocks),
                profileExtension: Array(sr.profileExtension))
        case .receiverReport(let rr):
            self = .receiverReport(ssrc: rr.ssrc, blocks: Array(rr.reportBlocks), profileExtension: Array(rr.profileExtension))
        case .sourceDescription(let sdes):
            var chunks: [RTCPDecodedChunk] = []
            for chunk in sdes.chunks {
                let items = chunk.items.map { RTCPDecodedItem(type: $0.type.rawValue, value: Array($0.value)) }
                chunks.append(RTCPDecodedChunk(ssrc: chunk.ssrc, items: items, cname: chunk.cname.map { Array($0) }))
                // The lookup by SSRC must agree with the first chunk for that SSRC that has a CNAME.
                _ = sdes.cname(for: chunk.ssrc)
            }
            self = .sourceDescription(chunks)
        case .bye(let bye):
            self = .bye(ssrcs: Array(bye.ssrcs), reason: bye.reason.map { Array($0) })
        case .genericNACK(let nack):
            self = .genericNACK(
                senderSSRC: nack.senderSSRC, mediaSSRC: nack.mediaSSRC, entries: Array(nack.entries),
                lost: Array(nack.lostSequenceNumbers))
        case .pictureLossIndication(let pli):
            self = .pictureLossIndication(senderSSRC: pli.senderSSRC, mediaSSRC: pli.mediaSSRC)
        case .fullIntraRequest(let fir):
            self = .fullIntraRequest(senderSSRC: fir.senderSSRC, mediaSSRC: fir.mediaSSRC, entries: Array(fir.entries))
        case .unknown(let raw):
            self = .unknown(type: raw.packetType, format: raw.format, payload: Array(raw.payload))
        }
    }
}

struct RTCPParsed {
    /// What `forEach` delivered (nothing when `dropReason` is set: it is all-or-nothing).
    var packets: [RTCPDecoded]
    var dropReason: PacketDropReason?
    /// What the streaming iterator delivered before stopping, and why it stopped.
    var streamed: [RTCPDecoded]
    var streamedDropReason: PacketDropReason?
}

/// Parses `bytes` both ways (validated `forEach` and streaming iterator).
func rtcpParse(_ bytes: [UInt8]) -> RTCPParsed {
    bytes.withUnsafeBytes { raw in
        var packets: [RTCPDecoded] = []
        let reason = RTCPCompoundPacket.forEach(in: raw) { packets.append(RTCPDecoded($0)) }
        var streamed: [RTCPDecoded] = []
        var iterator = RTCPCompoundPacket(raw).makeIterator()
        while let packet = iterator.next() { streamed.append(RTCPDecoded(packet)) }
        return RTCPParsed(packets: packets, dropReason: reason, streamed: streamed, streamedDropReason: iterator.dropReason)
    }
}

/// Runs a writer into a buffer of `capacity` bytes and returns what it wrote (nil: refused).
func rtcpWrite(capacity: Int = 1500, _ write: (UnsafeMutableRawBufferPointer) -> Int?) -> [UInt8]? {
    var storage = [UInt8](repeating: 0xEE, count: capacity)
    let written = storage.withUnsafeMutableBytes { write($0) }
    guard let written else { return nil }
    return Array(storage[0..<written])
}

/// Index of the first differing byte (or the shorter length), nil when equal: keeps failure
/// output small.
func rtcpFirstMismatch(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    for i in 0..<min(a.count, b.count) where a[i] != b[i] { return i }
    return a.count == b.count ? nil : min(a.count, b.count)
}

/// Deterministic xorshift64* generator so fuzz failures reproduce from the seed.
struct RTCPFuzzGenerator: RandomNumberGenerator {
    private var state: UInt64

    init(seed: UInt64) { state = seed == 0 ? 0x9E37_79B9_7F4A_7C15 : seed }

    mutating func next() -> UInt64 {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        return state &* 0x2545_F491_4F6C_DD1D
    }
}

/// The four reasons an RTCP parse may report; anything else is a bug.
let rtcpDropReasons: Set<PacketDropReason> = [.rtcpTruncated, .rtcpBadVersion, .rtcpBadLength, .rtcpBadReportCount]
