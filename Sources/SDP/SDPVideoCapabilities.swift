/// What we can do with H.264 video.
public struct SDPVideoCapabilities: Sendable, Equatable {
    /// The highest level we decode. It is the level of our offers, and of our answers when
    /// the offer allows it (RFC 6184 §8.2.2: not above the offer's for a sendrecv stream).
    public var maxLevel: H264Level = .level4
    /// Packetization modes we take, preferred first: with both offered, mode 1 wins.
    public var packetizationModes: [SDPPacketizationMode] = [.nonInterleaved, .singleNAL]
    /// Picture sizes we may send, largest first (a call-leg profile's max720p30 drops 1080p).
    public var resolutions: [SDPVideoResolution] = SDPVideoResolution.standard
    /// The frame rate we send at most.
    public var maxFrameRate: Int = 30
    /// The lowest frame rate worth keeping a larger picture for (see `H264ReceiveLimits.bestMode`).
    public var minimumFrameRate: Int = 25
    /// Feedback we implement and agree to when offered.
    public var rtcpFeedback: SDPRTCPFeedbackSet = .all

    public init() {}
}
