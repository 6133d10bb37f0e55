import Codecs
import Control
import Engine
import Foundation
import MediaAnalysis
import MediaCore
import SDP
import Synchronization

/// When each leg last sent each frame of its loop (media clock), for the stamps.
final class SendLog: Sendable {
    private let times = Mutex<[Int: [Int64]]>([:])

    func record(leg: Int, frame: Int, at now: Int64) {
        times.withLock { all in
            if all[leg] == nil { all[leg] = [Int64](repeating: 0, count: 64) }
            if frame < 64 { all[leg]![frame] = now }
        }
    }

    func sentAt(leg: Int, frame: Int) -> Int64? {
        times.withLock { all in all[leg].flatMap { frame < $0.count && $0[frame] > 0 ? $0[frame] : nil } }
    }
}

/// What a sampled leg's sinks saw (written on a media worker, read by the run).
final class LegProbe: Sendable {
    let index: Int
    let sendLog: SendLog
    /// How many legs are up (others' stamps are read up to this index).
    let legCount = Mutex<Int>(0)
    /// Milliseconds from a stamped frame leaving its sender to this leg decoding a picture
    /// that shows it (bridge jitter buffer, decode, composition slot, encode, our receive).
    let latencies = Mutex<[Double]>([])

    init(index: Int, sendLog: SendLog) {
        self.index = index
        self.sendLog = sendLog
    }
    /// Marker census of the last checked picture (every 15th decoded one).
    let census = Mutex<[Int]?>(nil)
    let pictures = Mutex<Int>(0)
    let pictureSize = Mutex<(Int, Int)>((0, 0))
    /// The last 2 s of what the leg heard (mono) and its sample rate.
    let audio = Mutex<[Int16]>([])
    let sampleRate = Mutex<Int>(48_000)

    /// Raw 4:2:0 pictures of what this leg receives, written once it is in steady state:
    /// the capacity benchmark encodes exactly this content for its x264 ceiling.
    let recording = Mutex<(handle: FileHandle, skip: Int, remaining: Int)?>(nil)

    func record(to path: String, frames: Int) throws {
        FileManager.default.createFile(atPath: path, contents: nil)
        let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        recording.withLock { $0 = (handle, 90, frames) }
    }

    private func write(_ frame: VideoFrame) {
        recording.withLock { state in
            guard var current = state else { return }
            if current.skip > 0 { current.skip -= 1; state = current; return }
            var bytes = Data(capacity: frame.width * frame.height * 3 / 2)
            for plane in 0..<3 {
                frame.withPlane(plane) { p in
                    for row in 0..<p.height { bytes.append(UnsafeBufferPointer(p.row(row))) }
                }
            }
            current.handle.write(bytes)
            current.remaining -= 1
            if current.remaining <= 0 { try? current.handle.close(); state = nil } else { state = current }
        }
    }

    var videoSink: @Sendable (VideoFrame, UInt32) -> Void {
        { frame, _ in
            self.write(frame)
            let n = self.pictures.withLock { $0 += 1; return $0 }
            guard n % 15 == 0 else { return }
            let counts = LoadMarker.census(frame)
            self.census.withLock { $0 = counts }
            self.pictureSize.withLock { $0 = (frame.width, frame.height) }
            self.measureLatency(frame, census: counts)
        }
    }

    /// Reads every other leg's stamp in the picture and how long ago that frame was sent.
    private func measureLatency(_ frame: VideoFrame, census: [Int]) {
        let now = MediaClock.nowNanoseconds()
        let legs = legCount.withLock { $0 }
        guard legs <= LoadMarker.distinguishableLegs else { return }
        for other in 0..<legs where other != index && census[other % LoadMarker.palette.count] >= 40 {
            guard let stamp = LoadMarker.readStamp(frame, leg: other), let sent = sendLog.sentAt(leg: other, frame: stamp) else { continue }
            let milliseconds = Double(now - sent) / 1e6
            // A stamp repeats every second: only a sane reading counts.
            if milliseconds > 0 && milliseconds < 1000 { latencies.withLock { $0.append(milliseconds) } }
        }
    }

    var audioSink: @Sendable (UnsafeBufferPointer<Int16>, Int, Int) -> Void {
        { pcm, rate, channels in
            self.sampleRate.withLock { $0 = rate }
            self.audio.withLock { all in
                for i in stride(from: 0, to: pcm.count, by: channels) { all.append(pcm[i]) }
                if all.count > 4 * rate { all.removeFirst(all.count - 2 * rate) }
            }
        }
    }
}

/// One load leg: its SIP dialog, its media leg on the tool's engine, and its counters.
final class LoadLeg {
    let index: Int
    let sampled: Bool
    let probe: LegProbe
    var dialog: SIPCaller.Dialog?
    var legID: Int { 1_000 + index }
    var joinedAt: Double = 0
    /// Video access units received at the last sample, and when.
    var lastFrames = 0
    var lastSampleAt: Double = 0
    var holdStartFrames = 0
    var holdStartAt: Double = 0
    var latest: MediaLegStatistics?
    /// Delivered frame rate over the last measurement window.
    var fps = 0.0

    init(index: Int, sampled: Bool, sendLog: SendLog) {
        self.index = index
        self.sampled = sampled
        probe = LegProbe(index: index, sendLog: sendLog)
    }

    /// The offer for this leg: our ports, the codecs asked for, and the H.264 level that asks
    /// the bridge for `resolution` (the bridge sizes each leg from the endpoint's level).
    static func local(reservation: PortReservation, options: LoadOptions) -> SDPLocalCapabilities {
        var local = SDPLocalCapabilities(address: options.host, audioPort: reservation.audioPort,
                                         videoPort: options.video ? reservation.videoPort : nil)
        local.audioCodecs = [options.audio.sdpCodec]
        local.telephoneEvent = false
        local.encryption = options.srtp ? .required : .prohibited
        local.video.maxLevel = options.resolution.level
        return local
    }

    /// The media leg for an answered call.
    func configuration(session: NegotiatedSession, local: SDPLocalCapabilities, loop: EncodedVideoLoop?,
                       options: LoadOptions) -> MediaLegConfiguration {
        var config = MediaLegConfiguration(id: legID, cname: "load\(index)@callbridge-load")
        config.localHost = options.host
        if let v = session.video, let loop {
            var stream = CallController.streamConfiguration(v, ssrc: UInt32(0x2000_0000 + 2 * index))
            stream.localPort = local.videoPort ?? 0
            let size = options.resolution.size
            var video = VideoStreamConfiguration(stream: stream, encoder: H264EncoderConfiguration(width: size.width, height: size.height))
            video.packetizationMode = v.video?.packetizationMode == .singleNAL ? .singleNAL : .nonInterleaved
            video.source = .encodedLoop(loop)
            video.decodes = sampled
            config.video = video
        }
        if let a = session.audio {
            var stream = CallController.streamConfiguration(a, ssrc: UInt32(0x2000_0001 + 2 * index))
            stream.localPort = local.audioPort ?? 0
            let codec: AudioCodec = a.codec == .pcmu ? .pcmu : a.codec == .pcma ? .pcma : .opus(channels: 2)
            var audio = AudioStreamConfiguration(stream: stream, codec: codec)
            audio.source = .synthetic(toneHz: LoadMarker.tone(forLeg: index))
            config.audio = audio
        }
        return config
    }
}

/// A sampled leg's verdict: the others' markers and tones present, its own absent.
struct LegCheck: Codable {
    var leg: Int
    var picturesDecoded: Int
    var width: Int
    var height: Int
    var markersVerified: Bool?
    var missingMarkers: [String]
    var ownMarkerSeen: Bool
    var tonesVerified: Bool?
    var missingTones: [Double]
    var ownToneHeard: Bool

    static func evaluate(_ leg: LoadLeg, legs: Int) -> LegCheck {
        let census = leg.probe.census.withLock { $0 }
        let size = leg.probe.pictureSize.withLock { $0 }
        var check = LegCheck(leg: leg.index, picturesDecoded: leg.probe.pictures.withLock { $0 }, width: size.0, height: size.1,
                             markersVerified: nil, missingMarkers: [], ownMarkerSeen: false,
                             tonesVerified: nil, missingTones: [], ownToneHeard: false)
        if let census, legs <= LoadMarker.distinguishableLegs {
            // A marker is a third of its sender's picture height, square: even in a 5×5 grid
            // it covers hundreds of chroma samples (counted on every other one).
            let present = { (i: Int) in census[i % LoadMarker.palette.count] >= 40 }
            for other in 0..<legs where other != leg.index && !present(other) {
                check.missingMarkers.append(LoadMarker.palette[other % LoadMarker.palette.count].name)
            }
            check.ownMarkerSeen = census[leg.index % LoadMarker.palette.count] >= 10
            check.markersVerified = check.missingMarkers.isEmpty && !check.ownMarkerSeen
        }
        let heard = leg.probe.audio.withLock { Array($0.suffix(2 * leg.probe.sampleRate.withLock { $0 })) }
        let rate = leg.probe.sampleRate.withLock { $0 }
        // The bridge mixes the loudest four: with more legs only some others are heard.
        if heard.count >= rate, legs <= 5 {
            for other in 0..<legs where other != leg.index {
                let tone = LoadMarker.tone(forLeg: other)
                if ToneAnalysis.level(of: tone, in: heard, sampleRate: rate) < -35 { check.missingTones.append(tone) }
            }
            check.ownToneHeard = ToneAnalysis.level(of: LoadMarker.tone(forLeg: leg.index), in: heard, sampleRate: rate) > -40
            check.tonesVerified = check.missingTones.isEmpty && !check.ownToneHeard
        }
        return check
    }
}
