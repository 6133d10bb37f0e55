import CFFmpeg

/// One plane of a picture, lent for the duration of a `withPlane` call.
public struct VideoPlane {
    public let base: UnsafeMutablePointer<UInt8>
    /// Bytes from one row to the next (may exceed `width`; FFmpeg pads rows for SIMD).
    public let stride: Int
    public let width: Int
    public let height: Int

    @inline(__always)
    public subscript(x: Int, y: Int) -> UInt8 {
        get { base[y * stride + x] }
        nonmutating set { base[y * stride + x] = newValue }
    }

    public func row(_ y: Int) -> UnsafeMutableBufferPointer<UInt8> {
        UnsafeMutableBufferPointer(start: base + y * stride, count: width)
    }
}

/// The single owner of one `AVFrame`. The pixel buffers behind it are reference-counted by
/// FFmpeg: `reference(_:)` makes this frame share another's pixels without copying
/// (`av_frame_ref`), which is how decoded pictures are handed to other workers read-only.
public final class VideoFrame {
    let frame: UnsafeMutablePointer<AVFrame>

    /// An empty frame (no pixels) to be filled by a decoder or by `reference(_:)`.
    public init() {
        FFmpegLibrary.ensureInitialized()
        guard let frame = av_frame_alloc() else { fatalError("av_frame_alloc: out of memory") }
        self.frame = frame
    }

    /// A frame with its own 4:2:0 pixel buffers of the given (even) size, contents undefined.
    public convenience init(width: Int, height: Int) throws(CodecError) {
        guard width > 0, height > 0, width % 2 == 0, height % 2 == 0, width <= 8192, height <= 8192 else {
            throw .configuration("VideoFrame size must be even and within 2..8192")
        }
        self.init()
        frame.pointee.width = Int32(width)
        frame.pointee.height = Int32(height)
        frame.pointee.format = AV_PIX_FMT_YUV420P.rawValue
        let rc = av_frame_get_buffer(frame, 0)
        if rc < 0 { throw .ffmpeg(rc, "av_frame_get_buffer") }
    }

    deinit {
        var pointer: UnsafeMutablePointer<AVFrame>? = frame
        av_frame_free(&pointer)
    }

    public var width: Int { Int(frame.pointee.width) }
    public var height: Int { Int(frame.pointee.height) }
    /// False for an empty frame (never filled, or after `unreference()`).
    public var hasPixels: Bool { frame.pointee.buf.0 != nil }
    /// 4:2:0 planar with 8-bit samples (yuv420p or its full-range twin yuvj420p).
    public var isPlanar420: Bool {
        frame.pointee.format == AV_PIX_FMT_YUV420P.rawValue || frame.pointee.format == AV_PIX_FMT_YUVJ420P.rawValue
    }
    public var isKeyframe: Bool { frame.pointee.key_frame != 0 }

    /// Presentation time in the producer's time base.
    public var presentationTime: Int64 {
        get { frame.pointee.pts }
        set { frame.pointee.pts = newValue }
    }

    /// True when nobody else shares these pixels, so writing cannot disturb a reader.
    public var isWritable: Bool { av_frame_is_writable(frame) != 0 }

    /// Gives this frame private pixels if they are shared (copying them once).
    public func makeWritable() throws(CodecError) {
        let rc = av_frame_make_writable(frame)
        if rc < 0 { throw .ffmpeg(rc, "av_frame_make_writable") }
    }

    /// Drops whatever this frame held and shares `other`'s pixels and properties.
    public func reference(_ other: VideoFrame) throws(CodecError) {
        av_frame_unref(frame)
        let rc = av_frame_ref(frame, other.frame)
        if rc < 0 { throw .ffmpeg(rc, "av_frame_ref") }
    }

    /// Releases the pixels (the last reference frees or returns them to their pool).
    public func unreference() { av_frame_unref(frame) }

    public var planeCount: Int { 3 }

    public func withPlane<R>(_ index: Int, _ body: (VideoPlane) throws -> R) rethrows -> R {
        precondition(index >= 0 && index < 3 && hasPixels, "no such plane")
        let (base, stride) = planePointer(index)
        let chroma = index > 0
        let plane = VideoPlane(
            base: base, stride: stride,
            width: chroma ? (width + 1) / 2 : width,
            height: chroma ? (height + 1) / 2 : height)
        return try body(plane)
    }

    @inline(__always)
    func planePointer(_ index: Int) -> (UnsafeMutablePointer<UInt8>, Int) {
        let base = withUnsafeBytes(of: frame.pointee.data) {
            $0.load(fromByteOffset: index * MemoryLayout<UnsafeMutablePointer<UInt8>?>.stride,
                    as: UnsafeMutablePointer<UInt8>?.self)
        }
        let stride = withUnsafeBytes(of: frame.pointee.linesize) {
            $0.load(fromByteOffset: index * MemoryLayout<Int32>.stride, as: Int32.self)
        }
        return (base!, Int(stride))
    }
}
