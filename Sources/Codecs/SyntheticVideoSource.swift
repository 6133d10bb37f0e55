import Glibc

/// A deterministic moving test picture, cheap to produce: a smooth textured background that
/// pans, plus a bright block on a Lissajous path. Used by codec tests (PSNR needs a known
/// picture), benchmarks, and the load generator. Each frame is row copies and fills only.
public final class SyntheticVideoSource {
    public let width: Int
    public let height: Int
    private let pan = 256
    // Texture planes wider than the picture by `pan`, so panning is a row offset.
    private let luma: [UInt8]
    private let cb: [UInt8]
    private let cr: [UInt8]
    public private(set) var frameIndex = 0

    public init(width: Int, height: Int, seed: UInt64 = 1) {
        precondition(width % 2 == 0 && height % 2 == 0)
        self.width = width
        self.height = height
        let tw = width + pan
        var state = seed | 1
        func noise() -> Double {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return Double(state % 7) - 3
        }
        var y = [UInt8](repeating: 0, count: tw * height)
        for row in 0..<height {
            for col in 0..<tw {
                let v = 128 + 45 * sin(Double(col) / 23) * cos(Double(row) / 17)
                    + 25 * sin(Double(col + 2 * row) / 61) + noise()
                y[row * tw + col] = UInt8(max(16, min(235, v)))
            }
        }
        let ctw = tw / 2
        var u = [UInt8](repeating: 0, count: ctw * height / 2)
        var v = [UInt8](repeating: 0, count: ctw * height / 2)
        for row in 0..<height / 2 {
            for col in 0..<ctw {
                u[row * ctw + col] = UInt8(128 + 30 * sin(Double(col) / 37 + Double(row) / 53))
                v[row * ctw + col] = UInt8(128 + 30 * cos(Double(col) / 29 - Double(row) / 41))
            }
        }
        luma = y
        cb = u
        cr = v
    }

    /// Draws frame number `index` into `frame` (same size, 4:2:0).
    public func render(frame index: Int, into frame: VideoFrame) {
        precondition(frame.width == width && frame.height == height && frame.isPlanar420)
        // Triangle wave so the pan reverses instead of jumping.
        let phase = (index * 2) % (2 * pan)
        let offset = (phase < pan ? phase : 2 * pan - phase) & ~1
        copy(luma, rowWidth: width + pan, offset: offset, plane: 0, into: frame)
        copy(cb, rowWidth: (width + pan) / 2, offset: offset / 2, plane: 1, into: frame)
        copy(cr, rowWidth: (width + pan) / 2, offset: offset / 2, plane: 2, into: frame)

        let t = Double(index) / 30
        let side = (min(width, height) / 5) & ~1
        let bx = Int((Double(width - side) / 2) * (1 + sin(t * 1.3))) & ~1
        let by = Int((Double(height - side) / 2) * (1 + sin(t * 0.9 + 1))) & ~1
        Canvas.fill(frame, PixelRect(x: bx, y: by, width: side, height: side), with: YUVColor(y: 200, u: 90, v: 170))
        frame.presentationTime = Int64(index)
        frameIndex = index
    }

    public func renderNext(into frame: VideoFrame) {
        render(frame: frameIndex + 1, into: frame)
    }

    private func copy(_ source: [UInt8], rowWidth: Int, offset: Int, plane: Int, into frame: VideoFrame) {
        source.withUnsafeBufferPointer { src in
            frame.withPlane(plane) { p in
                for row in 0..<p.height {
                    memcpy(p.base + row * p.stride, src.baseAddress! + row * rowWidth + offset, p.width)
                }
            }
        }
    }
}
