import Codecs
import MediaCore
import MediaAnalysis
import Testing

@Suite("H.264 encode → decode")
struct H264RoundTripTests {
    /// Encodes `frames` pictures of the moving pattern, decodes each, and returns per-frame
    /// luma PSNR of decoded versus source.
    static func roundTrip(_ configuration: H264EncoderConfiguration, frames: Int) throws -> [Double] {
        let encoder = try H264Encoder(configuration)
        let decoder = try H264Decoder()
        let source = SyntheticVideoSource(width: configuration.width, height: configuration.height)
        let picture = try VideoFrame(width: configuration.width, height: configuration.height)
        var psnr: [Double] = []
        for i in 0..<frames {
            source.render(frame: i, into: picture)
            let unit = try #require(try encoder.encode(picture))
            switch decoder.decode(unit.bytes) {
            case .frame(let decoded):
                #expect(decoded.width == configuration.width && decoded.height == configuration.height)
                psnr.append(PSNR.luma(picture, decoded))
            default:
                Issue.record("frame \(i) did not decode")
            }
        }
        return psnr
    }

    @Test("720p and 1080p at default bitrates keep PSNR ≥ 38 dB", arguments: [
        H264EncoderConfiguration.hd720p(),
        H264EncoderConfiguration.hd1080p(),
    ])
    func roundTripPSNR(configuration: H264EncoderConfiguration) throws {
        let psnr = try Self.roundTrip(configuration, frames: 45)
        #expect(psnr.count == 45)
        let mean = psnr.reduce(0, +) / Double(psnr.count)
        let worst = psnr.min() ?? 0
        print("H.264 \(configuration.width)x\(configuration.height) @ \(configuration.bitrate / 1000) kbit/s: mean PSNR \(mean) dB, worst \(worst) dB")
        #expect(mean >= 38)
        #expect(worst >= 36)
    }

    @Test func outputIsAnnexBConstrainedBaselineWithParameterSetsOnEveryIDR() throws {
        let config = H264EncoderConfiguration(width: 320, height: 240, keyframeInterval: 10)
        let encoder = try H264Encoder(config)
        let source = SyntheticVideoSource(width: 320, height: 240)
        let picture = try VideoFrame(width: 320, height: 240)
        var idrCount = 0
        for i in 0..<25 {
            source.render(frame: i, into: picture)
            let unit = try #require(try encoder.encode(picture))
            #expect(Array(unit.bytes.prefix(3)) == [0, 0, 1] || Array(unit.bytes.prefix(4)) == [0, 0, 0, 1])
            let types = AnnexB.nalTypes(in: unit.bytes)
            #expect(!types.contains(0), "forbidden NAL type")
            if types.contains(5) {
                idrCount += 1
                #expect(unit.isKeyframe)
                let sps = try #require(types.firstIndex(of: 7)), pps = try #require(types.firstIndex(of: 8))
                let idr = try #require(types.firstIndex(of: 5))
                #expect(sps < idr && pps < idr, "SPS and PPS precede the IDR slice")
                // profile_idc 66 (baseline) with constraint_set1_flag: constrained baseline.
                var spsBytes: [UInt8] = []
                unit.bytes.withUnsafeBytes { raw in
                    AnnexB.forEachNALUnit(in: raw) { nal in
                        if nal.first.map({ $0 & 0x1F }) == 7 { spsBytes = Array(nal); return false }
                        return true
                    }
                }
                #expect(spsBytes[1] == 66)
                #expect(spsBytes[2] & 0x40 != 0)
            } else {
                #expect(!unit.isKeyframe)
                #expect(!types.contains(7) && !types.contains(8))
            }
        }
        // keyframeInterval 10 over 25 frames: IDRs at 0, 10, 20.
        #expect(idrCount == 3)
    }

    @Test func forceKeyframeMakesTheNextPictureAnIDR() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 360))
        let source = SyntheticVideoSource(width: 640, height: 360)
        let picture = try VideoFrame(width: 640, height: 360)
        var keyframes: [Bool] = []
        for i in 0..<12 {
            if i == 7 { encoder.forceKeyframe() }
            source.render(frame: i, into: picture)
            let unit = try #require(try encoder.encode(picture))
            keyframes.append(unit.isKeyframe && AnnexB.nalTypes(in: unit.bytes).contains(5))
        }
        #expect(keyframes == [true, false, false, false, false, false, false, true, false, false, false, false])
        #expect(encoder.keyframesEncoded == 2)
    }

    @Test func setBitrateTakesEffectWhileRunning() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 360, bitrate: 2_000_000, vbvBufferSeconds: 0.5))
        let source = SyntheticVideoSource(width: 640, height: 360)
        let picture = try VideoFrame(width: 640, height: 360)
        func bytes(frames: Range<Int>) throws -> Int {
            var total = 0
            for i in frames {
                source.render(frame: i, into: picture)
                total += try #require(try encoder.encode(picture)).bytes.count
            }
            return total
        }
        _ = try bytes(frames: 0..<30)
        let high = try bytes(frames: 30..<90)
        try encoder.setBitrate(200_000)
        _ = try bytes(frames: 90..<105)
        let low = try bytes(frames: 105..<165)
        let highRate = Double(high * 8) / 2, lowRate = Double(low * 8) / 2
        print("bitrate 2000 kbit/s → \(Int(highRate / 1000)) kbit/s measured; 200 kbit/s → \(Int(lowRate / 1000)) kbit/s measured")
        #expect(lowRate < highRate / 3)
        #expect(lowRate < 200_000 * 1.5)
    }

    @Test func maximumSliceSizeKeepsEveryNALUnitUnderTheLimit() throws {
        let limit = 1100
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 1280, height: 720, bitrate: 3_000_000, maximumSliceBytes: limit))
        let decoder = try H264Decoder()
        let source = SyntheticVideoSource(width: 1280, height: 720)
        let picture = try VideoFrame(width: 1280, height: 720)
        var largest = 0, slices = 0
        for i in 0..<10 {
            source.render(frame: i, into: picture)
            let unit = try #require(try encoder.encode(picture))
            unit.bytes.withUnsafeBytes { raw in
                AnnexB.forEachNALUnit(in: raw) { nal in
                    largest = max(largest, nal.count)
                    if let t = nal.first.map({ $0 & 0x1F }), t == 1 || t == 5 { slices += 1 }
                    return true
                }
            }
            guard case .frame = decoder.decode(unit.bytes) else { Issue.record("multi-slice picture \(i) did not decode"); continue }
        }
        #expect(largest <= limit)
        #expect(slices > 10, "pictures were split into several slices")
    }

    @Test func invalidConfigurationsAreRefused() {
        #expect(throws: CodecError.self) { try H264Encoder(H264EncoderConfiguration(width: 641, height: 360)) }
        #expect(throws: CodecError.self) { try H264Encoder(H264EncoderConfiguration(width: 640, height: 360, bitrate: 10)) }
        #expect(throws: CodecError.self) { try H264Encoder(H264EncoderConfiguration(width: 640, height: 360, framesPerSecond: 0)) }
        #expect(throws: CodecError.self) { try H264Encoder(H264EncoderConfiguration(width: 640, height: 360, maximumSliceBytes: 50)) }
    }

    @Test func pictureOfTheWrongSizeIsRefused() throws {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 640, height: 360))
        let picture = try VideoFrame(width: 320, height: 240)
        #expect(throws: CodecError.self) { try encoder.encode(picture) }
    }
}
