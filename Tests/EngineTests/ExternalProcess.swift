import Foundation

/// A real peer (ffmpeg) started by a test, output captured to a file, always stopped by PID.
final class ExternalProcess {
    let process = Process()
    let logURL: URL

    init(_ executable: String, _ arguments: [String], directory: URL) throws {
        logURL = directory.appendingPathComponent("\(URL(fileURLWithPath: executable).lastPathComponent)-\(UUID().uuidString.prefix(8)).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let handle = try FileHandle(forWritingTo: logURL)
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    deinit { stop() }

    var log: String { (try? String(contentsOf: logURL, encoding: .utf8)) ?? "" }

    /// Waits for exit up to `seconds`, then kills it. Returns the exit status if it exited.
    @discardableResult
    func wait(seconds: Double) -> Int32? {
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { stop(); return nil }
        return process.terminationStatus
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGINT)
        let deadline = Date().addingTimeInterval(3)
        while process.isRunning && Date() < deadline { usleep(20_000) }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
    }
}

func temporaryDirectory() throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("callbridge-engine-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// A UDP port that was free a moment ago (for peers that need a port number up front).
func freeUDPPort() -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
    return UInt16(bigEndian: address.sin_port)
}

/// Reads a raw yuv420p file as luma planes.
func readLumaFrames(_ url: URL, width: Int, height: Int) throws -> [[UInt8]] {
    let data = try Data(contentsOf: url)
    let frameSize = width * height * 3 / 2
    return stride(from: 0, to: data.count - frameSize + 1, by: frameSize).map { Array(data[$0..<($0 + width * height)]) }
}

func lumaPSNR(_ a: [UInt8], _ b: [UInt8]) -> Double {
    var error = 0.0
    for i in 0..<min(a.count, b.count) {
        let d = Double(Int(a[i]) - Int(b[i]))
        error += d * d
    }
    let mse = error / Double(min(a.count, b.count))
    return mse == 0 ? .infinity : 10 * log10(255 * 255 / mse)
}
