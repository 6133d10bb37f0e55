import Codecs
import MediaCore
import Testing

@Suite("H.264 decoder under corrupt input")
struct H264DecoderCorruptionTests {
    /// A short encoded stream: IDR, then P-frames, with a forced IDR at `idrAt`.
    static func stream(frames: Int, idrAt: Int) throws -> [[UInt8]] {
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 320, height: 240))
        let source = SyntheticVideoSource(width: 320, height: 240)
        let picture = try VideoFrame(width: 320, height: 240)
        var units: [[UInt8]] = []
        for i in 0..<frames {
            if i == idrAt { encoder.forceKeyframe() }
            source.render(frame: i, into: picture)
            units.append(try #require(try encoder.encode(picture)).bytes)
        }
        return units
    }

    @Test func garbageIsCountedAndTheNextKeyframeDecodes() throws {
        CodecLogging.silenceLibraryLogs()
        let units = try Self.stream(frames: 12, idrAt: 8)
        let decoder = try H264Decoder()
        #expect(decoder.needsKeyframe)
        for i in 0..<4 {
            guard case .frame = decoder.decode(units[i]) else { Issue.record("clean frame \(i) did not decode"); return }
        }
        #expect(!decoder.needsKeyframe)

        var rng = SeededGenerator(seed: 42)
        let garbage = (0..<3000).map { _ in UInt8.random(in: 0...255, using: &rng) }
        guard case .corrupt = decoder.decode(garbage) else { Issue.record("garbage was not reported as corrupt"); return }
        #expect(decoder.corruptAccessUnits == 1)
        #expect(decoder.needsKeyframe, "after corruption the caller is told to ask for a keyframe")

        // P-frames that follow cannot be trusted: skipped, not shown.
        for i in 4..<8 {
            guard case .needsKeyframe = decoder.decode(units[i]) else { Issue.record("P-frame \(i) after garbage was not held back"); return }
        }
        guard case .frame = decoder.decode(units[8]) else { Issue.record("the keyframe after garbage did not decode"); return }
        #expect(!decoder.needsKeyframe)
        for i in 9..<12 {
            guard case .frame = decoder.decode(units[i]) else { Issue.record("frame \(i) after recovery did not decode"); return }
        }
        #expect(decoder.corruptAccessUnits == 1)
        #expect(decoder.skippedAccessUnits == 4)
    }

    @Test func truncatedAndBitFlippedAccessUnitsNeverCrash() throws {
        CodecLogging.silenceLibraryLogs()
        let units = try Self.stream(frames: 30, idrAt: 15)
        var rng = SeededGenerator(seed: 7)
        let decoder = try H264Decoder()
        var frames = 0, corrupt = 0, held = 0
        for round in 0..<300 {
            var unit = units[round % units.count]
            switch round % 4 {
            case 0: unit = Array(unit.prefix(Int.random(in: 0...unit.count, using: &rng)))
            case 1: for _ in 0..<8 { unit[Int.random(in: 0..<unit.count, using: &rng)] ^= UInt8.random(in: 1...255, using: &rng) }
            case 2: unit = [0, 0, 1] + (0..<Int.random(in: 0...200, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            default: break
            }
            switch decoder.decode(unit) {
            case .frame(let f): frames += 1; #expect(f.width == 320)
            case .corrupt: corrupt += 1
            case .needsKeyframe: held += 1
            case .needsInput: break
            }
        }
        #expect(corrupt > 0)
        #expect(frames > 0)
        #expect(decoder.corruptAccessUnits == corrupt)
        print("fuzzed 300 access units: \(frames) frames, \(corrupt) corrupt, \(held) held for a keyframe")
    }

    @Test func emptyInputIsCorrupt() throws {
        let decoder = try H264Decoder()
        guard case .corrupt(.empty) = decoder.decode([UInt8]()) else { Issue.record("empty input accepted"); return }
    }
}

/// Deterministic "random" input so failures reproduce.
typealias SeededGenerator = SplitMix64
