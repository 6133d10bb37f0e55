import Codecs
import MediaCore

/// Runs the steady-state video path (render → encode → decode → hold a reference) for many
/// frames and samples resident memory, to show that codecs, pools and frame references leak
/// nothing. Meant to run alone in its own process: RSS is process-wide.
public struct CodecSoak {
    public struct Report: Sendable {
        public var frames: Int
        public var decodedFrames: Int
        public var warmupFrames: Int
        /// RSS after warm-up and at the end, MiB.
        public var baselineMiB: Double
        public var finalMiB: Double
        public var samplesMiB: [Double]
        public var seconds: Double
        public var driftMiB: Double { finalMiB - baselineMiB }
        public var spreadMiB: Double { (samplesMiB.max() ?? 0) - (samplesMiB.min() ?? 0) }
    }

    public var configuration: H264EncoderConfiguration
    public var frames: Int
    public var warmupFrames: Int

    public init(configuration: H264EncoderConfiguration, frames: Int = 3000, warmupFrames: Int = 300) {
        self.configuration = configuration
        self.frames = frames
        self.warmupFrames = min(warmupFrames, frames)
    }

    public func run(progress: (Int, Double) -> Void = { _, _ in }) throws -> Report {
        let encoder = try H264Encoder(configuration)
        let decoder = try H264Decoder()
        let source = SyntheticVideoSource(width: configuration.width, height: configuration.height)
        let pool = VideoFramePool(width: configuration.width, height: configuration.height, limit: 3)
        let held = VideoFrame()   // a reader keeping the latest decoded picture, as a compositor does
        func mib() -> Double { Double(ProcessMemory.residentBytes() ?? 0) / 1_048_576 }
        var report = Report(frames: frames, decodedFrames: 0, warmupFrames: warmupFrames,
                            baselineMiB: 0, finalMiB: 0, samplesMiB: [], seconds: 0)
        let start = MediaClock.nowNanoseconds()
        let sampleEvery = max(1, (frames - warmupFrames) / 10)
        for i in 0..<frames {
            guard let picture = try pool.acquire() else { throw CodecError(.configuration, code: -1, operation: "frame pool exhausted") }
            source.render(frame: i, into: picture)
            try encoder.encode(picture) { unit in
                if case .frame(let frame) = decoder.decode(unit.bytes) {
                    report.decodedFrames += 1
                    try held.reference(frame)
                }
            }
            if i + 1 == warmupFrames { report.baselineMiB = mib() }
            if i + 1 > warmupFrames && (i + 1 - warmupFrames) % sampleEvery == 0 {
                let now = mib()
                report.samplesMiB.append(now)
                progress(i + 1, now)
            }
        }
        report.finalMiB = mib()
        report.seconds = Double(MediaClock.nowNanoseconds() - start) / 1e9
        return report
    }
}
