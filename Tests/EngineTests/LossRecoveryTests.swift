import Codecs
import Engine
import MediaCore
import Testing

@Suite("Loss and reordering (test relay on loopback)", .serialized)
struct LossRecoveryTests {
    /// 5 % loss and 2 % reordering between sender and receiver: NACKs and PLIs go back
    /// through the relay, and the receiver still decodes at least 25 fps after its first
    /// keyframe.
    @Test func fivePercentLossStillDecodesTwentyFiveFramesPerSecond() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorder = Recorder(keepEvery: 1000)
        var receiverConfig = MediaLegConfiguration(id: 31)
        var rs = MediaStreamConfiguration(payloadType: 96, ssrc: 0x3131)
        rs.rtcpMux = true
        var rv = VideoStreamConfiguration(stream: rs, encoder: H264EncoderConfiguration(width: 640, height: 360))
        rv.source = .none
        receiverConfig.video = rv
        let receiver = try MediaLeg(receiverConfig, for: harness.worker, videoSink: recorder.videoSink)
        let relay = LossyRelay(toPort: try #require(receiver.videoPort), lossPercent: 5, reorderPercent: 2, seed: 77)
        defer { relay.stop() }

        var senderConfig = MediaLegConfiguration(id: 30)
        var ss = MediaStreamConfiguration(payloadType: 96, ssrc: 0x3030)
        ss.remote = SocketAddress(host: "127.0.0.1", port: relay.port)
        var sv = VideoStreamConfiguration(stream: ss, encoder: H264EncoderConfiguration(width: 640, height: 360, bitrate: 800_000))
        sv.source = .synthetic(toneHz: 0)
        senderConfig.video = sv
        let sender = try MediaLeg(senderConfig, for: harness.worker)
        try harness.attach(receiver)
        try harness.attach(sender)
        let seconds = 6.0
        runFor(seconds: seconds)
        let r = try #require(harness.statistics(legID: 31))
        let s = try #require(harness.statistics(legID: 30))
        let fps = Double(r.video.framesDecoded) / seconds
        print("""
            lossy relay: forwarded \(relay.forwarded), dropped \(relay.dropped), \
            reordered \(relay.reordered); receiver decoded \(r.video.framesDecoded) (\(fps) fps), \
            lost \(r.video.packetsLost), NACKs \(r.video.nacksSent), PLIs \(r.video.keyframeRequestsSent); \
            sender retransmitted \(s.video.retransmissionsSent), keyframes \(s.video.keyframesSent) (requests \(s.video.keyframeRequestsReceived))
            """)
        #expect(relay.dropped > 20, "the relay really lost packets")
        #expect(r.video.nacksSent > 0 && s.video.nacksReceived > 0, "NACKs reached the sender")
        #expect(s.video.retransmissionsSent > 0)
        #expect(fps >= 25)
    }
}
