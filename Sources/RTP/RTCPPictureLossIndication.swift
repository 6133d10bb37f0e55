/// A picture loss indication (PSFB FMT 1, RFC 4585 §6.3.1): the receiver of `mediaSSRC` lost
/// pictures and asks for a refresh (an MCU answers with a keyframe). Carries no FCI, so it
/// is decoded to a plain value.
public struct RTCPPictureLossIndication: Hashable, Sendable {
    /// Who asks.
    public var senderSSRC: UInt32
    /// The stream that needs a refresh.
    public var mediaSSRC: UInt32

    public init(senderSSRC: UInt32, mediaSSRC: UInt32) {
        self.senderSSRC = senderSSRC
        self.mediaSSRC = mediaSSRC
    }
}
