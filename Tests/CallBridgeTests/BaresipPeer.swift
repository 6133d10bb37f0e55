import Foundation

/// A real baresip 1.0 endpoint on loopback: its own config directory, a solid-colour video
/// file as camera, a sine tone as microphone, ctrl_tcp for commands (snapshot_recv), and
/// the `menu` module so `-e /dial` works. Stopped by PID.
final class BaresipPeer {
    let directory: URL
    let process = Process()
    let controlPort: UInt16
    let name: String

    let sipPort: UInt16

    /// - Parameter account: extra account parameters, e.g. `;mediaenc=srtp-mand`,
    ///   `;audio_codecs=pcmu`, `;video_codecs=h264` (mode 0 only), `;answermode=auto`.
    init(name: String, color: String, toneHz: Int, in parent: URL,
         account: String = ";audio_codecs=opus/48000/2,pcmu") throws {
        self.name = name
        directory = parent.appendingPathComponent("baresip-\(name)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let video = directory.appendingPathComponent("camera.mp4")
        let make = Process()
        make.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        make.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-f", "lavfi", "-i", "color=c=\(color):size=320x240:rate=30",
                          "-t", "60", "-c:v", "libx264", "-pix_fmt", "yuv420p", "-g", "30", video.path]
        try make.run()
        make.waitUntilExit()
        sipPort = MediaLoopCommandTests.freePort()
        // baresip's TLS listener takes the SIP port + 1: keep the control port off it.
        var control = MediaLoopCommandTests.freePort()
        while control == sipPort &+ 1 || control == sipPort { control = MediaLoopCommandTests.freePort() }
        controlPort = control
        let received = directory.appendingPathComponent("received-audio")
        try FileManager.default.createDirectory(at: received, withIntermediateDirectories: true)
        let config = """
        sip_listen\t\t127.0.0.1:\(sipPort)
        net_interface\t\t127.0.0.1
        module_path\t\t/usr/lib/baresip/modules
        module\t\t\tg711.so
        module\t\t\topus.so
        module\t\t\tavcodec.so
        module\t\t\tavformat.so
        module\t\t\tausine.so
        module\t\t\taufile.so
        module\t\t\tfakevideo.so
        module\t\t\tsnapshot.so
        module\t\t\tsrtp.so
        module\t\t\tsndfile.so
        module\t\t\taccount.so
        module_app\t\tctrl_tcp.so
        module_app\t\tmenu.so
        ctrl_tcp_listen\t\t127.0.0.1:\(controlPort)
        audio_source\t\tausine,\(toneHz)
        audio_player\t\taubridge,nil
        snd_path\t\t\(received.path)
        statmode_default\toff
        ausrc_channels\t\t2
        ausrc_srate\t\t48000
        video_source\t\tavformat,\(video.path)
        video_display\t\tfakevideo,nil
        video_size\t\t320x240
        video_fps\t\t30
        video_bitrate\t\t400000

        """
        try config.write(to: directory.appendingPathComponent("config"), atomically: true, encoding: .utf8)
        try "<sip:\(name)@127.0.0.1>;regint=0\(account)\n"
            .write(to: directory.appendingPathComponent("accounts"), atomically: true, encoding: .utf8)
    }

    func dial(_ uri: String, seconds: Int) throws {
        try start(["-e", "/dial \(uri)", "-t", "\(seconds)"])
    }

    /// Runs without dialling (to be called: use `;answermode=auto`).
    func listen(seconds: Int) throws {
        try start(["-t", "\(seconds)"])
    }

    private func start(_ extra: [String]) throws {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/baresip")
        process.arguments = ["-f", directory.path] + extra
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.path
        process.environment = environment
        let log = directory.appendingPathComponent("baresip.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
    }

    var log: String { (try? String(contentsOf: directory.appendingPathComponent("baresip.log"), encoding: .utf8)) ?? "" }

    /// Asks baresip (ctrl_tcp, netstring JSON) to save the picture it receives as PNG.
    func snapshotReceived() throws -> URL {
        let path = directory.appendingPathComponent("received-\(UUID().uuidString.prefix(6)).png")
        _ = try command("snapshot_recv", path.path)
        // The snapshot is written with the next received frame.
        let deadline = Date().addingTimeInterval(5)
        while !FileManager.default.fileExists(atPath: path.path) && Date() < deadline { usleep(100_000) }
        usleep(300_000)
        return path
    }

    /// The newest recording of what baresip decoded (sndfile module), as mono samples.
    func receivedAudio() throws -> (samples: [Int16], sampleRate: Int) {
        let folder = directory.appendingPathComponent("received-audio")
        let files = try FileManager.default.contentsOfDirectory(atPath: folder.path).filter { $0.hasSuffix("dec.wav") }.sorted()
        guard let last = files.last else { throw PeerError.control("no decoded-audio recording in \(folder.path)") }
        let raw = folder.appendingPathComponent("heard.s16")
        let convert = Process()
        convert.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        convert.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", folder.appendingPathComponent(last).path,
                             "-ac", "1", "-ar", "48000", "-f", "s16le", raw.path]
        try convert.run()
        convert.waitUntilExit()
        let data = try Data(contentsOf: raw)
        let samples = data.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        return (samples, 48_000)
    }

    /// One ctrl_tcp command (`hold`, `resume`, `hangup`, `snapshot_recv PATH`, …); returns the reply.
    @discardableResult
    func command(_ name: String, _ params: String = "") throws -> String {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = controlPort.bigEndian
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw PeerError.control("ctrl_tcp connect failed") }
        let json = "{\"command\":\"\(name)\",\"params\":\"\(params)\",\"token\":\"1\"}"
        let message = Array("\(json.utf8.count):\(json),".utf8)
        _ = message.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, 0) }
        var timeout = timeval(tv_sec: 3, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var reply = [UInt8](repeating: 0, count: 2048)
        let n = recv(fd, &reply, reply.count, 0)
        return n > 0 ? String(decoding: reply[0..<n], as: UTF8.self) : ""
    }

    /// RGB of a pixel of a PNG (decoded by ffmpeg), plus the picture size.
    static func pixel(of png: URL, atFractionX fx: Double, y fy: Double) throws -> (r: Int, g: Int, b: Int, width: Int, height: Int) {
        let probe = Process()
        probe.executableURL = URL(fileURLWithPath: "/usr/bin/ffmpeg")
        let raw = png.deletingPathExtension().appendingPathExtension("rgb")
        probe.arguments = ["-nostdin", "-hide_banner", "-loglevel", "error", "-y", "-i", png.path, "-f", "rawvideo", "-pix_fmt", "rgb24", raw.path]
        try probe.run()
        probe.waitUntilExit()
        let data = try Data(contentsOf: raw)
        // Snapshots of our 16:9 canvases: guess the size from the byte count.
        let candidates = [(1280, 720), (1920, 1080), (848, 480), (640, 360), (320, 240)]
        guard let (w, h) = candidates.first(where: { $0.0 * $0.1 * 3 == data.count }) else { throw PeerError.control("unexpected snapshot size \(data.count)") }
        let x = Int(Double(w) * fx), y = Int(Double(h) * fy)
        let i = (y * w + x) * 3
        return (Int(data[i]), Int(data[i + 1]), Int(data[i + 2]), w, h)
    }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(3)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
    }

    deinit { stop() }

    enum PeerError: Error { case control(String) }
}
