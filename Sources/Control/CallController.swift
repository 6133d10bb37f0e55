import Codecs
import Engine
import Foundation
import MediaCore
import Mixer
import RTP
import SDP
import Synchronization

/// The one API signalling (SIP today, the admin API and C API later) uses to put calls into
/// spaces: resolve the dialled URI, negotiate media, build the leg on the right worker,
/// answer, hang up. Thread-safe; control plane only.
public final class CallController: Sendable {
    public struct Answer: Sendable {
        public var legID: Int
        public var space: Space
        /// Serialized SDP answer (CRLF lines).
        public var sdp: String
        public var session: NegotiatedSession
    }

    public enum Rejection: Error, Sendable, Equatable {
        case notFound(String)
        case notAcceptable(String)
        case serverError(String)
        case busy(String)

        /// SIP status code and reason phrase.
        public var status: (code: Int, reason: String) {
            switch self {
            case .notFound: return (404, "Not Found")
            case .notAcceptable: return (488, "Not Acceptable Here")
            case .serverError: return (500, "Server Internal Error")
            case .busy: return (503, "Service Unavailable")
            }
        }

        public var detail: String {
            switch self {
            case .notFound(let s), .notAcceptable(let s), .serverError(let s), .busy(let s): return s
            }
        }
    }

    public let engine: MediaEngine
    public let spaces: SpaceDirectory
    /// The address we advertise in SDP: the one media sockets really bind.
    public let mediaAddress: String
    public let maximumLegs: Int
    /// Highest picture we send any leg (CMS `qualityMain`; max720p30 by default here).
    public let maximumSendHeight: Int
    private let nextLegID = Atomic<Int>(1)
    private struct LegRecord: Sendable { var space: Space; var origin: SDPOrigin }
    private let legs = Mutex<[Int: LegRecord]>([:])

    public init(engine: MediaEngine, spaces: SpaceDirectory, mediaAddress: String, maximumLegs: Int = 1000,
                maximumSendHeight: Int = 720) {
        self.maximumSendHeight = maximumSendHeight
        self.engine = engine
        self.spaces = spaces
        self.mediaAddress = mediaAddress
        self.maximumLegs = maximumLegs
    }

    public var activeLegs: Int { legs.withLock { $0.count } }

    /// Answers an INVITE's offer for `user` (the Request-URI user part).
    public func join(user: String, displayName: String, offer sdp: String) -> Result<Answer, Rejection> {
        guard let space = spaces.resolve(user: user) else { return .failure(.notFound("no space with URI '\(user)'")) }
        guard activeLegs < maximumLegs else { return .failure(.busy("the bridge is at its leg limit (\(maximumLegs))")) }
        let offer: SessionDescription
        do { offer = try SessionDescription(parsing: sdp) } catch {
            return .failure(.notAcceptable("malformed SDP: \(error)"))
        }
        var local = SDPLocalCapabilities(address: mediaAddress, audioPort: 9, videoPort: 9)
        local.encryption = space.mediaEncryption
        let legID = nextLegID.add(1, ordering: .relaxed).oldValue
        let origin = SDPOrigin(sessionID: String(UInt64.random(in: 1...UInt64(Int64.max))), sessionVersion: 1, address: mediaAddress)
        let answer: SDPAnswer
        do { answer = try SDPNegotiator.answer(offer: offer, local: local, origin: origin) } catch {
            return .failure(error.sipStatusCode == 488 ? .notAcceptable(error.description) : .serverError(error.description))
        }
        let worker = engine.workerFor(space: space.id)
        let leg: MediaLeg
        do { leg = try MediaLeg(Self.legConfiguration(id: legID, space: space, displayName: displayName,
                                                      session: answer.session, host: mediaAddress,
                                                      maximumHeight: maximumSendHeight), for: worker) } catch {
            return .failure(.serverError("could not set up media: \(error)"))
        }
        // The answer was built before the sockets existed: put their ports in.
        var description = answer.description
        for stream in answer.session.streams {
            let port = stream.kind == .video ? leg.videoPort : leg.audioPort
            if let port { description.media[stream.mediaIndex].port = port }
        }
        legs.withLock { $0[legID] = LegRecord(space: space, origin: origin) }
        engine.attach(leg, on: worker)
        return .success(Answer(legID: legID, space: space, sdp: description.serialized(), session: answer.session))
    }

    public func hangUp(legID: Int) {
        guard legs.withLock({ $0.removeValue(forKey: legID) }) != nil else { return }
        engine.detach(legID: legID)
    }

    static func legConfiguration(id: Int, space: Space, displayName: String, session: NegotiatedSession, host: String,
                                 maximumHeight: Int) -> MediaLegConfiguration {
        var config = MediaLegConfiguration(id: id, cname: "leg\(id)@callbridge")
        config.localHost = host
        config.spaceID = space.id
        config.displayName = displayName
        config.layout = space.defaultLayout
        config.participantLabels = space.participantLabels
        if let v = session.video {
            var stream = streamConfiguration(v, ssrc: UInt32(truncatingIfNeeded: id &* 2 &+ 0x1000_0000))
            stream.localPort = 0
            let info = v.video
            // What the endpoint can decode (H.264 level, max-fs), capped by our quality limit.
            var width = info?.maxWidth ?? 1280, height = info?.maxHeight ?? 720
            if height > maximumHeight {
                width = (width * maximumHeight / height) & ~1
                height = maximumHeight
            }
            var video = VideoStreamConfiguration(stream: stream, encoder: H264EncoderConfiguration(
                width: width, height: height, framesPerSecond: min(30, info?.maxFrameRate ?? 30)))
            video.packetizationMode = info?.packetizationMode == .singleNAL ? .singleNAL : .nonInterleaved
            video.source = .conference
            config.video = video
        }
        if let a = session.audio {
            let stream = streamConfiguration(a, ssrc: UInt32(truncatingIfNeeded: id &* 2 &+ 0x1000_0001))
            let codec: AudioCodec
            switch a.codec {
            case .pcmu: codec = .pcmu
            case .pcma: codec = .pcma
            default: codec = .opus(channels: 2)
            }
            var audio = AudioStreamConfiguration(stream: stream, codec: codec)
            audio.telephoneEventPayloadType = a.telephoneEventPayloadType
            audio.source = .conference
            config.audio = audio
        }
        return config
    }

    static func streamConfiguration(_ s: NegotiatedStream, ssrc: UInt32) -> MediaStreamConfiguration {
        var stream = MediaStreamConfiguration(payloadType: s.payloadType, ssrc: ssrc)
        stream.remote = SocketAddress(host: s.remoteAddress, port: s.remotePort)
        stream.rtcpMux = s.rtcpMux
        if !s.rtcpMux { stream.remoteRTCP = SocketAddress(host: s.remoteRTCPAddress, port: s.remoteRTCPPort) }
        stream.inboundKeys = s.srtp?.inbound
        stream.outboundKeys = s.srtp?.outbound
        return stream
    }
}
