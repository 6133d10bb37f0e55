import Foundation
import Testing

/// Runs the real `callbridge` executable built next to the test bundle, output to a file.
final class BinaryUnderTest {
    let process = Process()
    let outputURL: URL
    let directory: URL

    static var executableURL: URL { executableURL("callbridge") }

    /// An executable of this package built next to the test bundle.
    static func executableURL(_ name: String) -> URL {
        let testBinary = URL(fileURLWithPath: (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0])
        return testBinary.deletingLastPathComponent().appendingPathComponent(name)
    }

    init(_ arguments: [String], executable: String = "callbridge") throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("callbridge-test-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        outputURL = directory.appendingPathComponent("output.log")
        FileManager.default.createFile(atPath: outputURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: outputURL)
        process.executableURL = Self.executableURL(executable)
        process.arguments = arguments.map { $0.replacingOccurrences(of: "$DIR", with: directory.path) }
        process.standardOutput = handle
        process.standardError = handle
        process.currentDirectoryURL = directory
        try process.run()
    }

    deinit {
        if process.isRunning {
            process.terminate()
            process.waitUntilExit()
        }
        // CALLBRIDGE_KEEP_TEST_DIRS=1 keeps logs, snapshots and recordings for a post-mortem.
        if ProcessInfo.processInfo.environment["CALLBRIDGE_KEEP_TEST_DIRS"] == nil {
            try? FileManager.default.removeItem(at: directory)
        }
    }

    var output: String { (try? String(contentsOf: outputURL, encoding: .utf8)) ?? "" }

    /// Polls the output until it contains `text` or `seconds` pass.
    func waitForOutput(_ text: String, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            if output.contains(text) { return true }
            if !process.isRunning { return output.contains(text) }
            usleep(50_000)
        }
        return false
    }

    /// Waits for exit up to `seconds`; kills the process (by its PID) if it does not stop.
    func waitForExit(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return nil
        }
        return process.terminationStatus
    }

    /// `callbridge serve` on a free loopback port with one media worker (plus `extra`
    /// arguments), waited on until it says "ready". Returns the bridge and its SIP port.
    static func serve(_ extra: [String] = [], workers: Int = 1,
                      sourceLocation: SourceLocation = #_sourceLocation) throws -> (BinaryUnderTest, Int) {
        let port = Int(MediaLoopCommandTests.freePort())
        let admin = extra.contains("--admin-listen") ? [] : ["--admin-listen", "127.0.0.1:0"]
        let bridge = try BinaryUnderTest(["serve", "--data-directory", "$DIR/var", "--sip-listen", "127.0.0.1:\(port)",
                                          "--workers", "\(workers)"] + admin + extra)
        #expect(bridge.waitForOutput("ready", seconds: 30), "bridge did not start: \(bridge.output)", sourceLocation: sourceLocation)
        return (bridge, port)
    }

    /// The HTTPS port of the admin API, from the "admin API and web admin on https://…" line.
    var adminPort: Int? {
        guard let range = output.range(of: #"admin API and web admin on https://[^\s]*:([0-9]+)/"#, options: .regularExpression) else { return nil }
        let line = output[range]
        return Int(line.split(separator: ":").last!.dropLast())
    }

    /// The password printed once for the first admin user.
    var adminPassword: String? {
        guard let range = output.range(of: #"created admin user 'admin' with password [A-Za-z0-9]+"#, options: .regularExpression) else { return nil }
        return output[range].split(separator: " ").last.map(String.init)
    }

    /// SIGTERM, then expects a clean exit.
    func stop(sourceLocation: SourceLocation = #_sourceLocation) {
        kill(process.processIdentifier, SIGTERM)
        #expect(waitForExit(seconds: 15) == 0, "bridge stops cleanly: \(output.suffix(300))", sourceLocation: sourceLocation)
    }
}
