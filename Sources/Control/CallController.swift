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
        /// The space is at its participant limit (CMS callProfile).
        case full(String)

        /// SIP status code and reason phrase.
        public var status: (code: Int, reason: String) {
            switch self {
            case .notFound: return (404, "Not Found")
            case .notAcceptable: return (488, "Not Acceptable Here")
            case .serverError: return (500, "Server Internal Error")
            case .busy: return (503, "Service Unavailable")
            case .full: return (486, "Busy Here")
            }
        }

        public var detail: String {
            switch self {
            case .notFound(let s), .notAcceptable(let s), .serverError(let s), .busy(let s), .full(let s): return s
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
    /// What a later offer in the same dialog is negotiated against (RFC 3264 §8).
    private struct LegRecord: Sendable {
        var space: Space
        var version: SDPSessionVersion
        var local: SDPLocalCapabilities
        var localDescription: SessionDescription
        var session: NegotiatedSession
        var info: LegInfo
    }
    private let legs = Mutex<[Int: LegRecord]>([:])
    /// Active conferences (CMS `calls`): one per space with legs, with an id that lives as long
    /// as the space has participants.
    private let conferences = Mutex<[Int: ConferenceInfo]>([:])

    /// CMS `loadLimit`: above this busy fraction of the worker a new call would land on, it is
    /// refused with 503 (the worker is already at its last degradation step). Settable live
    /// through the admin API.
    public var loadLimit: Double {
        get { Double(loadLimitPermille.load(ordering: .relaxed)) / 1000 }
        set { loadLimitPermille.store(Int(newValue * 1000), ordering: .relaxed) }
    }
    private let loadLimitPermille = Atomic<Int>(950)
    /// The most legs up at once since start (CMS `callLegsMaxActive`).
    public var maximumActiveLegs: Int { peakLegs.load(ordering: .relaxed) }
    private let peakLegs = Atomic<Int>(0)

    public init(engine: MediaEngine, spaces: SpaceDirectory, mediaAddress: String, maximumLegs: Int = 1000,
                maximumSendHeight: Int = 1080, loadLimit: Double = 0.95) {
        loadLimitPermille.store(Int(loadLimit * 1000), ordering: .relaxed)
        self.maximumSendHeight = maximumSendHeight
        self.engine = engine
        self.spaces = spaces
        self.mediaAddress = mediaAddress
        self.maximumLegs = maximumLegs
    }

    public var activeLegs: Int { legs.withLock { $0.count } }

    /// The picture sizes a leg of `space` may be sent: the standard ladder under its
    /// `qualityMain` and the bridge-wide cap. Negotiation then takes the largest the endpoint's
    /// H.264 level and max-fs allow (RFC 6184 §8.1), so 1080p30, 720p30 or 480p30 in practice.
    func sendResolutions(for space: Space) -> [SDPVideoResolution] {
        let cap = min(space.qualityMain.maximumHeight, maximumSendHeight)
        return SDPVideoResolution.standard.filter { $0.height <= cap }
    }

    /// Answers an INVITE's offer for `user` (the Request-URI user part) at `domain` (its host;
    /// nil skips the inbound dial plan rules). `remote` is the caller's URI, for the admin API.
    public func join(user: String, domain: String? = nil, displayName: String, remote: String = "",
                     offer sdp: String) -> Result<Answer, Rejection> {
        guard let space = spaces.resolve(user: user, domain: domain) else {
            return .failure(.notFound("no space with URI '\(user)'\(domain.map { " at \($0)" } ?? "")"))
        }
        guard activeLegs < maximumLegs else { return .failure(.busy("the bridge is at its leg limit (\(maximumLegs))")) }
        if let limit = space.participantLimit, legCount(inSpace: space.id) >= limit {
            return .failure(.full("space '\(space.uri)' is at its participant limit (\(limit))"))
        }
        let offer: SessionDescription
        do { offer = try SessionDescription(parsing: sdp) } catch {
            return .failure(.notAcceptable("malformed SDP: \(error)"))
        }
        var local = SDPLocalCapabilities(address: mediaAddress, audioPort: 9, videoPort: 9)
        local.encryption = space.mediaEncryption
        local.video.resolutions = sendResolutions(for: space)
        let legID = nextLegID.add(1, ordering: .relaxed).oldValue
        let version = SDPSessionVersion.random(address: mediaAddress)
        let answer: SDPAnswer
        do { answer = try SDPNegotiator.answer(offer: offer, local: local, origin: version.origin) } catch {
            return .failure(error.sipStatusCode == 488 ? .notAcceptable(error.description) : .serverError(error.description))
        }
        let worker = engine.workerFor(space: space.id)
        if worker.load >= loadLimit {
            return .failure(.busy("media worker \(worker.configuration.index) is at \(Int(worker.load * 100)) % load (limit \(Int(loadLimit * 100)) %)"))
        }
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
        local.audioPort = leg.audioPort ?? 9
        local.videoPort = leg.videoPort ?? 9
        let info = LegInfo(id: legID, spaceID: space.id, spaceKey: space.key, displayName: displayName, remote: remote,
                           direction: .incoming, layout: space.defaultLayout, mutes: space.legDefaults,
                           qualityMain: space.qualityMain, session: answer.session)
        record(LegRecord(space: space, version: version, local: local, localDescription: description,
                         session: answer.session, info: info))
        engine.attach(leg, on: worker)
        applyInitialDirection(legID: legID, answer.session)
        applyMutes(legID: legID, space.legDefaults)
        return .success(Answer(legID: legID, space: space, sdp: description.serialized(), session: answer.session))
    }

    /// Answers a new offer within a leg's dialog (re-INVITE or UPDATE: hold, resume, refresh,
    /// new address or keys) and applies it to the live leg. A failure leaves the session as
    /// it was (RFC 3261 §14.2). Changing codec mid-call is refused with 488.
    public func reoffer(legID: Int, offer sdp: String) -> Result<String, Rejection> {
        guard var record = legs.withLock({ $0[legID] }) else { return .failure(.notFound("no such leg \(legID)")) }
        let offer: SessionDescription
        do { offer = try SessionDescription(parsing: sdp) } catch {
            return .failure(.notAcceptable("malformed SDP: \(error)"))
        }
        var answer: SDPAnswer
        do {
            answer = try SDPNegotiator.answer(offer: offer, local: record.local, origin: record.version.origin,
                                              previous: record.localDescription)
        } catch {
            return .failure(error.sipStatusCode == 488 ? .notAcceptable(error.description) : .serverError(error.description))
        }
        for stream in answer.session.streams {
            guard let old = record.session.streams.first(where: { $0.kind == stream.kind }) else {
                return .failure(.notAcceptable("adding a \(stream.kind) stream mid-call is not supported"))
            }
            guard old.payloadType == stream.payloadType, old.codec == stream.codec else {
                return .failure(.notAcceptable("changing the \(stream.kind) codec mid-call is not supported"))
            }
        }
        // RFC 3264 §8: the version goes up only when the description changed.
        if answer.description != record.localDescription {
            answer.description.origin = record.version.increment()
        }
        engine.send(.update(legID: legID, Self.update(for: answer.session)), toLeg: legID)
        record.localDescription = answer.description
        record.session = answer.session
        legs.withLock {
            $0[legID]?.localDescription = answer.description
            $0[legID]?.session = answer.session
            $0[legID]?.info.session = answer.session
        }
        return .success(answer.description.serialized())
    }

    /// The description we last sent for a leg (for refreshes that resend it unchanged).
    public func localDescription(legID: Int) -> String? {
        legs.withLock { $0[legID]?.localDescription.serialized() }
    }

    /// Our own offer for a refresh or re-INVITE we send (RFC 4028 session refresh when we
    /// are the refresher): the last description, unchanged, so its version stays (§8).
    public func refreshOffer(legID: Int) -> String? { localDescription(legID: legID) }

    // MARK: Dial-out

    /// A call the bridge places (admin API, `serve --dial-out`): its leg id, our offer, and
    /// the ports held for it until the answer arrives.
    public struct DialOut: Sendable {
        public var legID: Int
        public var space: Space
        public var displayName: String
        public var remote: String
        public var offerSDP: String
        fileprivate var offer: SessionDescription
        fileprivate var local: SDPLocalCapabilities
        fileprivate var version: SDPSessionVersion
        fileprivate var reservation: PortReservation
    }

    /// Makes the offer for a call out of the space with URI `spaceURI`.
    public func prepareDialOut(spaceURI: String, displayName: String, remote: String = "") -> Result<DialOut, Rejection> {
        guard let space = spaces.resolve(user: spaceURI) else { return .failure(.notFound("no space with URI '\(spaceURI)'")) }
        guard activeLegs < maximumLegs else { return .failure(.busy("the bridge is at its leg limit (\(maximumLegs))")) }
        if let limit = space.participantLimit, legCount(inSpace: space.id) >= limit {
            return .failure(.full("space '\(space.uri)' is at its participant limit (\(limit))"))
        }
        let reservation: PortReservation
        do { reservation = try PortReservation(host: mediaAddress) } catch {
            return .failure(.serverError("could not reserve media ports: \(error)"))
        }
        var local = SDPLocalCapabilities(address: mediaAddress, audioPort: reservation.audioPort, videoPort: reservation.videoPort)
        local.encryption = space.mediaEncryption
        local.video.resolutions = sendResolutions(for: space)
        let version = SDPSessionVersion.random(address: mediaAddress)
        let offer: SessionDescription
        do { offer = try SDPNegotiator.offer(local: local, origin: version.origin) } catch {
            return .failure(.serverError("could not make an offer: \(error)"))
        }
        let legID = nextLegID.add(1, ordering: .relaxed).oldValue
        return .success(DialOut(legID: legID, space: space, displayName: displayName, remote: remote, offerSDP: offer.serialized(),
                                offer: offer, local: local, version: version, reservation: reservation))
    }

    /// The callee answered (2xx with SDP): build the leg on the held ports and start media.
    public func completeDialOut(_ call: DialOut, answer sdp: String) -> Result<NegotiatedSession, Rejection> {
        let answer: SessionDescription
        do { answer = try SessionDescription(parsing: sdp) } catch {
            call.reservation.release()
            return .failure(.notAcceptable("malformed SDP answer: \(error)"))
        }
        let session: NegotiatedSession
        do { session = try SDPNegotiator.apply(answer: answer, toOffer: call.offer, local: call.local) } catch {
            call.reservation.release()
            return .failure(.notAcceptable(error.description))
        }
        // Free the held ports just before the leg binds them again (same numbers).
        call.reservation.release()
        let worker = engine.workerFor(space: call.space.id)
        var configuration = Self.legConfiguration(id: call.legID, space: call.space, displayName: call.displayName,
                                                  session: session, host: mediaAddress, maximumHeight: maximumSendHeight)
        configuration.video?.stream.localPort = call.local.videoPort ?? 0
        configuration.audio?.stream.localPort = call.local.audioPort ?? 0
        let leg: MediaLeg
        do { leg = try MediaLeg(configuration, for: worker) } catch {
            return .failure(.serverError("could not set up media: \(error)"))
        }
        let info = LegInfo(id: call.legID, spaceID: call.space.id, spaceKey: call.space.key, displayName: call.displayName,
                           remote: call.remote, direction: .outgoing, layout: call.space.defaultLayout,
                           mutes: call.space.legDefaults, qualityMain: call.space.qualityMain, session: session)
        record(LegRecord(space: call.space, version: call.version, local: call.local, localDescription: call.offer,
                         session: session, info: info))
        engine.attach(leg, on: worker)
        applyInitialDirection(legID: call.legID, session)
        applyMutes(legID: call.legID, call.space.legDefaults)
        return .success(session)
    }

    /// The dial-out failed or was abandoned before an answer.
    public func abandonDialOut(_ call: DialOut) { call.reservation.release() }

    // MARK: Live legs

    public func hangUp(legID: Int) {
        guard let removed = legs.withLock({ $0.removeValue(forKey: legID) }) else { return }
        let spaceID = removed.space.id
        conferences.withLock { calls in
            if legs.withLock({ !$0.values.contains { $0.space.id == spaceID } }) { calls[spaceID] = nil }
        }
        engine.detach(legID: legID)
    }

    private func record(_ leg: LegRecord) {
        let count = legs.withLock { legs in
            legs[leg.info.id] = leg
            return legs.count
        }
        var peak = peakLegs.load(ordering: .relaxed)
        while count > peak {
            let (exchanged, original) = peakLegs.compareExchange(expected: peak, desired: count, ordering: .relaxed)
            if exchanged { break }
            peak = original
        }
        conferences.withLock { calls in
            if calls[leg.space.id] == nil {
                calls[leg.space.id] = ConferenceInfo(id: UUID().uuidString.lowercased(), spaceID: leg.space.id,
                                                     spaceKey: leg.space.key, name: leg.space.name, startedAt: Date())
            }
        }
    }

    /// Changes a live leg's recorded settings; false when the leg is gone.
    private func updateInfo(legID: Int, _ change: (inout LegInfo) -> Void) -> Bool {
        legs.withLock { legs in
            guard legs[legID] != nil else { return false }
            change(&legs[legID]!.info)
            return true
        }
    }

    public func requestKeyframe(legID: Int) { engine.send(.requestKeyframe(legID: legID), toLeg: legID) }

    /// Changes the picture a live leg is sent (CMS callLeg `chosenLayout`).
    @discardableResult
    public func setLayout(legID: Int, _ layout: LayoutName) -> Bool {
        guard updateInfo(legID: legID, { $0.layout = layout }) else { return false }
        return engine.send(.setLayout(legID: legID, layout), toLeg: legID)
    }

    public func setAudioMuted(legID: Int, _ muted: Bool) {
        var mutes = legs.withLock { $0[legID]?.info.mutes } ?? LegMutes()
        mutes.rxAudio = muted
        setMutes(legID: legID, mutes)
    }

    /// Applies CMS callLeg mutes to a live leg; false when the leg is gone.
    @discardableResult
    public func setMutes(legID: Int, _ mutes: LegMutes) -> Bool {
        guard updateInfo(legID: legID, { $0.mutes = mutes }) else { return false }
        applyMutes(legID: legID, mutes)
        return true
    }

    private func applyMutes(legID: Int, _ mutes: LegMutes) {
        engine.send(.setMutes(legID: legID, mutes.engineMutes), toLeg: legID)
    }

    /// CMS callLeg `qualityMain` on a live leg: caps the picture it is sent from the next frame
    /// slot (down the 1080p/720p/480p ladder; never above what was negotiated at join).
    @discardableResult
    public func setQualityMain(legID: Int, _ quality: QualityMain) -> Bool {
        guard updateInfo(legID: legID, { $0.qualityMain = quality }) else { return false }
        return engine.send(.setMaximumHeight(legID: legID, min(quality.maximumHeight, maximumSendHeight)), toLeg: legID)
    }

    /// Every live leg, in leg-id (join) order.
    public var legInfos: [LegInfo] { legs.withLock { $0.values.map(\.info).sorted { $0.id < $1.id } } }

    public func legInfo(id: Int) -> LegInfo? { legs.withLock { $0[id]?.info } }

    /// Active conferences, oldest first.
    public var conferenceInfos: [ConferenceInfo] { conferences.withLock { $0.values.sorted { $0.startedAt < $1.startedAt } } }

    public func legCount(inSpace spaceID: Int) -> Int { legs.withLock { $0.values.filter { $0.space.id == spaceID }.count } }

    /// A call that starts on hold (sendonly/inactive in its first offer or answer).
    private func applyInitialDirection(legID: Int, _ session: NegotiatedSession) {
        guard session.streams.contains(where: { $0.direction != .sendrecv }) else { return }
        engine.send(.update(legID: legID, Self.update(for: session)), toLeg: legID)
    }

    /// Direction and addresses of a (re)negotiated session as worker updates.
    static func update(for session: NegotiatedSession) -> MediaLegUpdate {
        func streamUpdate(_ s: NegotiatedStream) -> MediaStreamUpdate {
            // c=0.0.0.0 (old-style hold, RFC 3264 §8.4): keep the last good address.
            let held = s.remoteAddress == "0.0.0.0" || s.remotePort == 0
            return MediaStreamUpdate(
                remote: held ? nil : SocketAddress(host: s.remoteAddress, port: s.remotePort),
                remoteRTCP: held || s.rtcpMux ? nil : SocketAddress(host: s.remoteRTCPAddress, port: s.remoteRTCPPort),
                sends: s.direction.sends, receives: s.direction.receives,
                inboundKeys: s.srtp?.inbound, outboundKeys: s.srtp?.outbound)
        }
        return MediaLegUpdate(video: session.video.map(streamUpdate), audio: session.audio.map(streamUpdate))
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
            // Negotiation already chose the size: the largest the endpoint's level allows
            // among the space's `qualityMain` sizes (`sendResolutions`).
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

    /// One negotiated stream as the engine configures it (addresses, mux, SRTP keys). Public
    /// for other user agents of the engine (the load generator).
    public static func streamConfiguration(_ s: NegotiatedStream, ssrc: UInt32) -> MediaStreamConfiguration {
        var stream = MediaStreamConfiguration(payloadType: s.payloadType, ssrc: ssrc)
        stream.remote = SocketAddress(host: s.remoteAddress, port: s.remotePort)
        stream.rtcpMux = s.rtcpMux
        if !s.rtcpMux { stream.remoteRTCP = SocketAddress(host: s.remoteRTCPAddress, port: s.remoteRTCPPort) }
        stream.inboundKeys = s.srtp?.inbound
        stream.outboundKeys = s.srtp?.outbound
        return stream
    }
}

/// Media ports held between a dial-out's offer and its answer: an even RTP port and the odd
/// one after it (for a callee that declines rtcp-mux), per stream. Released just before the
/// leg binds the same numbers.
public final class PortReservation: @unchecked Sendable {
    private let lock = Mutex<Void>(())
    private nonisolated(unsafe) var held: [UDPSocket] = []
    public let audioPort: UInt16
    public let videoPort: UInt16

    public init(host: String) throws {
        var held: [UDPSocket] = []
        func pair() throws -> UInt16 {
            for _ in 0..<50 {
                let rtp = try UDPSocket(host: host, port: 0)
                guard rtp.localPort % 2 == 0, rtp.localPort < UInt16.max else { continue }
                if let rtcp = try? UDPSocket(host: host, port: rtp.localPort + 1) {
                    held += [rtp, rtcp]
                    return rtp.localPort
                }
            }
            throw SystemError(errno: EADDRINUSE, operation: "reserve an RTP/RTCP port pair on \(host)")
        }
        audioPort = try pair()
        videoPort = try pair()
        self.held = held
    }

    public func release() { lock.withLock { _ in held.removeAll() } }
}

/// A live leg as the admin API reports it (CMS `callLeg`).
public struct LegInfo: Sendable {
    public enum Direction: String, Sendable { case incoming, outgoing }
    public var id: Int
    public var spaceID: Int
    public var spaceKey: String?
    public var displayName: String
    public var remote: String
    public var direction: Direction
    public var startedAt = Date()
    /// The layout the leg is sent now (the space's default until a `chosenLayout` is set).
    public var layout: LayoutName
    public var mutes: LegMutes
    /// The leg's own qualityMain (the space's until an API PUT changes it).
    public var qualityMain: QualityMain = .unrestricted
    public var session: NegotiatedSession
}

/// An active conference (CMS `call`): a space while it has participants.
public struct ConferenceInfo: Sendable {
    public var id: String
    public var spaceID: Int
    public var spaceKey: String?
    public var name: String
    public var startedAt: Date
}

extension LegMutes {
    var engineMutes: MediaLegMutes {
        MediaLegMutes(rxAudio: rxAudio, txAudio: txAudio, rxVideo: rxVideo, txVideo: txVideo)
    }
}
