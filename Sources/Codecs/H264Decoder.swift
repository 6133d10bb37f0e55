import CFFmpeg
import MediaCore

/// H.264 decoder (libavcodec's native decoder, one thread). Takes whole Annex-B access units
/// as the RTP depacketizer assembles them and returns pictures.
///
/// Damage never reaches the caller as a picture: a corrupt access unit is dropped and
/// counted, and from then on access units are skipped (not decoded) until an IDR arrives,
/// so a participant's pane freezes on the last good picture instead of showing smeared
/// blocks. `needsKeyframe` tells the owner to send a PLI.
public final class H264Decoder {
    private let context: UnsafeMutablePointer<AVCodecContext>
    private let packet: UnsafeMutablePointer<AVPacket>
    private let output = VideoFrame()

    /// True until an IDR has decoded cleanly, and again after any corruption.
    public private(set) var needsKeyframe = true
    public private(set) var framesDecoded = 0
    public private(set) var corruptAccessUnits = 0
    /// Access units skipped while waiting for an IDR.
    public private(set) var skippedAccessUnits = 0

    public init() throws(CodecError) {
        FFmpegLibrary.ensureInitialized()
        guard let codec = avcodec_find_decoder(AV_CODEC_ID_H264) else { throw .configuration("libavcodec has no H.264 decoder") }
        guard let context = avcodec_alloc_context3(codec) else { throw .ffmpeg(-12, "avcodec_alloc_context3") }
        guard let packet = av_packet_alloc() else {
            var c: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&c)
            throw .ffmpeg(-12, "av_packet_alloc")
        }
        self.context = context
        self.packet = packet
        // Frame threading would add a frame of delay per thread and run beside the pinned worker.
        context.pointee.thread_count = 1
        // Output each picture as soon as it is decoded: real-time senders never reorder.
        context.pointee.flags |= Int32(AV_CODEC_FLAG_LOW_DELAY)
        let rc = avcodec_open2(context, codec, nil)
        if rc < 0 {
            var c: UnsafeMutablePointer<AVCodecContext>? = context
            avcodec_free_context(&c)
            var p: UnsafeMutablePointer<AVPacket>? = packet
            av_packet_free(&p)
            throw .ffmpeg(rc, "avcodec_open2(h264)")
        }
    }

    deinit {
        var c: UnsafeMutablePointer<AVCodecContext>? = context
        avcodec_free_context(&c)
        var p: UnsafeMutablePointer<AVPacket>? = packet
        av_packet_free(&p)
    }

    /// Decodes one access unit (Annex-B). Never throws: failures are counted values.
    public func decode(_ accessUnit: UnsafeRawBufferPointer) -> DecodeResult {
        guard accessUnit.count > 0, let base = accessUnit.baseAddress else { return fail(.empty) }
        let summary = AnnexB.summarize(accessUnit)
        if summary.isMalformed || (!summary.hasSlice && !summary.hasParameterSets) {
            return fail(.malformedAccessUnit)
        }
        if needsKeyframe && summary.hasSlice && !summary.isIDR {
            skippedAccessUnits += 1
            return .needsKeyframe
        }

        // Not reference-counted: libavcodec copies the bytes into its own padded buffer, so
        // the caller's buffer needs no AV_INPUT_BUFFER_PADDING_SIZE tail.
        packet.pointee.data = UnsafeMutablePointer(mutating: base.assumingMemoryBound(to: UInt8.self))
        packet.pointee.size = Int32(accessUnit.count)
        let sent = avcodec_send_packet(context, packet)
        packet.pointee.data = nil
        packet.pointee.size = 0
        if sent < 0 && sent != cb_av_error_eagain() {
            return fail(.decoder(.ffmpeg(sent, "avcodec_send_packet(h264)")))
        }

        let received = avcodec_receive_frame(context, output.frame)
        if received == cb_av_error_eagain() { return .needsInput }
        if received < 0 { return fail(.decoder(.ffmpeg(received, "avcodec_receive_frame(h264)"))) }
        let f = output.frame.pointee
        if f.decode_error_flags != 0 || f.flags & AV_FRAME_FLAG_CORRUPT != 0 {
            output.unreference()
            return fail(.decoder(.ffmpeg(cb_av_error_invaliddata(), "h264 picture damaged")))
        }
        if summary.isIDR { needsKeyframe = false }
        if needsKeyframe {
            output.unreference()
            skippedAccessUnits += 1
            return .needsKeyframe
        }
        framesDecoded += 1
        return .frame(output)
    }

    public func decode(_ accessUnit: [UInt8]) -> DecodeResult {
        accessUnit.withUnsafeBytes { decode($0) }
    }

    /// Forgets reference pictures (e.g. the sender restarted); waits for the next IDR.
    public func reset() {
        avcodec_flush_buffers(context)
        needsKeyframe = true
    }

    private func fail(_ failure: DecodeFailure) -> DecodeResult {
        corruptAccessUnits += 1
        if !needsKeyframe {
            // Drop references so nothing predicted from damaged pictures is shown.
            avcodec_flush_buffers(context)
            needsKeyframe = true
        }
        return .corrupt(failure)
    }
}
