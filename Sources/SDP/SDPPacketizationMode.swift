/// H.264 `packetization-mode` (RFC 6184 §6.2, §8.1). Raw values match the RTP target's
/// `H264PacketizationMode`, so the control plane converts with `init(rawValue:)`.
/// Mode 2 (interleaved) is not supported.
public enum SDPPacketizationMode: Int, CaseIterable, Sendable {
    /// Mode 0, also what an absent parameter means: one NAL unit per packet.
    case singleNAL = 0
    /// Mode 1: adds FU-A fragmentation and STAP-A aggregation.
    case nonInterleaved = 1

    /// From an fmtp line: absent means 0; nil for 2 or anything unreadable.
    init?(formatParameters: SDPFormatParameters?) {
        guard let text = formatParameters?["packetization-mode"] else { self = .singleNAL; return }
        guard let value = SDPText.integer(text, as: Int.self), let mode = SDPPacketizationMode(rawValue: value) else {
            return nil
        }
        self = mode
    }
}
