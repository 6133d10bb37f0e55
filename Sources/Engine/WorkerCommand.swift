import Mixer

/// What the control plane asks a media worker to do, through the worker's command ring.
/// Rare, control-plane events: allocation here is fine; the packet path never sees these.
public enum WorkerCommand: Sendable {
    /// Hand a leg to the worker; from now on only the worker thread touches it.
    case attach(MediaLeg)
    /// Stop and release a leg; the worker answers with `.detached`.
    case detach(legID: Int)
    /// Apply a signalling change to a live leg (hold/resume, address, keys).
    case update(legID: Int, MediaLegUpdate)
    /// Send this leg an IDR soon (SIP INFO picture_fast_update, the admin API).
    case requestKeyframe(legID: Int)
    /// Show this leg another layout (IDR follows).
    case setLayout(legID: Int, LayoutName)
    /// Leave this leg's audio out of the mix (or back in).
    case setAudioMuted(legID: Int, Bool)
    /// CMS call leg mutes (rx: what the bridge takes from the leg; tx: what it sends it).
    case setMutes(legID: Int, MediaLegMutes)
    /// CMS callLeg qualityMain: the largest picture height the leg is sent.
    case setMaximumHeight(legID: Int, Int)
    /// A participant of `spaceID` on another worker joined: this worker's room shows and mixes
    /// it from the pictures and audio that worker lends through their `WorkerLink`.
    case memberJoined(spaceID: Int, RemoteMember)
    /// That participant left.
    case memberLeft(spaceID: Int, legID: Int)
    /// Ask every leg for a statistics snapshot (answered as `.statistics` events).
    case reportStatistics
    /// Leave the loop after releasing every leg.
    case stop
}

/// What a worker tells the control plane, through its event ring.
public enum WorkerEvent: Sendable {
    case attached(legID: Int, ports: [UInt16])
    case attachFailed(legID: Int, reason: String)
    case detached(legID: Int, statistics: MediaLegStatistics)
    case updateFailed(legID: Int, reason: String)
    /// The worker's load made it change how much video work its legs do.
    case degradationChanged(workerIndex: Int, level: Int, load: Double)
    case statistics(legID: Int, MediaLegStatistics)
    /// A space on this worker: its shared views now, and pictures encoded since it began
    /// (with `reportStatistics`).
    case roomStatistics(spaceID: Int, views: Int, encodes: Int)
    case stopped(workerIndex: Int)
}

/// A leg's mutes as its worker applies them: rxAudio keeps its voice out of every mix,
/// txAudio sends it silence, rxVideo shows others a black pane instead of its picture,
/// txVideo sends it a black picture.
public struct MediaLegMutes: Sendable, Equatable {
    public var rxAudio: Bool
    public var txAudio: Bool
    public var rxVideo: Bool
    public var txVideo: Bool

    public init(rxAudio: Bool = false, txAudio: Bool = false, rxVideo: Bool = false, txVideo: Bool = false) {
        self.rxAudio = rxAudio
        self.txAudio = txAudio
        self.rxVideo = rxVideo
        self.txVideo = txVideo
    }
}
