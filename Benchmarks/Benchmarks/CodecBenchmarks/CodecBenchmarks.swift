import Benchmark
import Codecs
import Glibc
import MediaAnalysis

// One benchmark iteration is one video frame or one 20 ms audio frame. Inputs are prepared
// before `startMeasurement()`, so each sample covers only the codec wrapper call (and the
// libav*/libopus work under it). Benchmarks/compare.sh runs the same operations through the
// ffmpeg command line and prints both side by side.

/// CPU time of this thread, nanoseconds, read around the measured call.
@inline(__always)
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

let threadCPU = BenchmarkMetric.custom("Thread CPU (ns)")

/// Measures `body` between explicit start/stop marks and records its thread CPU time.
@inline(__always)
func measure(_ benchmark: Benchmark, _ body: () throws -> Void) rethrows {
    benchmark.startMeasurement()
    let cpu0 = threadCPUNanoseconds()
    try body()
    let cpu1 = threadCPUNanoseconds()
    benchmark.stopMeasurement()
    benchmark.measurement(threadCPU, cpu1 - cpu0)
}

// Why `threadCPU` and not `.cpuTotal`: on Linux the harness reads cpuTotal from /proc/self/stat
// in scheduler ticks (10 ms, so a 2 ms frame reads 0 or 10000 µs), and reading /proc allocates
// inside the malloc-counted window (16 mallocs, ~35 KB per sample), which would hide whether the
// codec path itself allocates. Add it back on the command line when wanted:
//   swift package benchmark --metric cpuTotal --metric wallClock
// `.throughput` is there because the JMH export (compare.sh) requires it.
let metrics: [BenchmarkMetric] = [.wallClock, threadCPU, .mallocCountTotal, .mallocBytesCount, .throughput]

func configuration(warmup: Int, seconds: Int64, iterations: Int) -> Benchmark.Configuration {
    .init(metrics: metrics, timeUnits: .microseconds, warmupIterations: warmup,
          maxDuration: .seconds(seconds), maxIterations: iterations)
}

// MARK: State built by each benchmark's setup (not at registration, so `list` and filtered
// runs do not build encoders they do not use).

final class EncodeState {
    let encoder: H264Encoder
    let source: SyntheticVideoSource
    let picture: VideoFrame

    init(width: Int, height: Int, preset: H264EncoderConfiguration.Preset) throws {
        encoder = try H264Encoder(H264EncoderConfiguration(width: width, height: height, preset: preset))
        source = SyntheticVideoSource(width: width, height: height)
        picture = try VideoFrame(width: width, height: height)
    }
}

final class DecodeState {
    static let frameCount = 300
    let decoder: H264Decoder
    /// Annex-B access units; index 0 is the IDR every cycle restarts from.
    let accessUnits: [[UInt8]]
    var next = 0

    init() throws {
        let source = SyntheticVideoSource(width: 1280, height: 720)
        let picture = try VideoFrame(width: 1280, height: 720)
        let encoder = try H264Encoder(.init(width: 1280, height: 720, preset: .superfast))
        var units: [[UInt8]] = []
        units.reserveCapacity(Self.frameCount)
        for index in 0..<Self.frameCount {
            source.render(frame: index, into: picture)
            guard let unit = try encoder.encode(picture) else { continue }
            if units.isEmpty && !unit.isKeyframe { continue }
            units.append(unit.bytes)
        }
        precondition(units.count == Self.frameCount, "zero-latency x264 should give one access unit per picture")
        accessUnits = units
        decoder = try H264Decoder()
    }
}

final class ScaleState {
    let scaler = Scaler(quality: .bilinear)
    let source: SyntheticVideoSource
    let picture: VideoFrame
    let canvas: Canvas
    /// The bottom-right quarter of the canvas: a 2x2 layout's pane.
    let pane = PixelRect(x: 640, y: 360, width: 640, height: 360)

    init() throws {
        source = SyntheticVideoSource(width: 1280, height: 720)
        picture = try VideoFrame(width: 1280, height: 720)
        canvas = try Canvas(width: 1280, height: 720)
        canvas.fill(.black)
    }
}

/// One second (50 frames) of a 1 kHz tone at 48 kHz mono: 1000 whole periods, so cycling
/// through it is seamless.
final class ToneFrames {
    static let samplesPerFrame = 960
    static let frameCount = 50
    let pcm: UnsafeMutableBufferPointer<Int16>

    init() {
        var generator = ToneGenerator(frequency: 1000, sampleRate: 48_000)
        let samples = generator.next(Self.samplesPerFrame * Self.frameCount)
        pcm = .allocate(capacity: samples.count)
        _ = pcm.initialize(from: samples)
    }

    deinit { pcm.deallocate() }

    func frame(_ index: Int) -> UnsafeBufferPointer<Int16> {
        let start = (index % Self.frameCount) * Self.samplesPerFrame
        return UnsafeBufferPointer(rebasing: pcm[start..<(start + Self.samplesPerFrame)])
    }
}

final class OpusEncodeState {
    let encoder: OpusEncoder
    let tone = ToneFrames()
    let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: OpusEncoder.maximumPacketBytes, alignment: 16)

    init() throws { encoder = try OpusEncoder() }
    deinit { packet.deallocate() }
}

final class OpusDecodeState {
    let decoder: OpusDecoder
    /// The tone's 50 packets back to back; `offsets[i]..<offsets[i + 1]` is packet i.
    let packets: UnsafeMutableRawBufferPointer
    let offsets: [Int]
    let pcm = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 5760)
    var next = 0

    init() throws {
        let encoder = try OpusEncoder()
        let tone = ToneFrames()
        var bytes: [UInt8] = []
        var offsets = [0]
        for index in 0..<ToneFrames.frameCount {
            bytes += try encoder.encode(Array(tone.frame(index)))
            offsets.append(bytes.count)
        }
        packets = .allocate(byteCount: bytes.count, alignment: 16)
        packets.copyBytes(from: bytes)
        self.offsets = offsets
        decoder = try OpusDecoder()
    }

    deinit {
        packets.deallocate()
        pcm.deallocate()
    }

    func packet(_ index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: packets[offsets[index]..<offsets[index + 1]])
    }
}

// MARK: Benchmarks

let benchmarks: @Sendable () -> Void = {
    // The floor: an empty measured region, i.e. what the harness itself adds per sample.
    Benchmark("Harness empty region", configuration: configuration(warmup: 10, seconds: 1, iterations: 2_000)) { benchmark in
        measure(benchmark) {}
    }

    let sizes = [(1920, 1080), (1280, 720), (848, 480)]
    for preset in [H264EncoderConfiguration.Preset.superfast, .ultrafast] {
        for (width, height) in sizes {
            Benchmark(
                "H264 encode \(width)x\(height) \(preset.rawValue)",
                configuration: configuration(warmup: 10, seconds: 8, iterations: 400)
            ) { (benchmark: Benchmark, state: EncodeState) throws in
                // A new picture every iteration (real motion), drawn outside the measured region.
                state.source.render(frame: benchmark.currentIteration, into: state.picture)
                var bytes = 0
                try measure(benchmark) {
                    try state.encoder.encode(state.picture) { unit in bytes = unit.bytes.count }
                }
                blackHole(bytes)
            } setup: {
                try EncodeState(width: width, height: height, preset: preset)
            }
        }
    }

    Benchmark("H264 decode 1280x720", configuration: configuration(warmup: 10, seconds: 5, iterations: 3_000)) {
        (benchmark: Benchmark, state: DecodeState) in
        let unit = state.accessUnits[state.next]
        state.next = (state.next + 1) % state.accessUnits.count
        var result: DecodeResult?
        measure(benchmark) {
            result = state.decoder.decode(unit)
        }
        guard case .frame(let picture) = result else {
            benchmark.error("decode of access unit \(state.next) gave \(String(describing: result))")
            return
        }
        blackHole(picture)
    } setup: {
        try DecodeState()
    }

    Benchmark("Scale 1280x720 to 640x360 pane", configuration: configuration(warmup: 10, seconds: 5, iterations: 10_000)) {
        (benchmark: Benchmark, state: ScaleState) throws in
        // Fresh pixels each time, as a decoder would deliver; drawn outside the measured region.
        state.source.render(frame: benchmark.currentIteration, into: state.picture)
        var placed = PixelRect(x: 0, y: 0, width: 0, height: 0)
        try measure(benchmark) {
            placed = try state.scaler.scale(state.picture, into: state.canvas, rect: state.pane)
        }
        blackHole(placed)
    } setup: {
        try ScaleState()
    }

    Benchmark("Opus encode 48k mono 20ms", configuration: configuration(warmup: 50, seconds: 3, iterations: 50_000)) {
        (benchmark: Benchmark, state: OpusEncodeState) throws in
        let pcm = state.tone.frame(benchmark.currentIteration)
        var length = 0
        try measure(benchmark) {
            length = try state.encoder.encode(pcm, into: state.packet)
        }
        blackHole(length)
    } setup: {
        try OpusEncodeState()
    }

    Benchmark("Opus decode 48k mono 20ms", configuration: configuration(warmup: 50, seconds: 3, iterations: 50_000)) {
        (benchmark: Benchmark, state: OpusDecodeState) throws in
        let packet = state.packet(state.next)
        state.next = (state.next + 1) % ToneFrames.frameCount
        var samples = 0
        try measure(benchmark) {
            samples = try state.decoder.decode(packet, into: state.pcm)
        }
        blackHole(samples)
    } setup: {
        try OpusDecodeState()
    }
}
