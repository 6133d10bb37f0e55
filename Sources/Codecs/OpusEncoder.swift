import COpus

/// Opus encoder (RFC 6716 via libopus) for 20 ms frames. Buffers are the caller's: encoding
/// allocates nothing.
public final class OpusEncoder {
    public struct Configuration: Equatable, Sendable {
        public var sampleRate: Int
        public var channels: Int
        public var bitrate: Int
        /// 0 (cheapest) ... 10 (best).
        public var complexity: Int
        /// In-band forward error correction (RFC 7587 §3.3 `useinbandfec`).
        public var inbandFEC: Bool
        /// Expected loss, which tells the encoder how much FEC to spend.
        public var expectedPacketLossPercent: Int
        public var frameDurationMilliseconds: Int

        public init(sampleRate: Int = 48_000, channels: Int = 1, bitrate: Int = 32_000, complexity: Int = 5,
                    inbandFEC: Bool = true, expectedPacketLossPercent: Int = 5, frameDurationMilliseconds: Int = 20) {
            self.sampleRate = sampleRate
            self.channels = channels
            self.bitrate = bitrate
            self.complexity = complexity
            self.inbandFEC = inbandFEC
            self.expectedPacketLossPercent = expectedPacketLossPercent
            self.frameDurationMilliseconds = frameDurationMilliseconds
        }
    }

    public let configuration: Configuration
    /// Samples per channel in one frame (960 at 48 kHz, 20 ms).
    public let samplesPerFrame: Int
    /// Largest packet we ask for: RFC 7587 allows up to 1275 bytes per frame.
    public static let maximumPacketBytes = 1275
    private let encoder: OpaquePointer

    public init(_ configuration: Configuration = Configuration()) throws(CodecError) {
        guard [8_000, 12_000, 16_000, 24_000, 48_000].contains(configuration.sampleRate) else {
            throw .configuration("Opus sample rate must be 8, 12, 16, 24 or 48 kHz")
        }
        guard configuration.channels == 1 || configuration.channels == 2 else { throw .configuration("Opus channels must be 1 or 2") }
        guard [10, 20, 40, 60].contains(configuration.frameDurationMilliseconds) else {
            throw .configuration("Opus frame duration must be 10, 20, 40 or 60 ms")
        }
        guard (0...10).contains(configuration.complexity) else { throw .configuration("Opus complexity must be 0...10") }
        guard (6_000...510_000).contains(configuration.bitrate) else { throw .configuration("Opus bitrate must be 6...510 kbit/s") }
        var error: Int32 = 0
        guard let encoder = opus_encoder_create(Int32(configuration.sampleRate), Int32(configuration.channels),
                                                OPUS_APPLICATION_VOIP, &error), error == OPUS_OK else {
            throw CodecError(.opus, code: error, operation: "opus_encoder_create")
        }
        self.encoder = encoder
        self.configuration = configuration
        self.samplesPerFrame = configuration.sampleRate * configuration.frameDurationMilliseconds / 1000
        _ = cb_opus_set_bitrate(encoder, Int32(configuration.bitrate))
        _ = cb_opus_set_complexity(encoder, Int32(configuration.complexity))
        _ = cb_opus_set_inband_fec(encoder, configuration.inbandFEC ? 1 : 0)
        _ = cb_opus_set_packet_loss_perc(encoder, Int32(configuration.expectedPacketLossPercent))
        _ = cb_opus_set_signal_voice(encoder)
    }

    deinit { opus_encoder_destroy(encoder) }

    /// Encodes one frame of interleaved 16-bit samples (`samplesPerFrame × channels`) into
    /// `packet`; returns the packet length in bytes.
    public func encode(_ pcm: UnsafeBufferPointer<Int16>, into packet: UnsafeMutableRawBufferPointer) throws(CodecError) -> Int {
        guard pcm.count == samplesPerFrame * configuration.channels, let pcmBase = pcm.baseAddress,
              let out = packet.baseAddress else {
            throw .configuration("Opus encode needs exactly one frame of samples and an output buffer")
        }
        let n = opus_encode(encoder, pcmBase, Int32(samplesPerFrame),
                            out.assumingMemoryBound(to: UInt8.self), Int32(min(packet.count, Self.maximumPacketBytes)))
        if n < 0 { throw CodecError(.opus, code: n, operation: "opus_encode") }
        return Int(n)
    }

    /// Convenience for tests and tools (allocates).
    public func encode(_ pcm: [Int16]) throws -> [UInt8] {
        var packet = [UInt8](repeating: 0, count: Self.maximumPacketBytes)
        let n = try pcm.withUnsafeBufferPointer { p in
            try packet.withUnsafeMutableBytes { out in try encode(p, into: out) }
        }
        return Array(packet[0..<n])
    }

    public func setBitrate(_ bitsPerSecond: Int) throws(CodecError) {
        let rc = cb_opus_set_bitrate(encoder, Int32(bitsPerSecond))
        if rc != OPUS_OK { throw CodecError(.opus, code: rc, operation: "OPUS_SET_BITRATE") }
    }

    public var bitrate: Int {
        var value: Int32 = 0
        _ = cb_opus_get_bitrate(encoder, &value)
        return Int(value)
    }
}
