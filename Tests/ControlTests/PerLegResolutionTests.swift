import Codecs
import Control
import Engine
import Foundation
import MediaCore
import SDP
import Synchronization
import Testing

/// The first decoded picture's size at an endpoint (its SPS), written on the worker thread.
final class FirstPictureProbe: Sendable {
    private let size = Mutex<(Int, Int)?>(nil)
    var sink: @Sendable (VideoFrame, UInt32) -> Void {
        { frame, _ in self.size.withLock { if $0 == nil { $0 = (frame.width, frame.height) } } }
    }
    var first: (width: Int, height: Int)? { size.withLock { $0 } }
}

@Suite("Per-leg resolution in one space", .serialized)
struct PerLegResolutionTests {
    /// Three endpoints in one space offer H.264 levels 4.0, 3.1 and 3.0: each is sent its own
    /// picture size, 1080p, 720p and 480p (the size in the SPS of what it decodes).
    @Test func levelsFourThreeOneAndThreeGetTheirOwnResolution() throws {
        let engine = try MediaEngine(workerCount: 1)
        defer { engine.shutdown() }
        let controller = CallController(engine: engine, spaces: SpaceDirectory(SpaceDirectory.defaultSpaces), mediaAddress: "127.0.0.1")
        let endpoints = try MediaWorker(.init(index: 9, cpu: nil))
        endpoints.start()
        defer { endpoints.send(.stop); endpoints.join() }
        let levels = [("42e028", 1920, 1080), ("42e01f", 1280, 720), ("42e01e", 848, 480)]
        var probes: [FirstPictureProbe] = []
        for (i, (level, _, _)) in levels.enumerated() {
            // The endpoint's own sockets first: its offer names their ports.
            var endpoint = MediaLegConfiguration(id: 900 + i)
            var audio = AudioStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 111, ssrc: UInt32(910 + i)), codec: .opus(channels: 2))
            audio.source = .synthetic(toneHz: 440)
            endpoint.audio = audio
            var video = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(920 + i)),
                                                 encoder: H264EncoderConfiguration(width: 320, height: 180, bitrate: 200_000))
            video.source = .solid(red: 200, green: 50, blue: UInt8(80 * i), toneHz: 0)
            endpoint.video = video
            let probe = FirstPictureProbe()
            probes.append(probe)
            let leg = try MediaLeg(endpoint, for: endpoints, videoSink: probe.sink)
            let offer = "v=0\r\no=- \(i) 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
                + "m=audio \(try #require(leg.audioPort)) RTP/AVP 111\r\na=rtpmap:111 opus/48000/2\r\na=rtcp-mux\r\na=sendrecv\r\n"
                + "m=video \(try #require(leg.videoPort)) RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n"
                + "a=fmtp:96 packetization-mode=1;profile-level-id=\(level)\r\na=rtcp-mux\r\na=rtcp-fb:96 nack pli\r\na=sendrecv\r\n"
            let answer = try controller.join(user: "1000", displayName: "E\(i)", offer: offer).get()
            let sdp = try SessionDescription(parsing: answer.sdp)
            // Point the endpoint at the bridge leg's ports from the answer.
            endpoints.send(.attach(leg))
            endpoints.send(.update(legID: leg.id, MediaLegUpdate(
                video: MediaStreamUpdate(remote: SocketAddress(host: "127.0.0.1", port: sdp.media[1].port)),
                audio: MediaStreamUpdate(remote: SocketAddress(host: "127.0.0.1", port: sdp.media[0].port)))))
        }
        let deadline = Date().addingTimeInterval(10)
        while probes.contains(where: { $0.first == nil }) && Date() < deadline { usleep(50_000) }
        for (i, (level, width, height)) in levels.enumerated() {
            let size = try #require(probes[i].first, "endpoint \(i) decoded a picture")
            print("profile-level-id \(level): receives \(size.width)x\(size.height)")
            #expect(size.width == width && size.height == height)
        }
    }
}
