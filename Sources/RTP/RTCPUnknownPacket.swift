/// A packet this target does not decode — APP, XR, REMB (PSFB FMT 15), TMMBR/TMMBN,
/// transport-cc, SLI, RPSI, unassigned types — handed over raw so a caller can count it or
/// decode it itself. RFC 3550 §6.1: unknown types are ignored, never a reason to drop the
/// compound. Valid only while the packet's buffer is.
public struct RTCPUnknownPacket {
    /// The raw packet type (see `RTCPPacketType`; may be a value it does not list).
    public let packetType: UInt8
    /// The 5-bit field after the padding bit: the FMT for feedback, the subtype for APP.
    public let format: UInt8
    /// The packet after its 4-byte header, padding removed.
    public let payload: UnsafeRawBufferPointer

    init(packetType: UInt8, format: UInt8, payload: UnsafeRawBufferPointer) {
        self.packetType = packetType
        self.format = format
        self.payload = payload
    }
}
