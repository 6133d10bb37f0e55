import Foundation
import Testing

/// linphonec (liblinphone 5.1, Debian 12) as a real endpoint: files soundcard, a static
/// picture camera, everything in its own HOME and config on loopback. Debian's build has no
/// H.264 encoder (video is VP8 only), so what it can show is audio joining with the video
/// m-line declined, and a clean 488 when no codec is common.
final class LinphonePeer {
    let directory: URL
    let sipPort: UInt16
    private let process = Process()
    private let input = Pipe()

    init(in parent: URL) throws {
        directory = parent.appendingPathComponent("linphonec-\(UUID().uuidString.prefix(6))")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("home/.local/share/linphone"),
                                                withIntermediateDirectories: true)
        sipPort = MediaLoopCommandTests.freePort()
        let audioPort = MediaLoopCommandTests.freeEvenPortPair(), videoPort = MediaLoopCommandTests.freeEvenPortPair()
        // STUN, ICE, UPnP and IPv6 off; RTP bound to loopback (without it the SDP names the
        // default-route interface).
        let config = """
        [sip]
        contact=sip:linphone@127.0.0.1
        sip_port=\(sipPort)
        sip_tcp_port=0
        sip_tls_port=0
        bind_address=127.0.0.1
        use_ipv6=0
        guess_hostname=0
        register_only_when_network_is_up=0
        auto_net_state_mon=0
        ping_with_options=0
        keepalive_period=0
        inc_timeout=10
        media_encryption=none

        [net]
        firewall_policy=0
        stun_server=
        nat_address=
        upnp_enabled=0
        mtu=1300

        [rtp]
        bind_address=127.0.0.1
        audio_rtp_port=\(audioPort)
        video_rtp_port=\(videoPort)
        nortp_timeout=30

        [sound]
        echocancellation=0

        [video]
        enabled=1
        automatically_initiate=1
        automatically_accept=1
        capture=1
        display=0
        self_view=0
        show_local=0
        device=StaticImage: Static picture
        size=vga

        [misc]
        uuid=0

        """
        try config.write(to: directory.appendingPathComponent("linphonerc"), atomically: true, encoding: .utf8)
    }

    var output: String { (try? String(contentsOf: directory.appendingPathComponent("linphonec.log"), encoding: .utf8)) ?? "" }

    /// Dials `uri` after `setup` commands, waits for the outcome, holds `seconds`, hangs up
    /// and quits. Returns linphonec's console output.
    func call(_ uri: String, setup: [String] = [], holdSeconds: Double) throws -> String {
        process.executableURL = URL(fileURLWithPath: "/usr/bin/linphonec")
        process.arguments = ["-c", directory.appendingPathComponent("linphonerc").path, "-C", "-d", "0"]
        var environment = ProcessInfo.processInfo.environment
        environment["HOME"] = directory.appendingPathComponent("home").path
        process.environment = environment
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("linphonec.log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = input
        try process.run()
        defer { stop() }
        func say(_ line: String) { input.fileHandleForWriting.write(Data((line + "\n").utf8)) }
        usleep(1_000_000)
        say("soundcard use files")
        for line in setup { say(line) }
        say("call \(uri)")
        let deadline = Date().addingTimeInterval(15)
        while !output.contains(" connected.") && !output.contains(" error.") && Date() < deadline { usleep(100_000) }
        if output.contains(" connected.") { usleep(UInt32(holdSeconds * 1_000_000)) }
        say("terminate all")
        usleep(1_000_000)
        say("quit")
        let exit = Date().addingTimeInterval(5)
        while process.isRunning && Date() < exit { usleep(50_000) }
        return output
    }

    func stop() {
        guard process.isRunning else { return }
        kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }
}

@Suite("linphonec (real binary, real endpoint)", .serialized)
struct LinphonecTests {
    /// Default codecs: Opus audio is taken, VP8 video declined (port 0): 200 OK, audio flows,
    /// and the call ends with linphonec's BYE.
    @Test func joinsWithAudioAndTheVideoItCannotSendDeclined() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let peer = try LinphonePeer(in: bridge.directory)
        let output = try peer.call("sip:1000@127.0.0.1:\(port)", holdSeconds: 3)
        print("linphonec: \(output.split(separator: "\n").filter { $0.contains("Call 1") || $0.contains("Media streams") }.joined(separator: " | "))")
        #expect(output.contains("Call 1 with sip:1000@127.0.0.1:\(port) connected."), "200 OK: \(output.suffix(800))")
        #expect(output.contains("Media streams established"), "media up: \(output.suffix(800))")
        #expect(bridge.output.contains("joined leg 1 to 1000 from UDP 127.0.0.1:\(peer.sipPort): audio opus"), "bridge: \(bridge.output.suffix(600))")
        #expect(bridge.waitForOutput("BYE: leg 1 left", seconds: 10), "linphonec's BYE: \(bridge.output.suffix(400))")
        bridge.stop()
    }

    /// Opus, PCMU and PCMA disabled in linphonec: nothing in common (speex, G.729, VP8), so
    /// the bridge answers 488 and linphonec reports the call failed.
    @Test func noCommonCodecIsACleanNotAcceptable() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let peer = try LinphonePeer(in: bridge.directory)
        let output = try peer.call("sip:1000@127.0.0.1:\(port)", setup: ["codec disable 0", "codec disable 3", "codec disable 4"], holdSeconds: 0)
        #expect(output.contains("Call 1 with sip:1000@127.0.0.1:\(port) error."), "call failed: \(output.suffix(800))")
        #expect(bridge.waitForOutput("rejected INVITE for 1000: 488", seconds: 5), "bridge: \(bridge.output.suffix(600))")
        #expect(!bridge.output.contains("joined leg"))
        bridge.stop()
    }
}
