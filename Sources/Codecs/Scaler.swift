import CFFmpeg

/// Scales decoded pictures into rectangles of a canvas with libswscale, keeping the source's
/// aspect ratio (the rest of the rectangle becomes bars). One swscale context is kept per
/// (source size, source format, destination size) and reused: after warm-up, scaling a
/// participant into a pane allocates nothing.
///
/// Owned by one worker thread (swscale contexts are not thread-safe).
public final class Scaler {
    private struct Key: Hashable {
        var sourceWidth: Int32, sourceHeight: Int32, sourceFormat: Int32
        var targetWidth: Int32, targetHeight: Int32
    }

    public enum Quality: Sendable {
        /// Fast bilinear: the default for tiles.
        case bilinear
        /// Bicubic: sharper, about 1.5× the cost.
        case bicubic

        var swsFlags: Int32 {
            switch self {
            case .bilinear: return SWS_BILINEAR
            case .bicubic: return SWS_BICUBIC
            }
        }
    }

    public let quality: Quality
    /// Contexts kept before the least recently used is dropped (layouts change pane sizes).
    public let cacheLimit: Int
    private var contexts: [Key: OpaquePointer] = [:]
    private var lastUse: [Key: Int] = [:]
    private var useCounter = 0

    public init(quality: Quality = .bilinear, cacheLimit: Int = 32) {
        FFmpegLibrary.ensureInitialized()
        self.quality = quality
        self.cacheLimit = cacheLimit
        contexts.reserveCapacity(cacheLimit + 1)
        lastUse.reserveCapacity(cacheLimit + 1)
    }

    deinit {
        for context in contexts.values { sws_freeContext(context) }
    }

    public var cachedContextCount: Int { contexts.count }

    /// Scales `source` into `rect` of `canvas`, aspect-fit; the bars are filled with `bars`
    /// (pass `nil` to leave them untouched). Returns the rectangle the picture occupies.
    @discardableResult
    public func scale(_ source: VideoFrame, into canvas: Canvas, rect: PixelRect,
                      bars: YUVColor? = .black) throws(CodecError) -> PixelRect {
        let fitted = fit(source, into: canvas, rect: rect, bars: bars)
        guard !fitted.isEmpty else { return fitted }
        try scale(source, into: canvas.frame, exactly: fitted)
        return fitted
    }

    /// The aspect-fit rectangle of `source` in `rect` (empty when nothing is to be drawn),
    /// with the bars around it filled.
    private func fit(_ source: VideoFrame, into canvas: Canvas, rect: PixelRect, bars: YUVColor?) -> PixelRect {
        let area = canvas.clip(rect).evenAligned
        guard source.hasPixels, !area.isEmpty else { return PixelRect(x: area.x, y: area.y, width: 0, height: 0) }
        let fitted = area.aspectFit(sourceWidth: displayWidth(source), sourceHeight: source.height)
        if let bars { fillBars(canvas, area: area, picture: fitted, color: bars) }
        return fitted
    }

    /// As `scale(_:into:rect:bars:)`, through `tiles`: the picture is scaled once per
    /// (source, fitted size, picture serial) into a cached tile and copied into the canvas, so
    /// views showing the same source at the same size share one scale.
    @discardableResult
    public func scale(_ source: VideoFrame, sourceID: Int, serial: Int, tiles: ScaledTileCache,
                      into canvas: Canvas, rect: PixelRect, bars: YUVColor? = .black) throws(CodecError) -> PixelRect {
        let fitted = fit(source, into: canvas, rect: rect, bars: bars)
        guard !fitted.isEmpty else { return fitted }
        if source.width == fitted.width && source.height == fitted.height {
            try scale(source, into: canvas.frame, exactly: fitted)   // a copy already: no tile
            return fitted
        }
        let tile = try tiles.tile(source: sourceID, width: fitted.width, height: fitted.height, serial: serial)
        if !tile.isCurrent {
            try scale(source, into: tile.frame, exactly: PixelRect(x: 0, y: 0, width: fitted.width, height: fitted.height))
        }
        copyPlanes(tile.frame, into: canvas.frame, at: fitted)
        return fitted
    }

    /// Stretches `source` to exactly `rect` of `target` (no aspect handling); `rect` even-aligned.
    public func scale(_ source: VideoFrame, into target: VideoFrame, exactly rect: PixelRect) throws(CodecError) {
        precondition(target.isPlanar420 && rect.x % 2 == 0 && rect.y % 2 == 0 && rect.width % 2 == 0 && rect.height % 2 == 0)
        precondition(rect.maxX <= target.width && rect.maxY <= target.height, "rect outside the target")
        if source.width == rect.width && source.height == rect.height && source.frame.pointee.format == target.frame.pointee.format {
            copyPlanes(source, into: target, at: rect)
            return
        }
        let key = Key(sourceWidth: Int32(source.width), sourceHeight: Int32(source.height),
                      sourceFormat: source.frame.pointee.format,
                      targetWidth: Int32(rect.width), targetHeight: Int32(rect.height))
        let context = try context(for: key)

        let (y, ys) = target.planePointer(0)
        let (u, us) = target.planePointer(1)
        let (v, vs) = target.planePointer(2)
        var destination: (UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?, UnsafeMutablePointer<UInt8>?) =
            (y + rect.y * ys + rect.x, u + (rect.y / 2) * us + rect.x / 2, v + (rect.y / 2) * vs + rect.x / 2, nil)
        var strides: (Int32, Int32, Int32, Int32) = (Int32(ys), Int32(us), Int32(vs), 0)
        let src = source.frame
        let rc = withUnsafePointer(to: &src.pointee.data) { data in
            withUnsafePointer(to: &src.pointee.linesize) { linesize in
                withUnsafePointer(to: &destination) { dst in
                    withUnsafePointer(to: &strides) { dstStride in
                        sws_scale(
                            context,
                            UnsafeRawPointer(data).assumingMemoryBound(to: UnsafePointer<UInt8>?.self),
                            UnsafeRawPointer(linesize).assumingMemoryBound(to: Int32.self),
                            0, Int32(source.height),
                            UnsafeRawPointer(dst).assumingMemoryBound(to: UnsafeMutablePointer<UInt8>?.self),
                            UnsafeRawPointer(dstStride).assumingMemoryBound(to: Int32.self))
                    }
                }
            }
        }
        if rc < 0 { throw .ffmpeg(rc, "sws_scale") }
    }

    /// Same size: a row copy per plane. Faster than swscale's unscaled path, which also
    /// allocated a few times per call (measured in the compose benchmark).
    private func copyPlanes(_ source: VideoFrame, into target: VideoFrame, at rect: PixelRect) {
        for plane in 0..<3 {
            let (from, fromStride) = source.planePointer(plane)
            let (to, toStride) = target.planePointer(plane)
            let shift = plane == 0 ? 0 : 1
            let width = rect.width >> shift, height = rect.height >> shift
            let origin = to + (rect.y >> shift) * toStride + (rect.x >> shift)
            for row in 0..<height {
                (origin + row * toStride).update(from: from + row * fromStride, count: width)
            }
        }
    }

    private func displayWidth(_ frame: VideoFrame) -> Int {
        let sar = frame.frame.pointee.sample_aspect_ratio
        guard sar.num > 0, sar.den > 0, sar.num != sar.den else { return frame.width }
        return frame.width * Int(sar.num) / Int(sar.den)
    }

    private func fillBars(_ canvas: Canvas, area: PixelRect, picture: PixelRect, color: YUVColor) {
        if picture.isEmpty { canvas.fill(area, with: color); return }
        canvas.fill(PixelRect(x: area.x, y: area.y, width: area.width, height: picture.y - area.y), with: color)
        canvas.fill(PixelRect(x: area.x, y: picture.maxY, width: area.width, height: area.maxY - picture.maxY), with: color)
        canvas.fill(PixelRect(x: area.x, y: picture.y, width: picture.x - area.x, height: picture.height), with: color)
        canvas.fill(PixelRect(x: picture.maxX, y: picture.y, width: area.maxX - picture.maxX, height: picture.height), with: color)
    }

    private func context(for key: Key) throws(CodecError) -> OpaquePointer {
        useCounter &+= 1
        if let context = contexts[key] {
            lastUse[key] = useCounter
            return context
        }
        if contexts.count >= cacheLimit, let oldest = lastUse.min(by: { $0.value < $1.value })?.key {
            sws_freeContext(contexts.removeValue(forKey: oldest))
            lastUse.removeValue(forKey: oldest)
        }
        guard let context = sws_getContext(
            key.sourceWidth, key.sourceHeight, AVPixelFormat(rawValue: key.sourceFormat),
            key.targetWidth, key.targetHeight, AV_PIX_FMT_YUV420P,
            quality.swsFlags, nil, nil, nil)
        else { throw .configuration("sws_getContext refused the sizes/format") }
        contexts[key] = context
        lastUse[key] = useCounter
        return context
    }
}
