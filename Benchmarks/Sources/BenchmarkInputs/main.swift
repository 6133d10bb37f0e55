import Codecs
import Glibc
import MediaAnalysis

// Writes the inputs the codec benchmarks use, raw, to standard output, so that compare.sh
// can time ffmpeg on exactly the same pictures and samples:
//   BenchmarkInputs video WIDTH HEIGHT FRAMES   -> yuv420p, tightly packed, frames 0..<FRAMES
//   BenchmarkInputs h264 WIDTH HEIGHT FRAMES PRESET -> those frames through H264Encoder, Annex-B
//   BenchmarkInputs tone SECONDS                -> s16le mono 48 kHz, 1 kHz at half scale

func fail(_ message: String) -> Never {
    var line = "BenchmarkInputs: \(message)\n"
    line.withUTF8 { _ = write(2, $0.baseAddress, $0.count) }
    exit(2)
}

/// Unbuffered write(2) to standard output; rows are large enough that buffering buys nothing.
func writeAll(_ pointer: UnsafeRawPointer, _ count: Int) {
    var done = 0
    while done < count {
        let n = write(1, pointer + done, count - done)
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { fail("write to standard output failed (errno \(errno))") }
        done += n
    }
}

let arguments = CommandLine.arguments.dropFirst()
switch (arguments.first, arguments.count) {
case ("video", 4):
    let values = arguments.dropFirst().compactMap { Int($0) }
    guard values.count == 3, values[0] > 0, values[1] > 0, values[0] % 2 == 0, values[1] % 2 == 0, values[2] > 0 else {
        fail("video needs an even WIDTH and HEIGHT and a positive FRAMES")
    }
    let (width, height, frames) = (values[0], values[1], values[2])
    let source = SyntheticVideoSource(width: width, height: height)
    let picture = try VideoFrame(width: width, height: height)
    for index in 0..<frames {
        source.render(frame: index, into: picture)
        for plane in 0..<3 {
            picture.withPlane(plane) { p in
                for row in 0..<p.height { writeAll(p.base + row * p.stride, p.width) }
            }
        }
    }
case ("h264", 5):
    let values = arguments.dropFirst().prefix(3).compactMap { Int($0) }
    guard values.count == 3, values[2] > 0,
          let preset = H264EncoderConfiguration.Preset(rawValue: arguments.last!) else {
        fail("h264 needs WIDTH HEIGHT FRAMES and a preset (\(H264EncoderConfiguration.Preset.allCases.map(\.rawValue)))")
    }
    let (width, height, frames) = (values[0], values[1], values[2])
    let encoder = try H264Encoder(H264EncoderConfiguration(width: width, height: height, preset: preset))
    let source = SyntheticVideoSource(width: width, height: height)
    let picture = try VideoFrame(width: width, height: height)
    for index in 0..<frames {
        source.render(frame: index, into: picture)
        try encoder.encode(picture) { unit in writeAll(unit.bytes.baseAddress!, unit.bytes.count) }
    }
case ("tone", 2):
    guard let seconds = Int(arguments.last!), seconds > 0 else { fail("tone needs a positive SECONDS") }
    var generator = ToneGenerator(frequency: 1000, sampleRate: 48_000)
    for _ in 0..<seconds {
        let samples = generator.next(48_000).map { $0.littleEndian }
        samples.withUnsafeBytes { writeAll($0.baseAddress!, $0.count) }
    }
default:
    fail("usage: BenchmarkInputs video WIDTH HEIGHT FRAMES | h264 WIDTH HEIGHT FRAMES PRESET | tone SECONDS")
}
