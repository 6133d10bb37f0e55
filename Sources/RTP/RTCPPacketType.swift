/// RTCP packet types (RFC 3550 §12.1, RFC 4585 §6.1). Only the types this target decodes
/// are listed; any other value (XR 207, IJ 195, the pre-RFC-4585 FIR 192 / NACK 193) arrives
/// as `RTCPPacket.unknown` with its raw type byte, because RFC 3550 §6.1 says receivers
/// ignore types they do not understand rather than drop the compound.
public enum RTCPPacketType: UInt8, Sendable, CaseIterable {
    case senderReport = 200
    case receiverReport = 201
    case sourceDescription = 202
    case bye = 203
    case application = 204
    /// RTPFB: transport-layer feedback (RFC 4585 §6.2), e.g. generic NACK.
    case transportLayerFeedback = 205
    /// PSFB: payload-specific feedback (RFC 4585 §6.3, RFC 5104 §4.3), e.g. PLI, FIR.
    case payloadSpecificFeedback = 206
}
