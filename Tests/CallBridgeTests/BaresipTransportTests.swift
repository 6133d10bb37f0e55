import Foundation
import MediaAnalysis
import Testing

/// baresip 1.0 against the real bridge over every transport, with mandatory SRTP, both
/// H.264 packetization modes, Opus and PCMU, hold/resume by re-INVITE, BYE from either side,
/// and the bridge dialling out.
@Suite("baresip transports, SRTP, hold, dial-out (real binary)", .serialized)
struct BaresipTransportTests {
    static func tlsPort(from output: String) -> Int? {
        guard let range = output.range(of: "tls:127.0.0.1:") else { return nil }
        return Int(output[range.upperBound...].prefix { $0.isNumber })
    }

    /// The one tone `peer` should hear (the other's) stands well above the one it must not
    /// (its own: mix-minus).
    static func expectHears(_ peer: BaresipPeer, tone: Double, notOwn own: Double, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let audio = try peer.receivedAudio()
        // The last 2 s of the recording: the call is up and past any start-up silence.
        let tail = Array(audio.samples.suffix(2 * audio.sampleRate))
        #expect(tail.count >= audio.sampleRate, "recording too short: \(audio.samples.count) samples", sourceLocation: sourceLocation)
        guard tail.count >= audio.sampleRate else { return }
        let other = ToneAnalysis.level(of: tone, in: tail, sampleRate: audio.sampleRate)
        let mine = ToneAnalysis.level(of: own, in: tail, sampleRate: audio.sampleRate)
        print("\(peer.name) hears \(Int(tone)) Hz at \(Int(other)) dBFS, its own \(Int(own)) Hz at \(Int(mine)) dBFS")
        #expect(other > -30, "\(peer.name) hears the other participant's tone", sourceLocation: sourceLocation)
        #expect(other - mine > 20, "\(peer.name) does not hear itself", sourceLocation: sourceLocation)
    }

    /// red: TCP, SRTP mandatory, PCMU. blue: TLS, SRTP mandatory, Opus. Both see and hear
    /// each other; red holds and resumes (re-INVITE sendonly → we answer recvonly, then
    /// sendrecv); the call lasts over 10 s; blue hangs up (its BYE), then the bridge's
    /// shutdown sends red a BYE over red's TCP connection.
    @Test func tcpAndTLSWithMandatorySRTPHoldResumeAndByeFromBothSides() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let tls = try #require(Self.tlsPort(from: bridge.output))
        let red = try BaresipPeer(name: "red", color: "red", toneHz: 440, in: bridge.directory,
                                  account: ";mediaenc=srtp-mand;audio_codecs=pcmu")
        let blue = try BaresipPeer(name: "blue", color: "blue", toneHz: 880, in: bridge.directory,
                                   account: ";mediaenc=srtp-mand;audio_codecs=opus/48000/2")
        defer { red.stop(); blue.stop() }
        let started = Date()
        try red.dial("sip:1000@127.0.0.1:\(port);transport=tcp", seconds: 60)
        try blue.dial("sip:1000@127.0.0.1:\(tls);transport=tls", seconds: 60)
        #expect(bridge.waitForOutput("joined leg 2", seconds: 20), "both joined: \(bridge.output.suffix(600))")
        #expect(bridge.output.contains("from TCP") && bridge.output.contains("from TLS"))
        #expect(bridge.output.contains("audio PCMU SRTP, video H264 mode 1"), "red: SRTP + PCMU: \(bridge.output.suffix(800))")
        #expect(bridge.output.contains("audio opus SRTP"), "blue: SRTP + Opus")
        usleep(5_000_000)
        let seenByRed = try BaresipPeer.pixel(of: try red.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        let seenByBlue = try BaresipPeer.pixel(of: try blue.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        print("SRTP over TCP/TLS: red sees \(seenByRed), blue sees \(seenByBlue)")
        #expect(seenByRed.b > 150 && seenByRed.r < 80, "red sees blue")
        #expect(seenByBlue.r > 150 && seenByBlue.b < 80, "blue sees red")
        #expect(red.log.contains("SRTP") || red.log.contains("srtp"), "red negotiated SRTP: \(red.log.suffix(800))")

        try red.command("hold")
        #expect(bridge.waitForOutput("re-INVITE: leg 1 recvonly", seconds: 10), "hold answered recvonly: \(bridge.output.suffix(600))")
        usleep(1_000_000)
        try red.command("resume")
        #expect(bridge.waitForOutput("re-INVITE: leg 1 sendrecv", seconds: 10), "resume answered sendrecv: \(bridge.output.suffix(600))")
        // Pictures flow again after resume (a fresh IDR was sent).
        usleep(3_000_000)
        let afterResume = try BaresipPeer.pixel(of: try red.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        #expect(afterResume.b > 150 && afterResume.r < 80, "red sees blue after resume: \(afterResume)")
        while Date().timeIntervalSince(started) < 11 { usleep(200_000) }
        try Self.expectHears(red, tone: 880, notOwn: 440)
        try Self.expectHears(blue, tone: 440, notOwn: 880)

        try blue.command("hangup")
        #expect(bridge.waitForOutput("BYE: leg 2 left", seconds: 10), "blue's BYE: \(bridge.output.suffix(400))")
        bridge.stop()
        #expect(bridge.output.contains("sent BYE for leg 1"), "bridge BYEs red on shutdown: \(bridge.output.suffix(400))")
        let deadline = Date().addingTimeInterval(5)
        while !red.log.contains("terminated") && !red.log.contains("closed") && Date() < deadline { usleep(100_000) }
        #expect(red.log.contains("terminated") || red.log.contains("closed"), "red saw the bridge's BYE: \(red.log.suffix(600))")
    }

    /// red dials in over UDP offering H.264 packetization-mode 0 only; the bridge dials blue
    /// out (`--dial-out`, blue auto-answers). They see each other: mode 0 both ways and a call
    /// the bridge placed.
    @Test func packetizationModeZeroAndDialOut() throws {
        let port = SIPIntegrationTests.freeUDPPort()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cb-dialout-\(UUID().uuidString.prefix(8))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let blue = try BaresipPeer(name: "blue", color: "blue", toneHz: 880, in: directory,
                                   account: ";answermode=auto;audio_codecs=opus/48000/2")
        defer { blue.stop() }
        try blue.listen(seconds: 60)
        usleep(1_000_000)
        let bridge = try BinaryUnderTest(["serve", "--data-directory", "$DIR/var", "--sip-listen", "127.0.0.1:\(port)", "--workers", "1",
                                          "--admin-listen", "127.0.0.1:0",
                                          "--dial-out", "sip:blue@127.0.0.1:\(blue.sipPort)"])
        #expect(bridge.waitForOutput("answered, joined 1000", seconds: 30), "dial-out answered: \(bridge.output.suffix(800))\n\(blue.log.suffix(800))")
        let red = try BaresipPeer(name: "red", color: "red", toneHz: 440, in: bridge.directory,
                                  account: ";audio_codecs=opus/48000/2;video_codecs=h264")
        defer { red.stop() }
        try red.dial("sip:1000@127.0.0.1:\(port)", seconds: 40)
        #expect(bridge.waitForOutput("joined leg 2", seconds: 20), "red joined: \(bridge.output.suffix(600))")
        usleep(5_000_000)
        let seenByRed = try BaresipPeer.pixel(of: try red.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        let seenByBlue = try BaresipPeer.pixel(of: try blue.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        print("mode 0 + dial-out: red sees \(seenByRed), blue sees \(seenByBlue)")
        #expect(seenByRed.b > 150 && seenByRed.r < 80, "red (mode 0) sees blue")
        #expect(seenByBlue.r > 150 && seenByBlue.b < 80, "blue (dialled out) sees red")
        #expect(bridge.output.contains("joined leg 2 to 1000 from UDP") && bridge.output.contains("video H264 mode 0"),
                "red's call uses packetization-mode 0: \(bridge.output.suffix(600))")
        try red.command("hangup")
        #expect(bridge.waitForOutput("BYE: leg 2 left", seconds: 10), "red's BYE: \(bridge.output.suffix(400))")
        bridge.stop()
        #expect(bridge.output.contains("sent BYE for leg 1"), "bridge hangs up the call it placed: \(bridge.output.suffix(400))")
    }
}

@Suite("Three baresip participants in one space (real binary)", .serialized)
struct ThreeBaresipTests {
    /// red, green, blue dial space 1000 (allEqual) in that order. Each one's received picture
    /// has the two others in the two panes, in join order, and not itself; each hears the two
    /// other tones (440/880/1320 Hz) and not its own. Two media workers: the space spreads
    /// over both (red and blue on one, green on the other), so pictures and audio cross workers.
    @Test func threeParticipantsSeeAndHearExactlyTheOtherTwo() throws {
        let (bridge, port) = try BinaryUnderTest.serve(workers: 2)
        let specs: [(name: String, tone: Int, rgb: (Int, Int, Int))] = [("red", 440, (255, 0, 0)), ("green", 880, (0, 128, 0)), ("blue", 1320, (0, 0, 255))]
        let peers = try specs.map { try BaresipPeer(name: $0.name, color: $0.name, toneHz: $0.tone, in: bridge.directory,
                                                    account: ";audio_codecs=opus/48000/2") }
        defer { peers.forEach { $0.stop() } }
        for (i, peer) in peers.enumerated() {
            try peer.dial("sip:1000@127.0.0.1:\(port)", seconds: 60)
            #expect(bridge.waitForOutput("joined leg \(i + 1)", seconds: 20), "\(peer.name) joined: \(bridge.output.suffix(400))")
        }
        usleep(6_000_000)
        func close(_ pixel: (r: Int, g: Int, b: Int, width: Int, height: Int), _ rgb: (Int, Int, Int)) -> Bool {
            abs(pixel.r - rgb.0) < 70 && abs(pixel.g - rgb.1) < 70 && abs(pixel.b - rgb.2) < 70
        }
        for (i, peer) in peers.enumerated() {
            let snapshot = try peer.snapshotReceived()
            let left = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.25, y: 0.5)
            let right = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.75, y: 0.5)
            let others = specs.indices.filter { $0 != i }
            print("\(peer.name) sees left \(left), right \(right)")
            #expect(close(left, specs[others[0]].rgb), "\(peer.name): left pane is \(specs[others[0]].name)")
            #expect(close(right, specs[others[1]].rgb), "\(peer.name): right pane is \(specs[others[1]].name)")
            #expect(!close(left, specs[i].rgb) && !close(right, specs[i].rgb), "\(peer.name) does not see itself")
        }
        for (i, peer) in peers.enumerated() {
            let audio = try peer.receivedAudio()
            let tail = Array(audio.samples.suffix(2 * audio.sampleRate))
            guard tail.count >= audio.sampleRate else { Issue.record("\(peer.name): recording too short"); continue }
            for (j, other) in specs.enumerated() {
                let level = ToneAnalysis.level(of: Double(other.tone), in: tail, sampleRate: audio.sampleRate)
                print("\(peer.name) hears \(other.tone) Hz at \(Int(level)) dBFS")
                if i == j { #expect(level < -40, "\(peer.name) must not hear itself") }
                else { #expect(level > -35, "\(peer.name) hears \(other.name)") }
            }
        }
        bridge.stop()
    }
}
