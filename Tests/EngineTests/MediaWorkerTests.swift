import Codecs
import Engine
import Foundation
import MediaCore
import Testing

@Suite("MediaWorker", .serialized)
struct MediaWorkerTests {
    @Test func pinsItselfAndAttachesAndDetachesLegs() throws {
        let cpu = try #require(CPUAffinity.allowedCPUs().last)
        let worker = try MediaWorker(.init(index: 3, cpu: cpu))
        worker.start()
        var config = MediaLegConfiguration(id: 7)
        var audio = AudioStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 0, ssrc: 1), codec: .pcmu)
        audio.source = .none
        config.audio = audio
        let leg = try MediaLeg(config, for: worker)
        #expect(leg.audioPort != nil && leg.audioPort != 0, "ports are bound before the leg reaches the worker (for the SDP answer)")
        #expect(worker.send(.attach(leg)))
        #expect(worker.send(.detach(legID: 7)))
        #expect(worker.send(.stop))
        worker.join()
        var events: [String] = []
        while let event = worker.events.pop() {
            switch event {
            case .attached(let id, let ports): events.append("attached \(id) \(ports.count)")
            case .detached(let id, _): events.append("detached \(id)")
            case .stopped(let index): events.append("stopped \(index)")
            default: events.append("other")
            }
        }
        #expect(events == ["attached 7 1", "detached 7", "stopped 3"])
        #expect(worker.pinnedCPU == cpu)
    }

    /// A flood of garbage at one leg's port is dropped and counted per reason while another
    /// leg on the same worker keeps decoding at full rate.
    @Test func garbageAtOneLegLeavesTheOtherUntouched() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        // Leg 41 receives a clean stream from leg 40; leg 42 receives garbage.
        let receiverRecorder = Recorder(keepEvery: 1000)
        var rc = MediaLegConfiguration(id: 41)
        var rv = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: 41), encoder: H264EncoderConfiguration(width: 320, height: 240))
        rv.source = .none
        rc.video = rv
        let receiver = try MediaLeg(rc, for: harness.worker, videoSink: receiverRecorder.videoSink)
        var victimConfig = MediaLegConfiguration(id: 42)
        var vv = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: 42), encoder: H264EncoderConfiguration(width: 320, height: 240))
        vv.source = .none
        victimConfig.video = vv
        var va = AudioStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 111, ssrc: 43), codec: .opus(channels: 1))
        va.source = .none
        victimConfig.audio = va
        let victim = try MediaLeg(victimConfig, for: harness.worker)
        var sc = MediaLegConfiguration(id: 40)
        var ss = MediaStreamConfiguration(payloadType: 96, ssrc: 40)
        ss.remote = SocketAddress(host: "127.0.0.1", port: try #require(receiver.videoPort))
        var sv = VideoStreamConfiguration(stream: ss, encoder: H264EncoderConfiguration(width: 320, height: 240, bitrate: 300_000))
        sv.source = .synthetic(toneHz: 0)
        sc.video = sv
        let sender = try MediaLeg(sc, for: harness.worker)
        for leg in [receiver, victim, sender] { try harness.attach(leg) }

        // Garbage: random bytes, truncated headers, wrong versions, valid RTP with junk
        // H.264 payloads and an unknown payload type, bad RTCP.
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var rng = SystemRandomNumberGenerator()
        func send(_ bytes: [UInt8], port: UInt16) {
            var to = sockaddr_in()
            to.sin_family = sa_family_t(AF_INET)
            to.sin_addr.s_addr = inet_addr("127.0.0.1")
            to.sin_port = port.bigEndian
            _ = bytes.withUnsafeBytes { b in withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
        }
        let videoPort = try #require(victim.videoPort), audioPort = try #require(victim.audioPort)
        let start = Date()
        var sent = 0
        while Date().timeIntervalSince(start) < 3 {
            for kind in 0..<6 {
                let bytes: [UInt8]
                switch kind {
                case 0: bytes = (0..<Int.random(in: 1...1400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
                case 1: bytes = [0x80, 96, 0, 1]
                case 2: bytes = [0x40, 96, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 1, 2]
                case 3: bytes = [0x80, 96, UInt8(sent >> 8 & 0xFF), UInt8(sent & 0xFF), 0, 0, 0, 0, 0, 0, 0, 42, 0x7C, 0x05, 9, 9]   // FU-A without start
                case 4: bytes = [0x80, 77, 0, 1, 0, 0, 0, 0, 0, 0, 0, 42, 1, 2, 3]                                              // unknown PT
                default: bytes = [0x80, 200, 0, 40, 1, 2, 3, 4]                                                                  // RTCP SR, bad length
                }
                send(bytes, port: kind == 1 || kind == 4 ? audioPort : videoPort)
                sent += 1
            }
            usleep(200)
        }
        runFor(seconds: 0.3)
        let victimStats = try #require(harness.statistics(legID: 42))
        let receiverStats = try #require(harness.statistics(legID: 41))
        let elapsed = Date().timeIntervalSince(start)
        let fps = Double(receiverStats.video.framesDecoded) / elapsed
        print("garbage: \(sent) datagrams; victim drops video \(victimStats.video.drops), audio \(victimStats.audio.drops); neighbour decoded \(fps) fps")
        #expect(victimStats.video.dropsTotal + victimStats.audio.dropsTotal > sent / 3)
        #expect(victimStats.video.drops["RTP version is not 2", default: 0] > 0 || victimStats.audio.drops["RTP version is not 2", default: 0] > 0)
        #expect(fps >= 27, "the neighbouring leg is unaffected")
        #expect(receiverStats.video.dropsTotal == 0)
    }

    /// Plain RTP latches its first source: well-formed RTP from a second address (right
    /// payload type, its own SSRC, junk H.264) is dropped and counted while the peer's stream
    /// decodes on, untouched.
    @Test func packetsFromAnotherSourceCannotBeInjected() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorder = Recorder(keepEvery: 1000)
        var rc = MediaLegConfiguration(id: 51)
        var rv = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: 51), encoder: H264EncoderConfiguration(width: 320, height: 240))
        rv.source = .none
        rc.video = rv
        let receiver = try MediaLeg(rc, for: harness.worker, videoSink: recorder.videoSink)
        var sc = MediaLegConfiguration(id: 50)
        var ss = MediaStreamConfiguration(payloadType: 96, ssrc: 50)
        ss.remote = SocketAddress(host: "127.0.0.1", port: try #require(receiver.videoPort))
        var sv = VideoStreamConfiguration(stream: ss, encoder: H264EncoderConfiguration(width: 320, height: 240, bitrate: 300_000))
        sv.source = .synthetic(toneHz: 0)
        sc.video = sv
        let sender = try MediaLeg(sc, for: harness.worker)
        for leg in [receiver, sender] { try harness.attach(leg) }
        runFor(seconds: 0.5)   // the sender's packets arrive first and latch

        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        defer { close(fd) }
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_addr.s_addr = inet_addr("127.0.0.1")
        to.sin_port = try #require(receiver.videoPort).bigEndian
        let start = Date()
        var injected = 0
        while Date().timeIntervalSince(start) < 2 {
            // A complete single-NAL IDR slice header with junk after it, as an attacker would.
            let packet: [UInt8] = [0x80, 0xE0, UInt8(injected >> 8 & 0xFF), UInt8(injected & 0xFF), 0, 0, 0, 1, 0xBA, 0xD0, 0xBA, 0xD0,
                                   0x65, 0x88, 0x84, 0x00, 0x33, 0xFF, 0xFF, 0x00]
            _ = packet.withUnsafeBytes { b in withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
            injected += 1
            usleep(1000)
        }
        let before = recorder.decodedFrames
        runFor(seconds: 1)
        let stats = try #require(harness.statistics(legID: 51))
        let dropped = stats.video.drops["RTP from an address other than the stream's peer", default: 0]
        print("injection: \(injected) foreign packets, \(dropped) dropped as foreign; decode errors \(stats.video.decodeErrors); "
              + "\(recorder.decodedFrames - before) frames decoded in the last second")
        #expect(dropped == injected, "every foreign packet dropped")
        #expect(stats.video.decodeErrors == 0)
        #expect(recorder.decodedFrames - before >= 25, "the peer's stream decodes on")
    }
}
