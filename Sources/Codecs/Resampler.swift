import CFFmpeg

/// Sample-rate conversion of interleaved 16-bit PCM (libswresample), e.g. 8 kHz G.711 legs
/// to and from the 48 kHz mix. Converting allocates nothing; the filter keeps a few samples
/// of history between calls, so a stream is converted continuously without clicks.
public final class Resampler {
    public let inputRate: Int
    public let outputRate: Int
    public let channels: Int
    private var context: OpaquePointer?

    public init(inputRate: Int, outputRate: Int, channels: Int = 1) throws(CodecError) {
        FFmpegLibrary.ensureInitialized()
        let rates = [8_000, 16_000, 24_000, 32_000, 44_100, 48_000]
        guard rates.contains(inputRate), rates.contains(outputRate) else {
            throw .configuration("Resampler rates must be 8, 16, 24, 32, 44.1 or 48 kHz")
        }
        guard channels == 1 || channels == 2 else { throw .configuration("Resampler channels must be 1 or 2") }
        self.inputRate = inputRate
        self.outputRate = outputRate
        self.channels = channels
        var inLayout = AVChannelLayout()
        var outLayout = AVChannelLayout()
        cb_av_channel_layout_default(&inLayout, Int32(channels))
        cb_av_channel_layout_default(&outLayout, Int32(channels))
        var ctx: OpaquePointer?
        var rc = swr_alloc_set_opts2(&ctx, &outLayout, AV_SAMPLE_FMT_S16, Int32(outputRate),
                                     &inLayout, AV_SAMPLE_FMT_S16, Int32(inputRate), 0, nil)
        if rc < 0 { throw .ffmpeg(rc, "swr_alloc_set_opts2") }
        rc = swr_init(ctx)
        if rc < 0 {
            swr_free(&ctx)
            throw .ffmpeg(rc, "swr_init")
        }
        context = ctx
    }

    deinit { swr_free(&context) }

    /// Most output frames (samples per channel) the next `convert` of `inputFrames` can give.
    public func maximumOutputFrames(forInputFrames inputFrames: Int) -> Int {
        Int(swr_get_out_samples(context, Int32(inputFrames)))
    }

    /// Converts interleaved `input`; returns output frames (samples per channel) written.
    public func convert(_ input: UnsafeBufferPointer<Int16>, into output: UnsafeMutableBufferPointer<Int16>) throws(CodecError) -> Int {
        var inPointer: UnsafePointer<UInt8>? = input.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) }
        var outPointer: UnsafeMutablePointer<UInt8>? = output.baseAddress.map { UnsafeMutableRawPointer($0).assumingMemoryBound(to: UInt8.self) }
        let n = swr_convert(context, &outPointer, Int32(output.count / channels), &inPointer, Int32(input.count / channels))
        if n < 0 { throw .ffmpeg(n, "swr_convert") }
        return Int(n)
    }

    /// Convenience for tests and tools (allocates).
    public func convert(_ input: [Int16]) throws -> [Int16] {
        var output = [Int16](repeating: 0, count: (maximumOutputFrames(forInputFrames: input.count / channels) + 16) * channels)
        let n = try input.withUnsafeBufferPointer { i in
            try output.withUnsafeMutableBufferPointer { o in try convert(i, into: o) }
        }
        return Array(output[0..<(n * channels)])
    }
}
