/// A picture size the bridge encodes for a leg. The standard list runs from 1080p down to
/// QCIF; 848x480 (not 854) keeps the width a multiple of 16 and 16:9 within 0.1 %.
public struct SDPVideoResolution: Equatable, Hashable, Sendable, CustomStringConvertible {
    public var width: Int
    public var height: Int

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public static let p1080 = SDPVideoResolution(width: 1920, height: 1080)
    public static let p720 = SDPVideoResolution(width: 1280, height: 720)
    public static let p480 = SDPVideoResolution(width: 848, height: 480)
    public static let p360 = SDPVideoResolution(width: 640, height: 360)
    public static let p270 = SDPVideoResolution(width: 480, height: 270)
    public static let p180 = SDPVideoResolution(width: 320, height: 180)
    public static let qcif = SDPVideoResolution(width: 176, height: 144)

    /// Largest first: the order `H264ReceiveLimits.bestMode` tries them in.
    public static let standard: [SDPVideoResolution] = [.p1080, .p720, .p480, .p360, .p270, .p180, .qcif]

    /// Width and height in 16x16 macroblocks, rounded up (a 1080-line picture is coded as 1088).
    public var widthInMacroblocks: Int { (width + 15) / 16 }
    public var heightInMacroblocks: Int { (height + 15) / 16 }
    public var macroblocks: Int { widthInMacroblocks * heightInMacroblocks }

    public var description: String { "\(width)x\(height)" }
}
