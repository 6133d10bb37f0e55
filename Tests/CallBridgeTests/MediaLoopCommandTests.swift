import Foundation
import Testing

@Suite("callbridge media-loop (real binary, ffmpeg both ways)")
struct MediaLoopCommandTests {
    static func freePort() -> UInt16 {
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

    /// An even port whose odd neighbour was free too (for peers that put RTCP on port + 1).
    static func freeEvenPortPair() -> UInt16 {
        for _ in 0..<100 {
            let port = freePort()
            if port % 2 == 0 && port < 65534 { return port }
        }
        return 40_000 + UInt16.random(in: 0..<5000) * 2
    }

    /// ffmpeg sends testsrc2 + a 1 kHz sine into the loop; a second ffmpeg receives what the
    /// loop sends back (decoded and re-encoded by us) and must see pictures and the tone.
    @Test func loopsRealMediaBackToFFmpeg() throws {
        let ports = (0..<4).map { _ in Self.freePort() }
        let loop = try BinaryUnderTest(["media-loop", "--video-port", "\(ports[0])", "--audio-port", "\(ports[1])",
                                        "--remote-video-port", "\(ports[2])", "--remote-audio-port", "\(ports[3])",
                                        "--sdp-out", "$DIR/peer.sdp", "--width", "640", "--height", "360", "--duration", "12"])
        #expect(loop.waitForOutput("wrote", seconds: 20), "media-loop did not start: \(loop.output)")
        let dir = loop.directory
        let videoOut = dir.appendingPathComponent("video.yuv").path, audioOut = dir.appendingPathComponent("audio.pcm").path
        let receiver = Process()
        receiver.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        receiver.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp", "-i", dir.appendingPathComponent("peer.sdp").path,
                              "-t", "5", "-map", "0:v", "-f", "rawvideo", "-pix_fmt", "yuv420p", videoOut,
                              "-map", "0:a", "-t", "5", "-f", "s16le", "-ac", "1", "-ar", "48000", audioOut]
        FileManager.default.createFile(atPath: dir.appendingPathComponent("receiver.log").path, contents: nil)
        receiver.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("receiver.log"))
        receiver.standardOutput = FileHandle.nullDevice
        try receiver.run()
        usleep(800_000)
        let sender = Process()
        sender.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        sender.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-re",
                            "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30", "-re", "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=48000",
                            "-t", "7", "-map", "0:v", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency", "-g", "30", "-b:v", "2M",
                            "-f", "rtp", "rtp://127.0.0.1:\(ports[0])?rtcpport=\(ports[0])&pkt_size=1200",
                            "-map", "1:a", "-t", "7", "-c:a", "libopus", "-b:a", "48k", "-payload_type", "111", "-f", "rtp", "rtp://127.0.0.1:\(ports[1])?rtcpport=\(ports[1])"]
        FileManager.default.createFile(atPath: dir.appendingPathComponent("sender.log").path, contents: nil)
        sender.standardError = try FileHandle(forWritingTo: dir.appendingPathComponent("sender.log"))
        sender.standardOutput = FileHandle.nullDevice
        try sender.run()
        defer {
            for p in [sender, receiver] where p.isRunning { kill(p.processIdentifier, SIGKILL); p.waitUntilExit() }
        }
        let deadline = Date().addingTimeInterval(30)
        while receiver.isRunning && Date() < deadline { usleep(50_000) }
        #expect(!receiver.isRunning, "the receiving ffmpeg finished")
        kill(loop.process.processIdentifier, SIGINT)
        #expect(loop.waitForExit(seconds: 10) == 0, "media-loop exits cleanly: \(loop.output.suffix(500))")

        let video = (try? Data(contentsOf: URL(fileURLWithPath: videoOut))) ?? Data()
        let frames = video.count / (640 * 360 * 3 / 2)
        let pcm = (try? Data(contentsOf: URL(fileURLWithPath: audioOut))) ?? Data()
        let samples = pcm.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        // Tone check by counting zero crossings over the last second (1 kHz → ~2000 per second).
        let lastSecond = samples.suffix(48_000)
        var crossings = 0
        for (a, b) in zip(lastSecond, lastSecond.dropFirst()) where (a < 0) != (b < 0) { crossings += 1 }
        let rms = (lastSecond.reduce(0.0) { $0 + Double($1) * Double($1) } / Double(max(1, lastSecond.count))).squareRoot()
        let logs = ["sender.log", "receiver.log"].map { (try? String(contentsOf: dir.appendingPathComponent($0), encoding: .utf8)) ?? "" }
        if frames < 90 { print("ffmpeg logs: \(logs); ports \(ports); loop: \(loop.output.suffix(1500))") }
        print("media-loop: ffmpeg got \(frames) looped pictures, \(samples.count) samples, \(crossings) zero crossings/s, rms \(Int(rms)); stats: \(loop.output.split(separator: "\n").suffix(2).joined(separator: " | "))")
        #expect(frames >= 90, "about 30 fps for the 5 s the receiver listened")
        #expect(abs(crossings - 2000) < 100, "the 1 kHz tone came back")
        #expect(rms > 1000)
    }
}
