import Codecs
import Engine
import Foundation
import MediaCore
import Mixer
import Testing

@Suite("Overload: graceful degradation on one worker", .serialized)
struct OverloadTests {
    /// One worker owns twelve 720p30 legs of one space (allEqual: each composes the other
    /// eleven and encodes its own picture), far more than one core encodes at 30 fps. The
    /// worker must shed frame rate and then picture size instead of falling behind: every
    /// endpoint (on a second worker) still decodes ≥ 15 fps and no leg is dropped.
    @Test func moreLegsThanOneCoreEncodesStillGetFifteenFramesPerSecond() throws {
        let cpus = CPUAffinity.allowedCPUs()
        let room = try MediaWorker(.init(index: 0, cpu: cpus.first))
        let endpoints = try MediaWorker(.init(index: 1, cpu: cpus.count > 1 ? cpus[1] : nil))
        room.start()
        endpoints.start()
        defer {
            for worker in [room, endpoints] { worker.send(.stop); worker.join() }
        }
        let count = 12
        var recorders: [Recorder] = []
        for i in 0..<count {
            var config = MediaLegConfiguration(id: 500 + i)
            config.spaceID = 7
            config.displayName = "P\(i)"
            var video = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(500 + i)),
                                                 encoder: .hd720p())
            video.source = .conference
            config.video = video
            let roomLeg = try MediaLeg(config, for: room)
            var endpoint = MediaLegConfiguration(id: 600 + i)
            var stream = MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(600 + i))
            stream.remote = SocketAddress(host: "127.0.0.1", port: try #require(roomLeg.videoPort))
            var endpointVideo = VideoStreamConfiguration(stream: stream, encoder: H264EncoderConfiguration(width: 320, height: 180, bitrate: 200_000))
            let shade = UInt8(20 * i)
            endpointVideo.source = .solid(red: shade, green: 255 &- shade, blue: 128, toneHz: 0)
            endpoint.video = endpointVideo
            let recorder = Recorder(keepEvery: 1_000_000)
            recorders.append(recorder)
            let endpointLeg = try MediaLeg(endpoint, for: endpoints, videoSink: recorder.videoSink)
            room.send(.attach(roomLeg))
            endpoints.send(.attach(endpointLeg))
        }
        // Let the governor settle (it moves one level per second), then measure 4 s.
        var levels: [Int] = []
        for _ in 0..<8 {
            runFor(seconds: 1)
            levels.append(room.degradation)
        }
        let before = recorders.map(\.decodedFrames)
        runFor(seconds: 4)
        let after = recorders.map(\.decodedFrames)
        let rates = zip(before, after).map { Double($1 - $0) / 4 }
        print("overload: 12 × 720p legs on one worker: load \(Int(room.load * 100)) %, degradation levels by second \(levels), "
              + "received fps per leg \(rates.map { Int($0.rounded()) })")
        #expect(levels.contains { $0 > 0 }, "the worker degraded")
        for (i, frames) in zip(before, after).enumerated() {
            // 15 fps over 4 s, less at most one frame of measurement phase.
            #expect(frames.1 - frames.0 >= 59, "leg \(i) received \(frames.1 - frames.0) frames in 4 s")
        }
    }
}
