import COpus

/// Opus decoder with packet-loss concealment and in-band FEC recovery. Output is
/// interleaved 16-bit PCM into the caller's buffer; decoding allocates nothing.
public final class OpusDecoder {
    public let sampleRate: Int
    public let channels: Int
    private let decoder: OpaquePointer
    public private(set) var corruptPackets = 0
    public private(set) var concealedFrames = 0

    public init(sampleRate: Int = 48_000, channels: Int = 1) throws(CodecError) {
        guard [8_000, 12_000, 16_000, 24_000, 48_000].contains(sampleRate) else {
            throw .configuration("Opus sample rate must be 8, 12, 16, 24 or 48 kHz")
        }
        guard channels == 1 || channels == 2 else { throw .configuration("Opus channels must be 1 or 2") }
        var error: Int32 = 0
        guard let decoder = opus_decoder_create(Int32(sampleRate), Int32(channels), &error), error == OPUS_OK else {
            throw CodecError(.opus, code: error, operation: "opus_decoder_create")
        }
        self.decoder = decoder
        self.sampleRate = sampleRate
        self.channels = channels
    }

    deinit { opus_decoder_destroy(decoder) }

    /// Samples per channel in a 20 ms frame at this rate.
    public var samplesPer20ms: Int { sampleRate / 50 }

    /// Decodes a packet; returns samples per channel written to `pcm`. A corrupt packet is
    /// counted and reported as an error; the caller then conceals.
    public func decode(_ packet: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        guard let data = packet.baseAddress, packet.count > 0 else {
            return try concealLoss(into: pcm, samplesPerChannel: samplesPer20ms)
        }
        guard let out = pcm.baseAddress else { throw .configuration("Opus output buffer is empty") }
        let n = opus_decode(decoder, data.assumingMemoryBound(to: UInt8.self), Int32(packet.count),
                            out, Int32(pcm.count / channels), 0)
        if n < 0 {
            corruptPackets += 1
            throw CodecError(.opus, code: n, operation: "opus_decode")
        }
        return Int(n)
    }

    /// Fills a lost frame by the decoder's concealment (RFC 6716 §4.4).
    public func concealLoss(into pcm: UnsafeMutableBufferPointer<Int16>, samplesPerChannel: Int) throws(CodecError) -> Int {
        guard samplesPerChannel * channels <= pcm.count, let out = pcm.baseAddress else {
            throw .configuration("Opus output buffer too small")
        }
        let n = opus_decode(decoder, nil, 0, out, Int32(samplesPerChannel), 0)
        if n < 0 { throw CodecError(.opus, code: n, operation: "opus_decode(PLC)") }
        concealedFrames += 1
        return Int(n)
    }

    /// Rebuilds the lost frame *before* `nextPacket` from the FEC data carried in it (RFC 7587
    /// §3.3); falls back to concealment when the packet holds no FEC.
    public func recoverLoss(from nextPacket: UnsafeRawBufferPointer, into pcm: UnsafeMutableBufferPointer<Int16>,
                            samplesPerChannel: Int) throws(CodecError) -> Int {
        guard let data = nextPacket.baseAddress, nextPacket.count > 0, samplesPerChannel * channels <= pcm.count,
              let out = pcm.baseAddress else {
            return try concealLoss(into: pcm, samplesPerChannel: samplesPerChannel)
        }
        let n = opus_decode(decoder, data.assumingMemoryBound(to: UInt8.self), Int32(nextPacket.count),
                            out, Int32(samplesPerChannel), 1)
        if n < 0 { throw CodecError(.opus, code: n, operation: "opus_decode(FEC)") }
        concealedFrames += 1
        return Int(n)
    }

    /// Convenience for tests and tools (allocates).
    public func decode(_ packet: [UInt8]) throws -> [Int16] {
        var pcm = [Int16](repeating: 0, count: 5760 * channels)  // 120 ms, the longest Opus frame
        let n = try packet.withUnsafeBytes { p in
            try pcm.withUnsafeMutableBufferPointer { out in try decode(p, into: out) }
        }
        return Array(pcm[0..<(n * channels)])
    }

    public func reset() { _ = cb_opus_decoder_reset(decoder) }
}
