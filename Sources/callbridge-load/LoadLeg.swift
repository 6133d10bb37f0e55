import Codecs
import Control
import Engine
import Foundation
import MediaAnalysis
import MediaCore
import SDP
import Synchronization

/// What a sampled leg's sinks saw (written on a media worker, read by the run).
final class LegProbe: Sendable {
    /// Marker census of the last checked picture (every 15th decoded one).
    let census = Mutex<[Int]?>(nil)
    let pictures = Mutex<Int>(0)
    let pictureSize = Mutex<(Int, Int)>((0, 0))
    /// The last 2 s of what the leg heard (mono) and its sample rate.
    let audio = Mutex<[Int16]>([])
    let sampleRate = Mutex<Int>(48_000)

    var videoSink: @Sendable (VideoFrame, UInt32) -> Void {
        { frame, _ in
            let n = self.pictures.withLock { $0 += 1; return $0 }
            guard n % 15 == 0 else { return }
            let counts = LoadMarker.census(frame)
            self.census.withLock { $0 = counts }
            self.pictureSize.withLock { $0 = (frame.width, frame.height) }
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
    let probe = LegProbe()
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

    init(index: Int, sampled: Bool) {
        self.index = index
        self.sampled = sampled
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
