import Codecs
import Engine
import Foundation
import MediaAnalysis
import MediaCore
import SRTP
import Testing

/// Real peer: ffmpeg (Debian's, libx264/libopus) on loopback, both directions, plain and SRTP.
@Suite("ffmpeg interop (real peer)", .serialized)
struct FFmpegInteropTests {
    static let ffmpeg = "/usr/bin/ffmpeg"

    /// ffmpeg → us: testsrc2 720p30 H.264 over RTP (and SRTP). We must decode ≥ 95 % of the
    /// frames, and what we decode must be testsrc2's picture (PSNR ≥ 30 dB against the same
    /// frame rendered by ffmpeg itself).
    @Test("ffmpeg sends 720p H.264, we decode it", arguments: [false, true])
    func ffmpegToUs(srtp: Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let frames = 120
        // Reference pictures, straight from the same generator.
        let reference = dir.appendingPathComponent("ref.yuv")
        let ref = try ExternalProcess(Self.ffmpeg, ["-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                                                    "-frames:v", "\(frames + 30)", "-f", "rawvideo", "-pix_fmt", "yuv420p", reference.path], directory: dir)
        try #require(ref.wait(seconds: 60) == 0, "ffmpeg reference: \(ref.log)")
        let referenceFrames = try readLumaFrames(reference, width: 1280, height: 720)

        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorder = Recorder(keepEvery: 1)
        let keys = srtp ? try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80) : nil
        var config = MediaLegConfiguration(id: 10)
        var stream = MediaStreamConfiguration(payloadType: 96, ssrc: 0xABCD)
        stream.inboundKeys = keys
        var video = VideoStreamConfiguration(stream: stream, encoder: .hd720p())
        video.source = .none
        config.video = video
        let leg = try MediaLeg(config, for: harness.worker, videoSink: recorder.videoSink)
        try harness.attach(leg)
        let port = try #require(leg.videoPort)

        var arguments = ["-hide_banner", "-loglevel", "error", "-re", "-f", "lavfi", "-i", "testsrc2=size=1280x720:rate=30",
                         "-frames:v", "\(frames)", "-an", "-c:v", "libx264", "-preset", "veryfast", "-tune", "zerolatency",
                         "-b:v", "3M", "-pix_fmt", "yuv420p", "-f", "rtp"]
        if let keys {
            arguments += ["-srtp_out_suite", "AES_CM_128_HMAC_SHA1_80", "-srtp_out_params", Base64.encode(keys.keyAndSalt),
                          "srtp://127.0.0.1:\(port)?rtcpport=\(port)&pkt_size=1200"]
        } else {
            arguments.append("rtp://127.0.0.1:\(port)?rtcpport=\(port)&pkt_size=1200")
        }
        let sender = try ExternalProcess(Self.ffmpeg, arguments, directory: dir)
        #expect(sender.wait(seconds: 30) == 0, "ffmpeg sender: \(sender.log)")
        // The last frames may still be on their way through the worker: wait until decoding
        // stops (at most 3 s) instead of a fixed pause.
        var settled = recorder.decodedFrames
        for _ in 0..<30 {
            runFor(seconds: 0.1)
            let now = recorder.decodedFrames
            if now >= frames || (now == settled && now > 0) { break }
            settled = now
        }
        runFor(seconds: 0.2)
        let stats = try #require(harness.statistics(legID: 10))
        let pictures = recorder.recordedPictures
        print("ffmpeg → us (\(srtp ? "SRTP" : "RTP")): \(pictures.count)/\(frames) pictures decoded, \(stats.video.packetsReceived) packets, drops \(stats.video.drops)")
        let decodedIndices = Set(pictures.map { Int(($0.timestamp &- (pictures.first?.timestamp ?? 0)) / 3000) })
        print("missing frame indices: \((0..<frames).filter { !decodedIndices.contains($0) }), keyframes requested \(stats.video.keyframeRequestsSent), received \(stats.video.keyframesReceived)")
        #expect(pictures.count * 100 >= frames * 95)
        #expect(stats.video.dropsTotal == 0)

        // Match by RTP timestamp: frame n is first timestamp + n × 3000.
        let first = try #require(pictures.first)
        var worst = Double.infinity
        var checked = 0
        for picture in pictures where picture.width == 1280 {
            let index = Int((picture.timestamp &- first.timestamp) / 3000)
            guard index < referenceFrames.count else { continue }
            worst = min(worst, lumaPSNR(picture.luma, referenceFrames[index]))
            checked += 1
        }
        print("decoded vs testsrc2: worst luma PSNR \(worst) dB over \(checked) frames")
        #expect(checked >= 100)
        #expect(worst >= 30)
    }

    /// us → ffmpeg: our leg sends its synthetic picture (H.264) and a 1 kHz tone (Opus) to
    /// ffmpeg reading an SDP file we write; ffmpeg decodes to raw files; PSNR and FFT checks.
    @Test("we send H.264 + Opus, ffmpeg decodes it", arguments: [false, true])
    func usToFFmpeg(srtp: Bool) throws {
        let dir = try temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: dir) }
        let videoPort = freeUDPPort(), audioPort = freeUDPPort()
        let keys = srtp ? try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80) : nil
        let crypto = keys.map { "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Base64.encode($0.keyAndSalt))\r\n" } ?? ""
        let profile = srtp ? "RTP/SAVP" : "RTP/AVP"
        let sdp = """
        v=0\r
        o=- 1 1 IN IP4 127.0.0.1\r
        s=callbridge test\r
        c=IN IP4 127.0.0.1\r
        t=0 0\r
        m=video \(videoPort) \(profile) 96\r
        a=rtpmap:96 H264/90000\r
        a=fmtp:96 packetization-mode=1\r
        a=rtcp-mux\r
        \(crypto)m=audio \(audioPort) \(profile) 111\r
        a=rtpmap:111 opus/48000/2\r
        a=rtcp-mux\r
        \(crypto)
        """
        let sdpURL = dir.appendingPathComponent("leg.sdp")
        try sdp.write(to: sdpURL, atomically: true, encoding: .utf8)
        let videoOut = dir.appendingPathComponent("video.yuv"), audioOut = dir.appendingPathComponent("audio.pcm")
        let receiver = try ExternalProcess(Self.ffmpeg, [
            "-hide_banner", "-loglevel", "error", "-protocol_whitelist", "file,udp,rtp,srtp,crypto", "-reorder_queue_size", "0",
            "-i", sdpURL.path, "-t", "4",
            "-map", "0:v", "-fps_mode", "passthrough", "-f", "rawvideo", "-pix_fmt", "yuv420p", videoOut.path,
            "-map", "0:a", "-f", "s16le", "-ac", "1", "-ar", "48000", audioOut.path,
        ], directory: dir)
        runFor(seconds: 1.0)   // let ffmpeg open its ports

        let harness = try WorkerHarness()
        defer { harness.stop() }
        var config = MediaLegConfiguration(id: 20)
        var v = MediaStreamConfiguration(payloadType: 96, ssrc: 0x5151)
        v.remote = SocketAddress(host: "127.0.0.1", port: videoPort)
        v.outboundKeys = keys
        var video = VideoStreamConfiguration(stream: v, encoder: H264EncoderConfiguration(width: 640, height: 360, bitrate: 1_500_000, keyframeInterval: 30))
        video.source = .synthetic(toneHz: 0)
        config.video = video
        var a = MediaStreamConfiguration(payloadType: 111, ssrc: 0x5252)
        a.remote = SocketAddress(host: "127.0.0.1", port: audioPort)
        a.outboundKeys = keys
        var audio = AudioStreamConfiguration(stream: a, codec: .opus(channels: 2))
        audio.source = .synthetic(toneHz: 1000)
        config.audio = audio
        let leg = try MediaLeg(config, for: harness.worker)
        try harness.attach(leg)
        _ = receiver.wait(seconds: 20)
        harness.stop()

        let frames = try readLumaFrames(videoOut, width: 640, height: 360)
        print("us → ffmpeg (\(srtp ? "SRTP" : "RTP")): ffmpeg decoded \(frames.count) pictures; log: \(receiver.log.prefix(300))")
        #expect(frames.count >= 60)
        // Our synthetic source is deterministic: find each picture's source frame nearby.
        let source = SyntheticVideoSource(width: 640, height: 360)
        let reference = try VideoFrame(width: 640, height: 360)
        func luma(_ index: Int) -> [UInt8] {
            source.render(frame: index, into: reference)
            var plane = [UInt8](repeating: 0, count: 640 * 360)
            reference.withPlane(0) { p in for y in 0..<360 { for x in 0..<640 { plane[y * 640 + x] = p[x, y] } } }
            return plane
        }
        var offset = 0, best = 0.0
        if let firstFrame = frames.first {
            for candidate in 0..<90 {
                let psnr = lumaPSNR(firstFrame, luma(candidate))
                if psnr > best { best = psnr; offset = candidate }
            }
        }
        var worst = Double.infinity
        for (i, frame) in frames.enumerated() where i % 10 == 0 {
            var match = 0.0
            for candidate in max(0, offset + i - 3)...(offset + i + 3) { match = max(match, lumaPSNR(frame, luma(candidate))) }
            worst = min(worst, match)
        }
        print("ffmpeg's pictures vs our source: worst PSNR \(worst) dB")
        #expect(worst >= 30)

        let pcm = try Data(contentsOf: audioOut)
        let samples = pcm.withUnsafeBytes { Array($0.bindMemory(to: Int16.self)) }
        #expect(samples.count > 48_000)
        let tone = ToneAnalysis.analyse(Array(samples.suffix(16_384)), sampleRate: 48_000)
        print("ffmpeg hears: \(tone)")
        #expect(abs(tone.peakFrequency - 1000) < 20)
        #expect(tone.signalToNoiseDB >= 20)
    }
}
