import Benchmark
import Codecs
import Glibc
import Mixer

// What one conference leg costs the worker that owns it, built from the same public parts the
// engine's room uses (H264Decoder, Compositor, H264Encoder, Opus, AudioMixer), and what that
// predicts for legs per core next to the x264-encode-only ceiling measured in the same run.
//
// One iteration of a "leg" benchmark is 100 ms of one leg's work: 3 video frame slots (decode
// the leg's incoming 640×360 picture, compose its view of 3 others, encode its picture at its
// resolution) and 5 audio frames (Opus decode, mix-minus for 4 listeners / 4, Opus encode).
// The encode-only baseline is the same 3 encodes of the same composed content, nothing else.
//   legs per core = 100 ms / CPU per iteration;  ratio = that / the encode-only figure.
//   cd Benchmarks && swift package benchmark --target BridgeBenchmarks

@inline(__always)
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

let threadCPU = BenchmarkMetric.custom("Thread CPU (ns)")
let legsPerCore = BenchmarkMetric.custom("legs per core ×100 (predicted)", polarity: .prefersLarger)
let metrics: [BenchmarkMetric] = [.wallClock, threadCPU, .mallocCountTotal, .throughput]

/// Incoming 640×360 streams (what endpoints send), encoded once.
final class Incoming: @unchecked Sendable {
    static let frames = 90
    let streams: [[[UInt8]]]
    init(count: Int) throws {
        var all: [[[UInt8]]] = []
        for s in 0..<count {
            let source = SyntheticVideoSource(width: 640, height: 360, seed: UInt64(s + 1))
            let picture = try VideoFrame(width: 640, height: 360)
            let encoder = try H264Encoder(.init(width: 640, height: 360, bitrate: 600_000))
            var units: [[UInt8]] = []
            for i in 0..<Self.frames {
                source.render(frame: i, into: picture)
                if let unit = try encoder.encode(picture) { units.append(unit.bytes) }
            }
            all.append(units)
        }
        streams = all
    }
}

/// One leg at `width`×`height`: its decoder (its own incoming stream), the three others'
/// latest pictures, its canvas and encoder, its audio codecs.
final class Leg {
    let decoders: [H264Decoder]
    let pictures: [VideoFrame]
    let canvas: Canvas
    let encoder: H264Encoder
    let compositor = Compositor()
    let panes: [Pane]
    let incoming: Incoming
    let opusDecoder: OpusDecoder
    let opusEncoder: OpusEncoder
    let mixer = AudioMixer(samplesPerFrame: 960, maximumSpeakers: 4)
    let packet: [UInt8]
    var pcm = [Int16](repeating: 0, count: 960)
    var mixOut = [Int16](repeating: 0, count: 960)
    var encoded = [UInt8](repeating: 0, count: 1500)
    var frame = 0
    let labels = ["Alice", "Bob", "Carol", "Dave"]
    let scaler = Scaler()
    /// Composed pictures of consecutive slots, for the encode-only baseline (same content).
    var composed: [VideoFrame] = []

    init(width: Int, height: Int, layout: LayoutName, incoming: Incoming) throws {
        self.incoming = incoming
        decoders = try (0..<4).map { _ in try H264Decoder() }
        pictures = (0..<4).map { _ in VideoFrame() }
        canvas = try Canvas(width: width, height: height)
        encoder = try H264Encoder(.init(width: width, height: height))
        panes = Layout.panes(for: layout, sourceCount: 3)
        opusDecoder = try OpusDecoder(sampleRate: 48_000, channels: 1)
        opusEncoder = try OpusEncoder()
        var tone = [Int16](repeating: 0, count: 960)
        for i in tone.indices { tone[i] = Int16(8000 * sin(2 * Double.pi * 440 * Double(i) / 48_000)) }
        packet = try opusEncoder.encode(tone)
        // Prime every decoder so all four pictures exist (the others' are kept fresh below).
        for s in 0..<4 { decodeNext(stream: s) }
    }

    func decodeNext(stream s: Int) {
        let units = incoming.streams[s]
        let unit = units[frame % units.count]
        if case .frame(let picture) = decoders[s].decode(unit) { try? pictures[s].reference(picture) }
    }

    /// One video frame slot of this leg.
    func videoSlot(encode: Bool = true, compose: Bool = true, decode: Bool = true) {
        frame += 1
        if frame % Incoming.frames == 0 { frame += 1 }   // never restart on a P-frame without its IDR
        if decode { decodeNext(stream: 0) }
        if compose {
            try? compositor.compose(canvas, panes: panes, labels: true) { index in
                PaneContent(picture: pictures[index + 1], label: labels[index + 1])
            }
        }
        if encode { _ = try? encoder.encode(canvas.frame) { unit in blackHole(unit.bytes.count) } }
    }

    /// Renders `count` consecutive composed slots and keeps copies (baseline input).
    func precompose(_ count: Int) throws {
        for _ in 0..<count {
            videoSlot(encode: false)
            let copy = try Canvas(width: canvas.width, height: canvas.height)
            try scaler.scale(canvas.frame, into: copy, rect: copy.bounds)   // same size: a copy
            composed.append(copy.frame)
        }
    }

    /// Encodes the next precomposed slot: the x264 work of a leg and nothing else.
    func encodePrecomposed() {
        frame += 1
        _ = try? encoder.encode(composed[frame % composed.count]) { unit in blackHole(unit.bytes.count) }
    }

    /// One 20 ms audio frame of this leg (decode its packet, mix for 4, encode its mix).
    func audioFrame() {
        _ = packet.withUnsafeBytes { p in pcm.withUnsafeMutableBufferPointer { try? opusDecoder.decode(p, into: $0) } }
        pcm.withUnsafeBufferPointer { own in
            mixer.mix(count: 4, energies: { $0 == 0 ? 1000 : 900 }, input: { _ in own })
            mixOut.withUnsafeMutableBufferPointer { mixer.output(for: 0, own: own, into: $0) }
        }
        _ = mixOut.withUnsafeBufferPointer { m in encoded.withUnsafeMutableBytes { try? opusEncoder.encode(m, into: $0) } }
    }
}

/// A room of four legs at one resolution, allEqual: every leg decodes its own incoming stream,
/// composes its view of the other three and encodes it, per frame slot — with the room's
/// `ScaledTileCache` (each source scaled once per slot for all views) or without (each view
/// scales its own panes).
final class RoomOfFour {
    let legs: [Leg]
    let tiles: ScaledTileCache?
    var slot = 0

    init(width: Int, height: Int, sharedTiles: Bool, incoming: Incoming) throws {
        legs = try (0..<4).map { _ in try Leg(width: width, height: height, layout: .allEqual, incoming: incoming) }
        tiles = sharedTiles ? ScaledTileCache() : nil
    }

    func videoSlot() {
        slot += 1
        for (i, leg) in legs.enumerated() {
            leg.frame += 1
            if leg.frame % Incoming.frames == 0 { leg.frame += 1 }
            leg.decodeNext(stream: i)
        }
        tiles?.nextRound()
        for (i, leg) in legs.enumerated() {
            try? leg.compositor.compose(leg.canvas, panes: leg.panes, labels: true, tiles: tiles) { index in
                let source = index < i ? index : index + 1
                return PaneContent(picture: legs[source].pictures[source], label: leg.labels[source], sourceID: source, serial: slot)
            }
            _ = try? leg.encoder.encode(leg.canvas.frame) { unit in blackHole(unit.bytes.count) }
        }
    }
}

func measureCycle(_ benchmark: Benchmark, legs: Int = 1, _ body: () -> Void) {
    benchmark.startMeasurement()
    let cpu0 = threadCPUNanoseconds()
    body()
    let cpu1 = threadCPUNanoseconds()
    benchmark.stopMeasurement()
    let cpu = max(1, cpu1 - cpu0)
    benchmark.measurement(threadCPU, cpu)
    // 100 ms of `legs` legs' work per iteration.
    benchmark.measurement(legsPerCore, legs * 10_000_000_000 / cpu)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: metrics + [legsPerCore], timeUnits: .microseconds, warmupIterations: 3,
                                           maxDuration: .seconds(6), maxIterations: 60)
    nonisolated(unsafe) var shared: Incoming?
    func incoming() -> Incoming {
        if let shared { return shared }
        let made = try! Incoming(count: 4)
        shared = made
        return made
    }

    for (name, width, height) in [("1080p", 1920, 1080), ("720p", 1280, 720), ("480p", 848, 480)] {
        Benchmark("Leg \(name) allEqual (3 others): decode + compose + encode ×3, audio ×5") { benchmark in
            let leg = try! Leg(width: width, height: height, layout: .allEqual, incoming: incoming())
            for _ in benchmark.scaledIterations {
                measureCycle(benchmark) {
                    for _ in 0..<3 { leg.videoSlot() }
                    for _ in 0..<5 { leg.audioFrame() }
                }
            }
        }
        Benchmark("Baseline \(name): x264 encode only ×3 (same content, same settings)") { benchmark in
            let leg = try! Leg(width: width, height: height, layout: .allEqual, incoming: incoming())
            try! leg.precompose(60)   // the same moving composed content the leg benchmark encodes
            for _ in benchmark.scaledIterations {
                measureCycle(benchmark) {
                    for _ in 0..<3 { leg.encodePrecomposed() }
                }
            }
        }
    }

    for (name, width, height) in [("1080p", 1920, 1080), ("720p", 1280, 720)] {
        for shared in [true, false] {
            Benchmark("Room of 4 \(name) allEqual, \(shared ? "shared scaled tiles" : "each view scales"): 4 legs × (decode + compose + encode) ×3, audio ×5") { benchmark in
                let room = try! RoomOfFour(width: width, height: height, sharedTiles: shared, incoming: incoming())
                for _ in benchmark.scaledIterations {
                    measureCycle(benchmark, legs: 4) {
                        for _ in 0..<3 { room.videoSlot() }
                        for _ in 0..<5 { for leg in room.legs { leg.audioFrame() } }
                    }
                }
            }
        }
    }

    Benchmark("Part 720p: decode one incoming 640×360 frame ×3") { benchmark in
        let leg = try! Leg(width: 1280, height: 720, layout: .allEqual, incoming: incoming())
        for _ in benchmark.scaledIterations {
            measureCycle(benchmark) { for _ in 0..<3 { leg.videoSlot(encode: false, compose: false, decode: true) } }
        }
    }
    Benchmark("Part: audio ×5 (Opus decode, mix-minus, Opus encode)") { benchmark in
        let leg = try! Leg(width: 848, height: 480, layout: .allEqual, incoming: incoming())
        for _ in benchmark.scaledIterations {
            measureCycle(benchmark) { for _ in 0..<5 { leg.audioFrame() } }
        }
    }
    for layout in LayoutName.allCases {
        Benchmark("Compose 720p \(layout.rawValue), 3 others ×3") { benchmark in
            let leg = try! Leg(width: 1280, height: 720, layout: layout, incoming: incoming())
            for _ in benchmark.scaledIterations {
                measureCycle(benchmark) { for _ in 0..<3 { leg.videoSlot(encode: false, compose: true, decode: false) } }
            }
        }
    }
}
