/// Settings for one H.264 encoder (libx264 through libavcodec), tuned for real-time
/// conferencing: constrained baseline, no B-frames, zero-latency, one thread, long GOP with
/// keyframes on demand.
public struct H264EncoderConfiguration: Equatable, Sendable {
    public enum Preset: String, Sendable, CaseIterable {
        case ultrafast, superfast, veryfast, faster, fast, medium
    }

    public var width: Int
    public var height: Int
    public var framesPerSecond: Int
    /// Target and VBV maximum rate, bits per second.
    public var bitrate: Int
    /// VBV buffer in seconds of `bitrate`; smaller keeps frame sizes even (less burst loss).
    public var vbvBufferSeconds: Double
    public var preset: Preset
    /// Frames between periodic IDRs; keyframes otherwise come from `forceKeyframe()`.
    public var keyframeInterval: Int
    /// Largest slice NAL unit in bytes, for RTP packetization-mode 0 (RFC 6184 §6.2);
    /// `nil` lets a picture be one slice of any size (packetization-mode 1 uses FU-A).
    public var maximumSliceBytes: Int?

    public init(width: Int, height: Int, framesPerSecond: Int = 30, bitrate: Int? = nil,
                vbvBufferSeconds: Double = 1.0, preset: Preset = .superfast,
                keyframeInterval: Int? = nil, maximumSliceBytes: Int? = nil) {
        self.width = width
        self.height = height
        self.framesPerSecond = framesPerSecond
        self.bitrate = bitrate ?? H264EncoderConfiguration.defaultBitrate(width: width, height: height, framesPerSecond: framesPerSecond)
        self.vbvBufferSeconds = vbvBufferSeconds
        self.preset = preset
        self.keyframeInterval = keyframeInterval ?? framesPerSecond * 60
        self.maximumSliceBytes = maximumSliceBytes
    }

    public static func hd1080p(framesPerSecond: Int = 30) -> Self { Self(width: 1920, height: 1080, framesPerSecond: framesPerSecond) }
    public static func hd720p(framesPerSecond: Int = 30) -> Self { Self(width: 1280, height: 720, framesPerSecond: framesPerSecond) }
    public static func sd480p(framesPerSecond: Int = 30) -> Self { Self(width: 848, height: 480, framesPerSecond: framesPerSecond) }

    /// Bitrates room systems use: about 4 Mbit/s for 1080p30, 2 for 720p30, 0.8 for 480p30,
    /// scaled by pixel rate for other sizes.
    public static func defaultBitrate(width: Int, height: Int, framesPerSecond: Int) -> Int {
        let pixelsPerSecond = Double(width * height * framesPerSecond)
        let bitsPerPixel = 0.065
        return max(100_000, Int(pixelsPerSecond * bitsPerPixel / 1000) * 1000)
    }

    func validate() throws(CodecError) {
        guard width >= 16, height >= 16, width <= 4096, height <= 2304, width % 2 == 0, height % 2 == 0 else {
            throw .configuration("H264Encoder needs an even size between 16x16 and 4096x2304")
        }
        guard (1...120).contains(framesPerSecond) else { throw .configuration("H264Encoder frame rate must be 1...120") }
        guard bitrate >= 10_000 else { throw .configuration("H264Encoder bitrate must be at least 10 kbit/s") }
        guard vbvBufferSeconds > 0 else { throw .configuration("H264Encoder VBV buffer must be positive") }
        guard keyframeInterval >= 1 else { throw .configuration("H264Encoder keyframe interval must be at least 1") }
        if let size = maximumSliceBytes, size < 200 { throw .configuration("H264Encoder maximum slice size must be at least 200 bytes") }
    }
}
