/// A rectangle in pixels on a canvas. Positions and sizes used for 4:2:0 pictures are even.
public struct PixelRect: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var x: Int
    public var y: Int
    public var width: Int
    public var height: Int

    public init(x: Int, y: Int, width: Int, height: Int) {
        self.x = x
        self.y = y
        self.width = width
        self.height = height
    }

    public var isEmpty: Bool { width <= 0 || height <= 0 }
    public var maxX: Int { x + width }
    public var maxY: Int { y + height }

    /// The same rectangle with every edge rounded down to an even coordinate (4:2:0 chroma).
    public var evenAligned: PixelRect {
        let x0 = x & ~1, y0 = y & ~1
        return PixelRect(x: x0, y: y0, width: (maxX - x0) & ~1, height: (maxY - y0) & ~1)
    }

    /// The largest rectangle of aspect `sourceWidth:sourceHeight` centred in this one
    /// (letter-box or pillar-box), even-aligned.
    public func aspectFit(sourceWidth: Int, sourceHeight: Int) -> PixelRect {
        guard sourceWidth > 0, sourceHeight > 0, !isEmpty else { return PixelRect(x: x, y: y, width: 0, height: 0) }
        var w = width
        var h = height
        if sourceWidth * height > width * sourceHeight {
            h = (width * sourceHeight + sourceWidth / 2) / sourceWidth
        } else {
            w = (height * sourceWidth + sourceHeight / 2) / sourceHeight
        }
        w = min(w & ~1, width & ~1)
        h = min(h & ~1, height & ~1)
        let fx = (x + (width - w) / 2) & ~1
        let fy = (y + (height - h) / 2) & ~1
        return PixelRect(x: fx, y: fy, width: w, height: h)
    }

    public var description: String { "\(width)x\(height)@(\(x),\(y))" }
}
