import Codecs
import MediaAnalysis
import Testing

@Suite("VideoFrame, pool, canvas")
struct VideoFrameTests {
    @Test func referenceSharesPixelsWithoutCopying() throws {
        let a = try VideoFrame(width: 64, height: 48)
        Canvas(frame: a).fill(YUVColor(y: 100, u: 50, v: 200))
        #expect(a.isWritable)
        let b = VideoFrame()
        #expect(!b.hasPixels)
        try b.reference(a)
        #expect(!a.isWritable && !b.isWritable, "shared pixels are read-only for both")
        let samePixels = a.withPlane(0) { pa in b.withPlane(0) { pb in pa.base == pb.base } }
        #expect(samePixels)
        #expect(b.withPlane(2) { $0[10, 10] } == 200)
        b.unreference()
        #expect(a.isWritable)
    }

    @Test func makeWritableCopiesSharedPixels() throws {
        let a = try VideoFrame(width: 32, height: 32)
        Canvas(frame: a).fill(.white)
        let b = VideoFrame()
        try b.reference(a)
        try b.makeWritable()
        Canvas(frame: b).fill(.black)
        #expect(a.withPlane(0) { $0[5, 5] } == 235)
        #expect(b.withPlane(0) { $0[5, 5] } == 16)
    }

    @Test func poolRecyclesFramesNobodyReferences() throws {
        let pool = VideoFramePool(width: 64, height: 64, limit: 3)
        let reader = VideoFrame()
        let first = try #require(try pool.acquire())
        try reader.reference(first)   // a reader still holds frame 1
        let second = try #require(try pool.acquire())
        #expect(first !== second)
        reader.unreference()
        for _ in 0..<100 { _ = try pool.acquire() }
        #expect(pool.allocatedCount == 2, "steady state reuses frames instead of allocating")
        // Everything referenced elsewhere: the pool refuses rather than growing past its limit.
        var holders: [VideoFrame] = []
        for _ in 0..<3 {
            guard let f = try pool.acquire() else { break }
            let h = VideoFrame()
            try h.reference(f)
            holders.append(h)
        }
        #expect(pool.allocatedCount == 3)
        #expect(try pool.acquire() == nil)
    }

    @Test func canvasFillsRectanglesEvenAlignedAndClipped() throws {
        let canvas = try Canvas(width: 64, height: 32)
        canvas.fill(.black)
        canvas.fill(PixelRect(x: 9, y: 3, width: 10, height: 10), with: .white)   // → x 8..18, y 2..12
        canvas.fill(PixelRect(x: 60, y: 28, width: 100, height: 100), with: YUVColor(y: 81, u: 90, v: 240))  // clipped
        canvas.frame.withPlane(0) { y in
            #expect(y[8, 2] == 235 && y[17, 11] == 235)
            #expect(y[7, 2] == 16 && y[18, 2] == 16 && y[8, 12] == 16)
            #expect(y[63, 31] == 81 && y[59, 31] == 16)
        }
        canvas.frame.withPlane(2) { v in #expect(v[31, 15] == 240 && v[29, 15] == 128) }
    }

    @Test func rgbToYUVFollowsBT601() {
        #expect(YUVColor(red: 0, green: 0, blue: 0) == .black)
        #expect(YUVColor(red: 255, green: 255, blue: 255) == .white)
        let red = YUVColor(red: 255, green: 0, blue: 0)
        #expect(red.y == 81 && red.u == 90 && red.v == 240)
    }

    @Test func aspectFitLetterboxesAndPillarboxes() {
        let pane = PixelRect(x: 0, y: 0, width: 640, height: 480)
        #expect(pane.aspectFit(sourceWidth: 1280, sourceHeight: 720) == PixelRect(x: 0, y: 60, width: 640, height: 360))
        let wide = PixelRect(x: 100, y: 50, width: 1280, height: 360)
        #expect(wide.aspectFit(sourceWidth: 640, sourceHeight: 480) == PixelRect(x: 500, y: 50, width: 480, height: 360))
        #expect(pane.aspectFit(sourceWidth: 0, sourceHeight: 10).isEmpty)
    }
}

@Suite("Scaler")
struct ScalerTests {
    @Test func scalesIntoARectangleKeepingAspectWithBlackBars() throws {
        // Source 320x180 (16:9): left half red, right half blue.
        let source = try VideoFrame(width: 320, height: 180)
        let s = Canvas(frame: source)
        let red = YUVColor(red: 255, green: 0, blue: 0), blue = YUVColor(red: 0, green: 0, blue: 255)
        s.fill(PixelRect(x: 0, y: 0, width: 160, height: 180), with: red)
        s.fill(PixelRect(x: 160, y: 0, width: 160, height: 180), with: blue)

        let canvas = try Canvas(width: 1280, height: 720)
        canvas.fill(.white)
        let scaler = Scaler()
        // A 4:3 pane at (640, 0): the 16:9 picture is letterboxed inside it.
        let pane = PixelRect(x: 640, y: 0, width: 640, height: 480)
        let placed = try scaler.scale(source, into: canvas, rect: pane)
        #expect(placed == PixelRect(x: 640, y: 60, width: 640, height: 360))
        canvas.frame.withPlane(0) { y in
            #expect(y[900, 20] == 16, "top bar is black")
            #expect(y[900, 460] == 16, "bottom bar is black")
            #expect(abs(Int(y[700, 240]) - Int(red.y)) <= 2, "left half red")
            #expect(abs(Int(y[1200, 240]) - Int(blue.y)) <= 2, "right half blue")
            #expect(y[100, 100] == 235, "outside the pane untouched")
            #expect(y[900, 600] == 235, "below the pane untouched")
        }
        canvas.frame.withPlane(2) { v in #expect(abs(Int(v[350, 120]) - Int(red.v)) <= 2) }
        #expect(scaler.cachedContextCount == 1)
        try scaler.scale(source, into: canvas, rect: pane)
        #expect(scaler.cachedContextCount == 1, "the context for this size pair is reused")
    }

    @Test func downscaledPictureMatchesSourceDetail() throws {
        // Downscale 2:1 and back up; a smooth pattern survives with high PSNR.
        let source = try VideoFrame(width: 1280, height: 720)
        SyntheticVideoSource(width: 1280, height: 720).render(frame: 3, into: source)
        let small = try Canvas(width: 640, height: 360)
        let scaler = Scaler()
        try scaler.scale(source, into: small, rect: small.bounds)
        let back = try Canvas(width: 1280, height: 720)
        try scaler.scale(small.frame, into: back, rect: back.bounds)
        let psnr = PSNR.luma(source, back.frame)
        #expect(psnr > 28, "2:1 down and up keeps the picture (\(psnr) dB)")
        #expect(scaler.cachedContextCount == 2)
    }

    @Test func contextCacheIsBounded() throws {
        let scaler = Scaler(cacheLimit: 4)
        let source = try VideoFrame(width: 64, height: 64)
        Canvas(frame: source).fill(.white)
        let canvas = try Canvas(width: 256, height: 256)
        for size in stride(from: 16, through: 128, by: 16) {
            try scaler.scale(source, into: canvas, rect: PixelRect(x: 0, y: 0, width: size, height: size))
        }
        #expect(scaler.cachedContextCount == 4)
    }
}
