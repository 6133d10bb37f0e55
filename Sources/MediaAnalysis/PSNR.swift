import Codecs
import Glibc

/// Peak signal-to-noise ratio between two pictures, the objective check that video really
/// flowed (tests, the load generator's picture verification).
public enum PSNR {
    /// PSNR over one plane (0: luma) of two same-sized pictures, in dB; `.infinity` if identical.
    public static func plane(_ index: Int, _ a: VideoFrame, _ b: VideoFrame) -> Double {
        precondition(a.width == b.width && a.height == b.height, "PSNR needs equal sizes")
        var squaredError: Double = 0
        var samples = 0
        a.withPlane(index) { pa in
            b.withPlane(index) { pb in
                for y in 0..<pa.height {
                    let ra = pa.base + y * pa.stride, rb = pb.base + y * pb.stride
                    var rowError = 0
                    for x in 0..<pa.width {
                        let d = Int(ra[x]) - Int(rb[x])
                        rowError += d * d
                    }
                    squaredError += Double(rowError)
                }
                samples = pa.width * pa.height
            }
        }
        return fromMeanSquaredError(squaredError / Double(samples))
    }

    /// Luma PSNR restricted to a rectangle of each picture (same size rectangles).
    public static func luma(_ a: VideoFrame, _ ra: PixelRect, _ b: VideoFrame, _ rb: PixelRect) -> Double {
        precondition(ra.width == rb.width && ra.height == rb.height)
        var squaredError: Double = 0
        a.withPlane(0) { pa in
            b.withPlane(0) { pb in
                for y in 0..<ra.height {
                    for x in 0..<ra.width {
                        let d = Int(pa[ra.x + x, ra.y + y]) - Int(pb[rb.x + x, rb.y + y])
                        squaredError += Double(d * d)
                    }
                }
            }
        }
        return fromMeanSquaredError(squaredError / Double(ra.width * ra.height))
    }

    /// Luma PSNR of two pictures.
    public static func luma(_ a: VideoFrame, _ b: VideoFrame) -> Double { plane(0, a, b) }

    public static func fromMeanSquaredError(_ mse: Double) -> Double {
        mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
    }
}
