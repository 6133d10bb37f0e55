/// ITU-T G.711 companding (PCMU µ-law and PCMA A-law, RFC 3551 §4.5.14), 8-bit codes to
/// 16-bit linear PCM and back. Both directions are table lookups built once, so the audio
/// path does no branching per sample.
public enum G711 {
    public enum Law: Sendable {
        case muLaw  // PCMU, payload type 0
        case aLaw   // PCMA, payload type 8
    }

    // MARK: Per-sample reference conversions (G.711 §3 and §4, segment/quantisation form)

    /// µ-law encoder as in ITU-T G.191's reference software: 14-bit magnitude (one's
    /// complement for negative samples) plus bias 33, eight segments of 16 steps, bits inverted.
    public static func muLawEncode(_ sample: Int16) -> UInt8 {
        let magnitude = min((sample < 0 ? Int(~sample) >> 2 : Int(sample) >> 2) + 33, 0x1FFF)
        var segment = 1
        var rest = magnitude >> 6
        while rest != 0 { segment += 1; rest >>= 1 }
        let high = 8 - segment
        let low = 0x0F - ((magnitude >> segment) & 0x0F)
        let code = UInt8(high << 4 | low)
        return sample >= 0 ? code | 0x80 : code
    }

    public static func muLawDecode(_ code: UInt8) -> Int16 {
        let u = ~code
        var t = (Int(u & 0x0F) << 3) + 0x84
        t <<= Int((u & 0x70) >> 4)
        return Int16(u & 0x80 != 0 ? 0x84 - t : t - 0x84)
    }

    /// A-law encoder as in ITU-T G.191's reference software: 12-bit magnitude (one's complement
    /// for negative samples); segments 0 and 1 share a step size; even bits inverted (0x55).
    public static func aLawEncode(_ sample: Int16) -> UInt8 {
        var magnitude = sample < 0 ? Int(~sample) >> 4 : Int(sample) >> 4
        if magnitude > 15 {
            var exponent = 1
            while magnitude > 16 + 15 { magnitude >>= 1; exponent += 1 }
            magnitude = magnitude - 16 + (exponent << 4)
        }
        let code = UInt8(magnitude) | (sample >= 0 ? 0x80 : 0)
        return code ^ 0x55
    }

    public static func aLawDecode(_ code: UInt8) -> Int16 {
        let a = code ^ 0x55
        var t = Int(a & 0x0F) << 4
        let segment = Int((a & 0x70) >> 4)
        switch segment {
        case 0: t += 8
        case 1: t += 0x108
        default: t = (t + 0x108) << (segment - 1)
        }
        return Int16(a & 0x80 != 0 ? t : -t)
    }

    // MARK: Tables

    private static let muLawDecodeTable: [Int16] = (0...255).map { muLawDecode(UInt8($0)) }
    private static let aLawDecodeTable: [Int16] = (0...255).map { aLawDecode(UInt8($0)) }
    // Indexed by the sample's top 14 bits (µ-law ignores the 2 low bits, A-law the 3 low bits).
    private static let muLawEncodeTable: [UInt8] = (0..<16384).map { muLawEncode(Int16(truncatingIfNeeded: ($0 << 2) ^ 0x8000)) }
    private static let aLawEncodeTable: [UInt8] = (0..<16384).map { aLawEncode(Int16(truncatingIfNeeded: ($0 << 2) ^ 0x8000)) }

    @inline(__always)
    private static func encodeIndex(_ sample: Int16) -> Int { Int(UInt16(bitPattern: sample) ^ 0x8000) >> 2 }

    // MARK: Buffers

    /// Encodes `pcm` into `codes` (same count). Allocation-free.
    public static func encode(_ law: Law, _ pcm: UnsafeBufferPointer<Int16>, into codes: UnsafeMutableBufferPointer<UInt8>) {
        precondition(codes.count >= pcm.count, "G.711 output buffer too small")
        let table = law == .muLaw ? muLawEncodeTable : aLawEncodeTable
        table.withUnsafeBufferPointer { t in
            for i in 0..<pcm.count { codes[i] = t[encodeIndex(pcm[i])] }
        }
    }

    /// Decodes `codes` into `pcm` (same count). Allocation-free.
    public static func decode(_ law: Law, _ codes: UnsafeBufferPointer<UInt8>, into pcm: UnsafeMutableBufferPointer<Int16>) {
        precondition(pcm.count >= codes.count, "G.711 output buffer too small")
        let table = law == .muLaw ? muLawDecodeTable : aLawDecodeTable
        table.withUnsafeBufferPointer { t in
            for i in 0..<codes.count { pcm[i] = t[Int(codes[i])] }
        }
    }

    /// Table-driven single conversions (same results as the reference functions).
    @inline(__always)
    public static func encode(_ law: Law, _ sample: Int16) -> UInt8 {
        law == .muLaw ? muLawEncodeTable[encodeIndex(sample)] : aLawEncodeTable[encodeIndex(sample)]
    }

    @inline(__always)
    public static func decode(_ law: Law, _ code: UInt8) -> Int16 {
        law == .muLaw ? muLawDecodeTable[Int(code)] : aLawDecodeTable[Int(code)]
    }
}
