import MediaCore

/// What `unprotectRTP`/`unprotectRTCP` did with one packet. A value, not a throw: bad packets
/// arrive every second on the open Internet and are counted, never unwound.
public enum SRTPUnprotectResult: Equatable, Sendable {
    /// Authenticated and decrypted in place; `length` is the plain RTP/RTCP packet's length.
    case ok(length: Int)
    /// `.srtpAuthenticationFailed`, `.srtpReplay` or `.srtpOtherError`.
    case dropped(PacketDropReason)
}
