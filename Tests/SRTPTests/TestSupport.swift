import MediaCore
import SRTP

/// Deterministic generator (SplitMix64) so random and mutation tests replay exactly.
struct SeededGenerator: RandomNumberGenerator {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Random bytes, 8 per step (byte-at-a-time `UInt8.random` is slow in debug builds).
    mutating func fill(_ buffer: UnsafeMutableRawBufferPointer) {
        var offset = 0
        while offset < buffer.count {
            let word = next()
            for shift in 0..<min(8, buffer.count - offset) { buffer[offset + shift] = UInt8(truncatingIfNeeded: word >> (8 * UInt64(shift))) }
            offset += 8
        }
    }

    mutating func bytes(count: Int) -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        result.withUnsafeMutableBytes { fill($0) }
        return result
    }
}

enum TestPackets {
    /// RTP header (RFC 3550 §5.1, V=2, no CSRC/extension) followed by `payload`.
    static func rtp(sequence: UInt16, timestamp: UInt32 = 0, ssrc: UInt32 = 0x1122_3344,
                    payloadType: UInt8 = 96, payload: [UInt8]) -> [UInt8] {
        var packet: [UInt8] = [0x80, payloadType & 0x7F]
        packet += [UInt8(sequence >> 8), UInt8(sequence & 0xFF)]
        packet += withUnsafeBytes(of: timestamp.bigEndian, Array.init)
        packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        return packet + payload
    }

    /// RTCP sender report without report blocks (RFC 3550 §6.4.1), 28 bytes.
    static func senderReport(ssrc: UInt32 = 0x1122_3344, packetCount: UInt32 = 7) -> [UInt8] {
        var packet: [UInt8] = [0x80, 200, 0, 6]
        packet += withUnsafeBytes(of: ssrc.bigEndian, Array.init)
        packet += [UInt8](repeating: 0xAB, count: 12)   // NTP + RTP timestamps
        packet += withUnsafeBytes(of: packetCount.bigEndian, Array.init)
        packet += withUnsafeBytes(of: (packetCount * 160).bigEndian, Array.init)
        return packet
    }

    static func payload(count: Int, seed: Int) -> [UInt8] {
        (0..<count).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ seed &* 7) }
    }
}

/// Array conveniences over the in-place buffer API, for tests only: each call copies the
/// packet into a buffer with `maximumTrailerBytes` of room and returns the bytes after.
extension SRTPSession {
    func protectRTP(_ packet: [UInt8]) -> [UInt8]? { protect(packet, rtcp: false) }
    func protectRTCP(_ packet: [UInt8]) -> [UInt8]? { protect(packet, rtcp: true) }
    func unprotectRTP(_ packet: [UInt8]) -> (SRTPUnprotectResult, [UInt8]) { unprotect(packet, rtcp: false) }
    func unprotectRTCP(_ packet: [UInt8]) -> (SRTPUnprotectResult, [UInt8]) { unprotect(packet, rtcp: true) }

    private func protect(_ packet: [UInt8], rtcp: Bool) -> [UInt8]? {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumTrailerBytes)
        let length = buffer.withUnsafeMutableBytes { rtcp ? protectRTCP($0, length: packet.count) : protectRTP($0, length: packet.count) }
        return length.map { Array(buffer[..<$0]) }
    }

    private func unprotect(_ packet: [UInt8], rtcp: Bool) -> (SRTPUnprotectResult, [UInt8]) {
        var buffer = packet
        let result = buffer.withUnsafeMutableBytes { rtcp ? unprotectRTCP($0, length: packet.count) : unprotectRTP($0, length: packet.count) }
        if case .ok(let length) = result { return (result, Array(buffer[..<length])) }
        return (result, [])
    }
}

func bytes(hex: String) -> [UInt8] {
    let digits = Array(hex.utf8.filter { $0 != 0x20 && $0 != 0x0A })
    return stride(from: 0, to: digits.count, by: 2).map { i in
        UInt8(String(decoding: digits[i..<i + 2], as: UTF8.self), radix: 16)!
    }
}

/// Index of the first differing byte, nil if equal (keeps failure output small).
func firstMismatch(_ a: [UInt8], _ b: [UInt8]) -> Int? {
    if a == b { return nil }
    return (0..<min(a.count, b.count)).first { a[$0] != b[$0] } ?? min(a.count, b.count)
}
