import Foundation
import Testing

@Suite("callbridge serve (real binary)")
struct ServeCommandTests {
    @Test("runs until a signal, then exits cleanly", arguments: [SIGTERM, SIGINT])
    func stopsCleanlyOnSignal(signal: Int32) throws {
        let bridge = try BinaryUnderTest(["serve", "--data-directory", "$DIR/var", "--sip-listen", "127.0.0.1:0", "--admin-listen", "127.0.0.1:0"])
        #expect(bridge.waitForOutput("ready", seconds: 20), "bridge did not become ready: \(bridge.output)")
        #expect(bridge.output.contains("not there yet"), "says what is missing")
        #expect(FileManager.default.fileExists(atPath: bridge.directory.appendingPathComponent("var").path), "data directory created")
        // Still running a moment later: it does not exit on its own.
        usleep(300_000)
        #expect(bridge.process.isRunning)
        kill(bridge.process.processIdentifier, signal)
        let status = bridge.waitForExit(seconds: 10)
        #expect(status == 0, "exit status \(String(describing: status)): \(bridge.output)")
        #expect(bridge.output.contains("stopped cleanly"))
    }

    @Test func rejectsBadOptionsWithAReason() throws {
        let bridge = try BinaryUnderTest(["serve", "--workers", "-3"])
        let status = bridge.waitForExit(seconds: 10)
        #expect(status != nil && status != 0)
        #expect(bridge.output.contains("--workers"), "error names the option: \(bridge.output)")
    }

    @Test func printsItsVersion() throws {
        let bridge = try BinaryUnderTest(["--version"])
        #expect(bridge.waitForExit(seconds: 10) == 0)
        #expect(bridge.output.contains("0.1.0"))
    }
}

@Suite("callbridge soak (real binary, own process)")
struct SoakCommandTests {
    /// The codec path must not leak: 3000 frames of 720p encode+decode in a process of its
    /// own (RSS is process-wide, so it cannot share a process with parallel tests).
    @Test("3000 frames of 720p encode+decode keep RSS flat within ±5 MiB")
    func codecMemoryIsFlat() throws {
        let soak = try BinaryUnderTest(["soak", "--frames", "3000", "--width", "1280", "--height", "720", "--tolerance-mib", "5"])
        let status = soak.waitForExit(seconds: 240)
        let summary = soak.output.split(separator: "\n").filter { $0.hasPrefix("soak") || $0.hasPrefix("PASS") || $0.hasPrefix("FAIL") }
        print(summary.joined(separator: "\n"))
        #expect(status == 0, "soak failed: \(soak.output.suffix(600))")
        #expect(soak.output.contains("3000 decoded"))
    }
}
