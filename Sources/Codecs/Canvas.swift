import Glibc

/// A picture that layouts are composed on: a writable 4:2:0 frame with fill operations.
/// Compose by `fill` (background, bars, empty panes) and `Scaler.scale(_:into:rect:)`.
public final class Canvas {
    public let frame: VideoFrame
    public var width: Int { frame.width }
    public var height: Int { frame.height }
    public var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    public init(width: Int, height: Int) throws(CodecError) {
        frame = try VideoFrame(width: width, height: height)
    }

    /// Composes on an existing writable frame (e.g. one from a `VideoFramePool`).
    public init(frame: VideoFrame) {
        precondition(frame.isPlanar420, "Canvas needs a 4:2:0 frame")
        self.frame = frame
    }

    public func fill(_ color: YUVColor) { fill(bounds, with: color) }

    /// Fills `rect` (clipped to the canvas, even-aligned) with one colour, row by row.
    public func fill(_ rect: PixelRect, with color: YUVColor) {
        Canvas.fill(frame, clip(rect), with: color)
    }

    /// Fills a rectangle of any 4:2:0 frame without wrapping it in a Canvas (no allocation).
    public static func fill(_ frame: VideoFrame, _ rect: PixelRect, with color: YUVColor) {
        let r = rect.evenAligned
        guard !r.isEmpty, r.x >= 0, r.y >= 0, r.maxX <= frame.width, r.maxY <= frame.height else { return }
        fillPlane(frame, 0, r, color.y)
        let cr = PixelRect(x: r.x / 2, y: r.y / 2, width: r.width / 2, height: r.height / 2)
        fillPlane(frame, 1, cr, color.u)
        fillPlane(frame, 2, cr, color.v)
    }

    private static func fillPlane(_ frame: VideoFrame, _ plane: Int, _ r: PixelRect, _ value: UInt8) {
        frame.withPlane(plane) { p in
            for row in r.y..<r.maxY { memset(p.base + row * p.stride + r.x, Int32(value), r.width) }
        }
    }

    func clip(_ rect: PixelRect) -> PixelRect {
        let x0 = max(0, rect.x), y0 = max(0, rect.y)
        let x1 = min(width, rect.maxX), y1 = min(height, rect.maxY)
        return PixelRect(x: x0, y: y0, width: max(0, x1 - x0), height: max(0, y1 - y0))
    }
}
