import ArgumentParser
import Codecs
import MediaAnalysis
import MediaCore

/// `callbridge soak`: encodes and decodes a synthetic stream for many frames and reports
/// resident memory, so an operator (or the test suite) can check the codec path is leak-free
/// on this machine's libraries. Exits non-zero when memory drifts beyond the tolerance.
struct SoakCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "soak", abstract: "Encode+decode a synthetic stream and check resident memory stays flat.")

    @Option(help: "Frames to encode and decode.") var frames = 3000
    @Option(help: "Frames before the memory baseline is taken.") var warmup = 300
    @Option(help: "Picture width.") var width = 1280
    @Option(help: "Picture height.") var height = 720
    @Option(help: "Allowed RSS drift after warm-up, MiB.") var toleranceMib = 5.0

    func validate() throws {
        guard frames > 0, warmup >= 0, warmup < frames else { throw ValidationError("need frames > warmup >= 0") }
        guard width % 2 == 0, height % 2 == 0, width >= 16, height >= 16 else { throw ValidationError("size must be even, at least 16x16") }
    }

    func run() throws {
        StandardOutput.lineBuffered()
        let soak = CodecSoak(configuration: H264EncoderConfiguration(width: width, height: height), frames: frames, warmupFrames: warmup)
        let report = try soak.run { frame, mib in
            print("frame \(frame): RSS \(rounded(mib)) MiB")
        }
        print("soak \(width)x\(height): \(report.frames) frames, \(report.decodedFrames) decoded in \(rounded(report.seconds)) s; "
              + "RSS after warm-up \(rounded(report.baselineMiB)) MiB, final \(rounded(report.finalMiB)) MiB, "
              + "drift \(rounded(report.driftMiB)) MiB, spread \(rounded(report.spreadMiB)) MiB (tolerance ±\(toleranceMib))")
        guard report.decodedFrames == report.frames else {
            print("FAIL: \(report.frames - report.decodedFrames) frames did not decode")
            throw ExitCode.failure
        }
        guard abs(report.driftMiB) <= toleranceMib else {
            print("FAIL: resident memory drifted by \(rounded(report.driftMiB)) MiB")
            throw ExitCode.failure
        }
        print("PASS")
    }

    private func rounded(_ value: Double) -> Double { (value * 10).rounded() / 10 }
}
