import CFFmpeg

/// H.264 encoder over libx264 (through libavcodec). Feed it 4:2:0 pictures of its size;
/// each call yields exactly one Annex-B access unit (zero-latency: no lookahead, no
/// B-frames), with SPS/PPS repeated in front of every IDR so a receiver can join at any
/// keyframe. One instance belongs to one worker thread.
public final class H264Encoder {
    public private(set) var configuration: H264EncoderConfiguration
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: UnsafeMutablePointer<AVPacket>
    private var nextPresentationTime: Int64 = 0
    private var keyframeRequested = false
    public private(set) var framesEncoded = 0
    public private(set) var keyframesEncoded = 0

    public init(_ configuration: H264EncoderConfiguration) throws(CodecError) {
        FFmpegLibrary.ensureInitialized()
        try configuration.validate()
        self.configuration = configuration
        guard let codec = avcodec_find_encoder_by_name("libx264") else {
            throw .configuration("libavcodec has no libx264 encoder")
        }
        guard let context = avcodec_alloc_context3(codec) else { throw .ffmpeg(-12, "avcodec_alloc_context3") }
        guard let packet = av_packet_alloc() else {
            var c: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&c)
            throw .ffmpeg(-12, "av_packet_alloc")
        }
        self.context = context
        self.packet = packet

        let c = context
        c.pointee.width = Int32(configuration.width)
        c.pointee.height = Int32(configuration.height)
        c.pointee.pix_fmt = AV_PIX_FMT_YUV420P
        c.pointee.time_base = AVRational(num: 1, den: Int32(configuration.framesPerSecond))
        c.pointee.framerate = AVRational(num: Int32(configuration.framesPerSecond), den: 1)
        c.pointee.gop_size = Int32(configuration.keyframeInterval)
        c.pointee.max_b_frames = 0
        // FFmpeg's own threads would run beside the pinned worker and undo the pinning.
        c.pointee.thread_count = 1
        applyRate(to: c, configuration)

        let options = c.pointee.priv_data
        av_opt_set(options, "preset", configuration.preset.rawValue, 0)
        av_opt_set(options, "tune", "zerolatency", 0)
        // x264's "baseline" sets constraint_set1: constrained baseline (RFC 6184 profile-level-id 42e0xx/42c0xx).
        av_opt_set(options, "profile", "baseline", 0)
        // Forced keyframes must be IDRs, not just I-frames: a receiver recovering from loss needs an IDR.
        av_opt_set(options, "forced-idr", "1", 0)
        // No scene-cut I-frames: bitrate spikes hurt on lossy links, and we force IDRs when panes change.
        var x264Params = "scenecut=0"
        if let slice = configuration.maximumSliceBytes { x264Params += ":slice-max-size=\(slice)" }
        av_opt_set(options, "x264-params", x264Params, 0)

        let rc = avcodec_open2(c, codec, nil)
        if rc < 0 {
            var ctx: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&ctx)
            var pkt: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&pkt)
            throw .ffmpeg(rc, "avcodec_open2(libx264)")
        }
    }

    deinit {
        var ctx: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&ctx)
        var pkt: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&pkt)
    }

    private func applyRate(to c: UnsafeMutablePointer<AVCodecContext>, _ configuration: H264EncoderConfiguration) {
        c.pointee.bit_rate = Int64(configuration.bitrate)
        c.pointee.rc_max_rate = Int64(configuration.bitrate)
        c.pointee.rc_buffer_size = Int32(Double(configuration.bitrate) * configuration.vbvBufferSeconds)
    }

    /// The next encoded picture will be an IDR (with SPS/PPS).
    public func forceKeyframe() { keyframeRequested = true }

    /// Changes the target and VBV rate; libx264 reconfigures before the next picture.
    public func setBitrate(_ bitsPerSecond: Int) throws(CodecError) {
        guard bitsPerSecond >= 10_000 else { throw .configuration("H264Encoder bitrate must be at least 10 kbit/s") }
        configuration.bitrate = bitsPerSecond
        applyRate(to: context, configuration)
    }

    /// Encodes one picture and lends the access unit to `body` (called at most once).
    /// Returns false when the encoder produced nothing for this picture.
    @discardableResult
    public func encode(_ picture: VideoFrame, _ body: (EncodedAccessUnit) throws -> Void) throws -> Bool {
        guard picture.width == configuration.width, picture.height == configuration.height, picture.isPlanar420 else {
            throw CodecError.configuration("H264Encoder got a picture of another size or format")
        }
        let f = picture.frame
        let savedPts = f.pointee.pts
        f.pointee.pts = nextPresentationTime
        f.pointee.pict_type = keyframeRequested ? AV_PICTURE_TYPE_I : AV_PICTURE_TYPE_NONE
        let sent = avcodec_send_frame(context, f)
        f.pointee.pict_type = AV_PICTURE_TYPE_NONE
        f.pointee.pts = savedPts
        if sent < 0 { throw CodecError.ffmpeg(sent, "avcodec_send_frame(libx264)") }
        nextPresentationTime += 1
        keyframeRequested = false

        var produced = false
        while true {
            let rc = avcodec_receive_packet(context, packet)
            if rc == cb_av_error_eagain() || rc == cb_av_error_eof() { break }
            if rc < 0 { throw CodecError.ffmpeg(rc, "avcodec_receive_packet(libx264)") }
            defer { av_packet_unref(packet) }
            let isKey = packet.pointee.flags & AV_PKT_FLAG_KEY != 0
            framesEncoded += 1
            if isKey { keyframesEncoded += 1 }
            produced = true
            try body(EncodedAccessUnit(
                bytes: UnsafeRawBufferPointer(start: packet.pointee.data, count: Int(packet.pointee.size)),
                isKeyframe: isKey, presentationTime: packet.pointee.pts))
        }
        return produced
    }

    /// Convenience for tests and tools: the access unit as an array (allocates).
    public func encode(_ picture: VideoFrame) throws -> (bytes: [UInt8], isKeyframe: Bool)? {
        var result: (bytes: [UInt8], isKeyframe: Bool)?
        try encode(picture) { unit in result = (Array(unit.bytes), unit.isKeyframe) }
        return result
    }
}
