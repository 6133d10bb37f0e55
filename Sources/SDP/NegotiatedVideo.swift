/// The H.264 details of a negotiated video stream.
public struct NegotiatedVideo: Equatable, Sendable {
    public var packetizationMode: SDPPacketizationMode
    /// What the peer can receive (its profile-level-id, max-fs, max-mbps, max-br): bounds
    /// what we send.
    public var remoteLimits: H264ReceiveLimits
    /// The peer's profile-level-id as written (or the implied 42000a).
    public var remoteProfileLevel: H264ProfileLevel
    /// The profile-level-id in our description: what we said we receive.
    public var localProfileLevel: H264ProfileLevel
    /// The largest picture we may send (one of `SDPVideoCapabilities.resolutions`).
    public var maxWidth: Int
    public var maxHeight: Int
    /// Frames per second we may send at that size.
    public var maxFrameRate: Int

    public init(packetizationMode: SDPPacketizationMode, remoteLimits: H264ReceiveLimits,
                remoteProfileLevel: H264ProfileLevel, localProfileLevel: H264ProfileLevel,
                maxWidth: Int, maxHeight: Int, maxFrameRate: Int) {
        self.packetizationMode = packetizationMode
        self.remoteLimits = remoteLimits
        self.remoteProfileLevel = remoteProfileLevel
        self.localProfileLevel = localProfileLevel
        self.maxWidth = maxWidth
        self.maxHeight = maxHeight
        self.maxFrameRate = maxFrameRate
    }
}
