import Codecs
import MediaCore
import Mixer
import RTP

/// One call leg's media on a worker: its video and audio pipelines and their sockets.
/// Created by the control plane (sockets are bound there, so port numbers are known at once
/// for the SDP answer), then handed to a worker with `WorkerCommand.attach`; from then on
/// only that worker's thread touches it (hence `@unchecked Sendable`: ownership moves, it is
/// never shared).
public final class MediaLeg: @unchecked Sendable {
    public let id: Int
    public let configuration: MediaLegConfiguration
    let video: VideoPipeline?
    let audio: AudioPipeline?
    /// Socket index → (pipeline is video, is the RTCP socket).
    let sockets: [UDPSocket]
    private let socketRoles: [(video: Bool, rtcp: Bool)]

    /// - Parameters:
    ///   - videoSink: called on the worker thread with each decoded picture and its RTP
    ///     timestamp (tools and tests record or check what arrived).
    ///   - audioSink: called with each decoded 20 ms frame (samples, rate, channels).
    /// - Parameter worker: the worker this leg will be attached to; its packet pool backs the
    ///   leg's jitter buffers (used only once the worker owns the leg).
    public init(_ configuration: MediaLegConfiguration, for worker: MediaWorker,
                videoSink: (@Sendable (VideoFrame, UInt32) -> Void)? = nil,
                audioSink: (@Sendable (UnsafeBufferPointer<Int16>, Int, Int) -> Void)? = nil) throws {
        id = configuration.id
        self.configuration = configuration
        let pool = worker.pool
        video = try configuration.video.map {
            try VideoPipeline($0, host: configuration.localHost, cname: configuration.cname, pool: pool, sink: videoSink)
        }
        audio = try configuration.audio.map {
            try AudioPipeline($0, host: configuration.localHost, cname: configuration.cname, pool: pool, sink: audioSink)
        }
        var sockets: [UDPSocket] = []
        var roles: [(video: Bool, rtcp: Bool)] = []
        if let video {
            sockets.append(video.stream.rtpSocket); roles.append((true, false))
            if let rtcp = video.stream.rtcpSocket { sockets.append(rtcp); roles.append((true, true)) }
        }
        if let audio {
            sockets.append(audio.stream.rtpSocket); roles.append((false, false))
            if let rtcp = audio.stream.rtcpSocket { sockets.append(rtcp); roles.append((false, true)) }
        }
        self.sockets = sockets
        socketRoles = roles
    }

    /// Local RTP ports, for the SDP answer.
    public var videoPort: UInt16? { video?.stream.rtpSocket.localPort }
    public var audioPort: UInt16? { audio?.stream.rtpSocket.localPort }
    public var videoRTCPPort: UInt16? { video.map { $0.stream.rtcpSocket?.localPort ?? $0.stream.rtpSocket.localPort } }
    public var audioRTCPPort: UInt16? { audio.map { $0.stream.rtcpSocket?.localPort ?? $0.stream.rtpSocket.localPort } }

    func attached(worker: MediaWorker, room: Room?) {
        video?.worker = worker
        audio?.worker = worker
        video?.room = room
        video?.leg = self
        video?.layout = configuration.layout
    }

    func detached() {}

    func apply(_ update: MediaLegUpdate) throws {
        if let change = update.video, let video {
            let wasSending = video.stream.sends
            try video.stream.apply(change)
            // Resumed: the peer's decoder needs a fresh IDR (RFC 3264 §8.4 resume).
            if change.sends && !wasSending { video.requestKeyframe() }
        }
        if let change = update.audio, let audio { try audio.stream.apply(change) }
    }

    func requestKeyframe() { video?.requestKeyframe() }

    func setDegradation(_ level: Int) { video?.setDegradation(level) }

    func setLayout(_ layout: LayoutName) { video?.setLayout(layout) }

    func setAudioMuted(_ muted: Bool) { audio?.muted = muted }

    func setMutes(_ mutes: MediaLegMutes) {
        audio?.muted = mutes.rxAudio
        audio?.sendsSilence = mutes.txAudio
        video?.setReceiveMuted(mutes.rxVideo)
        video?.sendsBlank = mutes.txVideo
    }

    func handleReadable(socketIndex: Int, now: Int64, worker: MediaWorker) {
        let role = socketRoles[socketIndex]
        let pool = worker.pool
        _ = sockets[socketIndex].receiveBatch(pool: pool, batch: worker.receiveBatch) { buffer, source in
            var buffer = buffer
            let kept: Bool
            if role.video, let video {
                kept = video.receive(&buffer, from: source, onRTCPSocket: role.rtcp, now: now)
            } else if let audio {
                kept = audio.receive(&buffer, from: source, onRTCPSocket: role.rtcp, now: now)
            } else {
                kept = false
            }
            if !kept { pool.release(buffer) }
        }
    }

    func tick(now: Int64, worker: MediaWorker) {
        video?.tick(now: now)
        audio?.tick(now: now)
        if let stream = video?.stream { sendReportIfDue(stream, now: now) }
        if let stream = audio?.stream { sendReportIfDue(stream, now: now) }
    }

    private func sendReportIfDue(_ stream: MediaStream, now: Int64) {
        guard stream.rtcpDue(now: now) else { return }
        let wallClock = NTPTimestamp(unixNanoseconds: WallClock.nowNanoseconds())
        stream.sendRTCP { buffer in stream.writeReport(now: now, wallClock: wallClock, into: buffer) }
    }

    public var statistics: MediaLegStatistics {
        var stats = MediaLegStatistics()
        video?.statistics(into: &stats.video)
        audio?.statistics(into: &stats.audio)
        return stats
    }
}
