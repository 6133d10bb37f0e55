import ArgumentParser
import Codecs
import Engine
import Foundation
import MediaCore
import SRTP

/// `callbridge media-loop`: one media leg on one pinned worker that receives H.264 and
/// Opus/G.711, decodes them, and sends them back re-encoded — the unit SIP and the
/// conference engine will drive, runnable on its own against ffmpeg or any RTP peer.
struct MediaLoopCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "media-loop",
        abstract: "Receive RTP/SRTP video+audio, decode, re-encode and send it back.",
        discussion: """
            Example (loopback): callbridge media-loop --video-port 40000 --audio-port 40002 \
            --remote-video-port 41000 --remote-audio-port 41002 --sdp-out peer.sdp
            then send with ffmpeg to 127.0.0.1:40000 (video) / :40002 (audio) and receive with
            `ffmpeg -protocol_whitelist file,udp,rtp -i peer.sdp ...`.
            """)

    @Option(help: "Local host to bind.") var host = "127.0.0.1"
    @Option(help: "Local video RTP port (0: any).") var videoPort: UInt16 = 0
    @Option(help: "Local audio RTP port (0: any).") var audioPort: UInt16 = 0
    @Option(help: "Peer host to send to.") var remoteHost = "127.0.0.1"
    @Option(help: "Peer video port (omit: answer where video comes from).") var remoteVideoPort: UInt16?
    @Option(help: "Peer audio port (omit: answer where audio comes from).") var remoteAudioPort: UInt16?
    @Option(help: "Audio codec: opus, pcmu or pcma.") var audioCodec = "opus"
    @Option(help: "H.264 RTP payload type.") var videoPayloadType: UInt8 = 96
    @Option(help: "Opus RTP payload type.") var opusPayloadType: UInt8 = 111
    @Option(help: "H.264 packetization-mode (0 or 1).") var packetizationMode = 1
    @Option(help: "Width of the picture sent back.") var width = 1280
    @Option(help: "Height of the picture sent back.") var height = 720
    @Option(help: "SRTP AES_CM_128_HMAC_SHA1_80 key||salt, base64 (same key both ways); omit for RTP.") var srtpKey: String?
    @Option(help: "Write an SDP describing the stream sent back (for the receiving peer).") var sdpOut: String?
    @Option(help: "Seconds between periodic keyframes (receivers that never send PLI join at the next one).") var keyframeInterval = 2
    @Option(help: "Stop after this many seconds (0: run until SIGINT/SIGTERM).") var duration = 0.0

    func validate() throws {
        guard ["opus", "pcmu", "pcma"].contains(audioCodec) else { throw ValidationError("--audio-codec must be opus, pcmu or pcma") }
        guard packetizationMode == 0 || packetizationMode == 1 else { throw ValidationError("--packetization-mode must be 0 or 1") }
        guard width % 2 == 0, height % 2 == 0, width >= 16, height >= 16 else { throw ValidationError("--width/--height must be even") }
        if let srtpKey { guard Base64.decode(srtpKey)?.count == 30 else { throw ValidationError("--srtp-key must be 30 bytes of base64") } }
    }

    func run() throws {
        // Line-buffered even into a file or pipe: the progress lines are read while running.
        StandardOutput.lineBuffered()
        let codec: AudioCodec = audioCodec == "pcmu" ? .pcmu : audioCodec == "pcma" ? .pcma : .opus(channels: 2)
        let keys = try srtpKey.map { try SRTPKeyingMaterial(suite: .aesCM128HMACSHA1_80, keyAndSalt: Base64.decode($0)!) }
        let worker = try MediaWorker(.init(index: 0, cpu: CPUAffinity.allowedCPUs().first))
        var config = MediaLegConfiguration(id: 1, cname: "media-loop@callbridge")
        config.localHost = host
        var v = MediaStreamConfiguration(payloadType: videoPayloadType, ssrc: UInt32.random(in: 1...UInt32.max))
        v.localPort = videoPort
        v.remote = remoteVideoPort.flatMap { SocketAddress(host: remoteHost, port: $0) }
        v.inboundKeys = keys
        v.outboundKeys = keys
        var video = VideoStreamConfiguration(stream: v, encoder: H264EncoderConfiguration(
            width: width, height: height, keyframeInterval: max(1, keyframeInterval) * 30))
        video.packetizationMode = packetizationMode == 0 ? .singleNAL : .nonInterleaved
        config.video = video
        var a = MediaStreamConfiguration(payloadType: codec.staticPayloadType ?? opusPayloadType, ssrc: UInt32.random(in: 1...UInt32.max))
        a.localPort = audioPort
        a.remote = remoteAudioPort.flatMap { SocketAddress(host: remoteHost, port: $0) }
        a.inboundKeys = keys
        a.outboundKeys = keys
        config.audio = AudioStreamConfiguration(stream: a, codec: codec)
        let leg = try MediaLeg(config, for: worker)
        worker.start()
        worker.send(.attach(leg))
        print("media-loop: receiving video on \(host):\(leg.videoPort ?? 0), audio on \(host):\(leg.audioPort ?? 0) (rtcp-mux)\(keys == nil ? "" : ", SRTP")")

        if let sdpOut, let rv = remoteVideoPort, let ra = remoteAudioPort {
            let profile = keys == nil ? "RTP/AVP" : "RTP/SAVP"
            let crypto = srtpKey.map { "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\($0)\r\n" } ?? ""
            let audioLines: String
            switch codec {
            case .opus: audioLines = "m=audio \(ra) \(profile) \(opusPayloadType)\r\na=rtpmap:\(opusPayloadType) opus/48000/2\r\n"
            case .pcmu: audioLines = "m=audio \(ra) \(profile) 0\r\na=rtpmap:0 PCMU/8000\r\n"
            case .pcma: audioLines = "m=audio \(ra) \(profile) 8\r\na=rtpmap:8 PCMA/8000\r\n"
            }
            let sdp = "v=0\r\no=- 1 1 IN IP4 \(remoteHost)\r\ns=callbridge media-loop\r\nc=IN IP4 \(remoteHost)\r\nt=0 0\r\n"
                + "m=video \(rv) \(profile) \(videoPayloadType)\r\na=rtpmap:\(videoPayloadType) H264/90000\r\n"
                + "a=fmtp:\(videoPayloadType) packetization-mode=\(packetizationMode)\r\na=rtcp-mux\r\n\(crypto)"
                + audioLines + "a=rtcp-mux\r\n\(crypto)"
            try sdp.write(toFile: sdpOut, atomically: true, encoding: .utf8)
            print("media-loop: wrote \(sdpOut) for the receiving peer")
        }

        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { stop.signal() }
            source.resume()
            sources.append(source)
        }
        let started = Date()
        while stop.wait(timeout: .now() + 1) == .timedOut {
            worker.send(.reportStatistics)
            usleep(50_000)
            while let event = worker.events.pop() {
                if case .statistics(_, let s) = event {
                    print("video in \(s.video.packetsReceived) packets, \(s.video.framesDecoded) decoded / out \(s.video.framesEncoded) encoded; "
                          + "audio in \(s.audio.packetsReceived) packets, \(s.audio.framesDecoded) decoded / out \(s.audio.framesEncoded); "
                          + "drops \(s.video.dropsTotal + s.audio.dropsTotal)")
                }
            }
            if duration > 0 && Date().timeIntervalSince(started) >= duration { break }
        }
        worker.send(.stop)
        worker.join()
        print("media-loop: stopped")
    }
}
