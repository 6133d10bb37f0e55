import Codecs
import Engine
import MediaAnalysis
import MediaCore
import RTP
import SRTP
import Testing

@Suite("MediaLeg on a worker (real sockets on loopback)", .serialized)
struct MediaLegTests {
    static func legConfiguration(id: Int, source: MediaSendSource, remoteVideo: UInt16?, remoteAudio: UInt16?,
                                 codec: AudioCodec = .opus(channels: 1), mode: H264PacketizationMode = .nonInterleaved,
                                 keys: (SRTPKeyingMaterial, SRTPKeyingMaterial)? = nil, rtcpMux: Bool = true) -> MediaLegConfiguration {
        var config = MediaLegConfiguration(id: id, cname: "leg\(id)@test")
        var v = MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(0x1000 + id))
        v.remote = remoteVideo.flatMap { SocketAddress(host: "127.0.0.1", port: $0) }
        v.inboundKeys = keys?.0
        v.outboundKeys = keys?.1
        v.rtcpMux = rtcpMux
        var video = VideoStreamConfiguration(stream: v, encoder: H264EncoderConfiguration(width: 640, height: 360, bitrate: 1_000_000))
        video.source = source
        video.packetizationMode = mode
        config.video = video
        var a = MediaStreamConfiguration(payloadType: codec.staticPayloadType ?? 111, ssrc: UInt32(0x2000 + id))
        a.remote = remoteAudio.flatMap { SocketAddress(host: "127.0.0.1", port: $0) }
        a.inboundKeys = keys?.0
        a.outboundKeys = keys?.1
        a.rtcpMux = rtcpMux
        var audio = AudioStreamConfiguration(stream: a, codec: codec)
        audio.source = source == .loopback ? .loopback : .synthetic(toneHz: 1000)
        config.audio = audio
        return config
    }

    /// Leg A sends a synthetic picture and a 1 kHz tone to leg B, which sends back what it
    /// decodes (re-encoded). Both directions must carry real video and audio.
    @Test("two legs exchange video and audio", arguments: [
        (AudioCodec.opus(channels: 1), H264PacketizationMode.nonInterleaved, false),
        (AudioCodec.pcmu, H264PacketizationMode.singleNAL, false),
        (AudioCodec.opus(channels: 1), H264PacketizationMode.nonInterleaved, true),
        (AudioCodec.pcma, H264PacketizationMode.nonInterleaved, false),
    ])
    func twoLegsExchangeMedia(codec: AudioCodec, mode: H264PacketizationMode, srtp: Bool) throws {
        // The PCMA case also runs RTCP on separate ports (RTP even, RTCP = RTP + 1).
        let rtcpMux = codec != .pcma
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let keys: (SRTPKeyingMaterial, SRTPKeyingMaterial)? = srtp
            ? (try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80), try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80))
            : nil
        let atB = Recorder(keepEvery: 10), atA = Recorder(keepEvery: 10)
        let b = try MediaLeg(Self.legConfiguration(id: 2, source: .loopback, remoteVideo: nil, remoteAudio: nil, codec: codec, mode: mode,
                                                   keys: keys.map { ($0.0, $0.1) }, rtcpMux: rtcpMux),
                             for: harness.worker, videoSink: atB.videoSink, audioSink: atB.audioSink)
        let a = try MediaLeg(Self.legConfiguration(id: 1, source: .synthetic(toneHz: 1000), remoteVideo: b.videoPort, remoteAudio: b.audioPort,
                                                   codec: codec, mode: mode, keys: keys.map { ($0.1, $0.0) }, rtcpMux: rtcpMux),
                             for: harness.worker, videoSink: atA.videoSink, audioSink: atA.audioSink)
        try harness.attach(b)
        try harness.attach(a)
        runFor(seconds: 3)
        let statsB = try #require(harness.statistics(legID: 2))
        let statsA = try #require(harness.statistics(legID: 1))
        print("B received \(statsB.video.framesDecoded) pictures, \(statsB.audio.framesDecoded) audio frames; A received back \(statsA.video.framesDecoded) pictures; drops B \(statsB.video.drops) \(statsB.audio.drops)")
        #expect(statsB.video.framesDecoded >= 75, "about 30 fps for 3 s")
        #expect(statsA.video.framesDecoded >= 60, "the loop comes back")
        #expect(statsB.audio.framesDecoded >= 120)
        #expect(statsB.video.dropsTotal == 0 && statsB.audio.dropsTotal == 0)
        #expect(statsB.video.rtcpReceived > 0 && statsA.video.rtcpReceived > 0, "RTCP reports flow both ways")
        #expect(statsB.audio.rtcpReceived > 0 && statsA.audio.rtcpReceived > 0)
        if !rtcpMux { #expect(b.videoRTCPPort == b.videoPort.map { $0 + 1 }, "separate RTCP on RTP + 1") }

        // The picture B decoded is A's synthetic source: find the best-matching source frame.
        let source = SyntheticVideoSource(width: 640, height: 360)
        let reference = try VideoFrame(width: 640, height: 360)
        let pictures = atB.recordedPictures
        let first = try #require(pictures.first)
        var worst = Double.infinity
        for picture in pictures.suffix(5) {
            let index = Int((picture.timestamp &- first.timestamp) / 3000) + 9   // keepEvery 10: first kept is frame 9
            var best = 0.0
            for candidate in max(0, index - 4)...(index + 4) {
                source.render(frame: candidate, into: reference)
                best = max(best, lumaPSNR(picture, reference))
            }
            worst = min(worst, best)
        }
        print("B's decoded pictures vs A's source: worst PSNR \(worst) dB")
        #expect(worst >= 30)

        let tone = ToneAnalysis.analyse(Array(atB.recordedSamples.suffix(8192)), sampleRate: codec.clockRate, maximumWindow: 4096)
        print("B hears: \(tone)")
        #expect(abs(tone.peakFrequency - 1000) < 20)
        #expect(tone.signalToNoiseDB >= 20)
    }
}

func lumaPSNR(_ picture: Recorder.Picture, _ frame: VideoFrame) -> Double {
    var error = 0.0
    frame.withPlane(0) { p in
        for y in 0..<picture.height {
            for x in 0..<picture.width {
                let d = Double(Int(picture.luma[y * picture.width + x]) - Int(p[x, y]))
                error += d * d
            }
        }
    }
    return PSNR.fromMeanSquaredError(error / Double(picture.width * picture.height))
}
