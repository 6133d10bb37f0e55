import Codecs
import Glibc
import MediaAnalysis
import Testing
@testable import Mixer

@Suite("Compositor, font, audio mixer")
struct CompositorTests {
    func solid(_ color: YUVColor, width: Int = 320, height: Int = 180) throws -> VideoFrame {
        let f = try VideoFrame(width: width, height: height)
        Canvas(frame: f).fill(color)
        return f
    }

    @Test func allEqualPutsEachSourceInItsPane() throws {
        let red = YUVColor(red: 255, green: 0, blue: 0), green = YUVColor(red: 0, green: 255, blue: 0)
        let blue = YUVColor(red: 0, green: 0, blue: 255)
        let sources = [try solid(red), try solid(green), try solid(blue)]
        let canvas = try Canvas(width: 1280, height: 720)
        let compositor = Compositor()
        try compositor.compose(canvas, panes: Layout.panes(for: .allEqual, sourceCount: 3), labels: false) { i in
            PaneContent(picture: sources[i], label: "P\(i)")
        }
        // 2×2 grid: top-left red, top-right green, bottom row centred: blue.
        canvas.frame.withPlane(0) { y in
            #expect(abs(Int(y[320, 180]) - Int(red.y)) <= 2)
            #expect(abs(Int(y[960, 180]) - Int(green.y)) <= 2)
            #expect(abs(Int(y[640, 540]) - Int(blue.y)) <= 2)
            #expect(y[100, 540] == 16, "empty cell is background")
        }
    }

    /// Two views showing the same three sources at the same pane size (one allEqual grid drawn
    /// for two legs) scale each source once; the second view only copies the tiles. Both are
    /// byte-identical to a composition without the cache; a new picture serial re-scales.
    @Test func viewsShareOneScaledTilePerSourceAndSize() throws {
        let synthetic = SyntheticVideoSource(width: 1280, height: 720)
        var sources: [VideoFrame] = []
        for i in 0..<3 {
            let f = try VideoFrame(width: 1280, height: 720)
            synthetic.render(frame: i * 7, into: f)
            sources.append(f)
        }
        let panes = Layout.panes(for: .allEqual, sourceCount: 3)
        func content(_ i: Int, serial: Int = 1) -> PaneContent {
            PaneContent(picture: sources[i], label: "P\(i)", sourceID: 10 + i, serial: serial)
        }
        let plain = try Canvas(width: 1280, height: 720)
        try Compositor().compose(plain, panes: panes, labels: true) { content($0) }
        let tiles = ScaledTileCache()
        let first = try Canvas(width: 1280, height: 720), second = try Canvas(width: 1280, height: 720)
        try Compositor().compose(first, panes: panes, labels: true, tiles: tiles) { content($0) }
        try Compositor().compose(second, panes: panes, labels: true, tiles: tiles) { content($0) }
        #expect(tiles.scales == 3 && tiles.reuses == 3, "scales \(tiles.scales), reuses \(tiles.reuses)")
        for plane in 0..<3 {
            let a = plain.frame.withPlane(plane) { p in (0..<p.height).flatMap { Array(p.row($0)) } }
            let b = first.frame.withPlane(plane) { p in (0..<p.height).flatMap { Array(p.row($0)) } }
            let c = second.frame.withPlane(plane) { p in (0..<p.height).flatMap { Array(p.row($0)) } }
            let identical = a == b && b == c
            #expect(identical, "plane \(plane) identical with and without the tile cache")
        }
        try Compositor().compose(second, panes: panes, labels: true, tiles: tiles) { content($0, serial: $0 == 0 ? 2 : 1) }
        #expect(tiles.scales == 4 && tiles.reuses == 5, "a new picture of source 0 is scaled again")
        #expect(tiles.count == 3)
    }

    @Test func aParticipantWithoutVideoGetsANameTile() throws {
        let canvas = try Canvas(width: 640, height: 360)
        try Compositor().compose(canvas, panes: Layout.panes(for: .speakerOnly, sourceCount: 1), labels: true) { _ in
            PaneContent(picture: nil, label: "ALICE")
        }
        var white = 0
        canvas.frame.withPlane(0) { y in for yy in 0..<360 { for x in 0..<640 where y[x, yy] == 235 { white += 1 } } }
        #expect(white > 50, "the name is drawn")
        canvas.frame.withPlane(0) { y in #expect(y[5, 5] == Compositor.tileColor.y) }
    }

    @Test func slateSaysWaiting() throws {
        let canvas = try Canvas(width: 1280, height: 720)
        Compositor().drawSlate(canvas)
        var white = 0
        canvas.frame.withPlane(0) { y in for yy in 300..<420 { for x in 0..<1280 where y[x, yy] == 235 { white += 1 } } }
        #expect(white > 500)
        canvas.frame.withPlane(0) { y in #expect(y[10, 10] == Compositor.slateColor.y) }
    }

    @Test func fontCoversLettersDigitsAndFallsBackToQuestionMark() {
        #expect(BitmapFont.glyph("a") == BitmapFont.glyph("A"))
        #expect(BitmapFont.glyph("€") == BitmapFont.glyph("?"))
        #expect(BitmapFont.size(of: "AB", scale: 2) == (22, 14))
    }

    @Test func mixMinusLeavesOutOwnVoiceAndNeverClips() throws {
        // Three participants with tones; each output must contain the other two and not itself.
        let tones = [440.0, 880.0, 1320.0]
        // Loud enough that any two together pass full scale: the limiter must turn them down
        // without intermodulation (2·880 − 1320 = 440 Hz would be a ghost of participant 0's
        // own tone in what it hears).
        var generators = tones.map { ToneGenerator(frequency: $0, sampleRate: 48_000, amplitude: 0.7) }
        let mixer = AudioMixer(samplesPerFrame: 960, maximumSpeakers: 4)
        var heard = [[Int16]](repeating: [], count: 3)
        for _ in 0..<20 {
            let frames = (0..<3).map { generators[$0].next(960) }
            let energies = frames.map { f in f.withUnsafeBufferPointer { AudioMixer.energy($0) } }
            frames[0].withUnsafeBufferPointer { f0 in frames[1].withUnsafeBufferPointer { f1 in frames[2].withUnsafeBufferPointer { f2 in
                let inputs = [f0, f1, f2]
                mixer.mix(count: 3, energies: { energies[$0] }, input: { inputs[$0] })
                for i in 0..<3 {
                    var out = [Int16](repeating: 0, count: 960)
                    out.withUnsafeMutableBufferPointer { mixer.output(for: i, own: inputs[i], into: $0) }
                    heard[i] += out
                }
            } } }
        }
        for i in 0..<3 {
            #expect(heard[i].allSatisfy { abs(Int($0)) < Int(Int16.max) }, "no clipping")
            let settled = Array(heard[i].suffix(960 * 10))   // after the limiter's first frames
            for (j, tone) in tones.enumerated() {
                let level = ToneAnalysis.level(of: tone, in: settled, sampleRate: 48_000)
                if j == i { #expect(level < -40, "participant \(i) must not hear itself (\(level) dB)") }
                else { #expect(level > -20, "participant \(i) hears \(tone) Hz (\(level) dB)") }
            }
        }
    }

    @Test func loudSpeakersAreLimitedNotWrapped() {
        let mixer = AudioMixer(samplesPerFrame: 3, maximumSpeakers: 4)
        let loud: [[Int16]] = [[30_000, -30_000, 20_000], [30_000, -30_000, 20_000], [30_000, -30_000, 20_000]]
        loud[0].withUnsafeBufferPointer { a in loud[1].withUnsafeBufferPointer { b in loud[2].withUnsafeBufferPointer { c in
            let all = [a, b, c]
            mixer.mix(count: 3, energies: { _ in 1 }, input: { all[$0] })
            var out = [Int16](repeating: 0, count: 3)
            out.withUnsafeMutableBufferPointer { mixer.output(for: 0, own: a, into: $0) }
            #expect(out[0] > 25_000 && out[0] < Int16.max, "60000 limited below full scale, sign kept: \(out)")
            #expect(out[1] < -25_000 && out[1] > Int16.min)
            #expect(out[2] > 15_000 && out[2] < out[0], "proportions kept: \(out)")
        } } }
    }

    @Test func onlyTheLoudestSpeakersAreMixed() {
        let mixer = AudioMixer(samplesPerFrame: 4, maximumSpeakers: 2)
        let inputs: [[Int16]] = [[100, 100, 100, 100], [1000, 1000, 1000, 1000], [10, 10, 10, 10], [500, 500, 500, 500]]
        let energies: [Int64] = [10_000, 1_000_000, 100, -1]   // participant 3 muted
        inputs[0].withUnsafeBufferPointer { a in inputs[1].withUnsafeBufferPointer { b in inputs[2].withUnsafeBufferPointer { c in
            inputs[3].withUnsafeBufferPointer { d in
                let all = [a, b, c, d]
                mixer.mix(count: 4, energies: { energies[$0] }, input: { all[$0] })
                #expect(mixer.isSelected(1) && mixer.isSelected(0) && !mixer.isSelected(2) && !mixer.isSelected(3))
                var out = [Int16](repeating: 0, count: 4)
                out.withUnsafeMutableBufferPointer { mixer.output(for: 2, own: c, into: $0) }
                #expect(out == [1100, 1100, 1100, 1100], "a non-speaker hears the speakers' mix")
                out.withUnsafeMutableBufferPointer { mixer.output(for: 1, own: b, into: $0) }
                #expect(out == [100, 100, 100, 100], "a speaker hears the mix without itself")
            }
        } } }
    }
}
