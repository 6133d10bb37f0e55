import MediaCore
import RTP

/// Reproducible pseudo-random input for parser mutation tests.
typealias RTPFuzzGenerator = SplitMix64

/// Parses bytes as RTP inside the closure (the packet view must not outlive the bytes).
func withRTPPacket<R>(_ bytes: [UInt8], _ body: (RTPParseResult) throws -> R) rethrows -> R {
    try bytes.withUnsafeBytes { try body(RTPPacket.parse($0)) }
}

func dropReason(_ bytes: [UInt8]) -> PacketDropReason? {
    withRTPPacket(bytes) { if case .dropped(let r) = $0 { return r } else { return nil } }
}

/// Builds an RTP packet: header + payload, optionally with extension elements.
func makeRTP(marker: Bool = false, payloadType: UInt8 = 96, sequence: UInt16, timestamp: UInt32, ssrc: UInt32 = 0x1234_5678,
             payload: [UInt8]) -> [UInt8] {
    var packet = [UInt8](repeating: 0, count: 12 + payload.count)
    packet.withUnsafeMutableBytes { buffer in
        let header = RTPHeader(marker: marker, payloadType: payloadType, sequenceNumber: sequence, timestamp: timestamp, ssrc: ssrc)
        let n = header.write(into: buffer)!
        payload.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[n...]).copyMemory(from: $0) }
    }
    return packet
}
