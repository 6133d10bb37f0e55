import MediaCore

/// One packet of an RTCP compound, decoded as a view into the received buffer (RFC 3550 §6,
/// RFC 4585 §6, RFC 5104 §4.3.1). The views hold pointers, not copies: they are valid only
/// while the buffer is, so use them inside the parse callback and keep values, not views.
public enum RTCPPacket {
    case senderReport(RTCPSenderReport)
    case receiverReport(RTCPReceiverReport)
    case sourceDescription(RTCPSourceDescription)
    case bye(RTCPBye)
    /// RTPFB FMT 1.
    case genericNACK(RTCPGenericNACK)
    /// PSFB FMT 1.
    case pictureLossIndication(RTCPPictureLossIndication)
    /// PSFB FMT 4.
    case fullIntraRequest(RTCPFullIntraRequest)
    /// Well-formed as far as its header (and, for feedback, the two SSRCs) goes, but not
    /// decoded here: APP, REMB, TMMBR, transport-cc, XR, ...
    case unknown(RTCPUnknownPacket)

    /// The common header (RFC 3550 §6.4.1): V=2, P, count/FMT, type, length in 32-bit words
    /// minus one.
    @usableFromInline static let headerSize = 4

    enum ParseStep {
        case packet(RTCPPacket, end: Int)
        case malformed(PacketDropReason)
    }

    /// Parses the packet starting at `offset` and says where it ends. Checks, in order:
    /// header present (`rtcpTruncated`), version 2 (`rtcpBadVersion`), length within the
    /// buffer (`rtcpTruncated`), padding count within the packet (`rtcpBadLength`), then the
    /// type's fixed part (`rtcpBadLength`) and its counted parts (`rtcpBadReportCount`).
    static func parse(in bytes: UnsafeRawBufferPointer, at offset: Int) -> ParseStep {
        guard bytes.count - offset >= headerSize else { return .malformed(.rtcpTruncated) }
        let first = bytes[offset]
        guard first >> 6 == 2 else { return .malformed(.rtcpBadVersion) }
        let count = Int(first & 0x1F)
        let type = bytes[offset + 1]
        let length = (Int(bytes.u16(offset + 2)) + 1) * 4
        // The length says more than arrived: treated as truncation (as a cut datagram would be).
        guard length <= bytes.count - offset else { return .malformed(.rtcpTruncated) }
        var payloadEnd = offset + length
        if first & 0x20 != 0 {
            // RFC 3550 §6.4.1: the last octet counts the padding octets, itself included, so 0
            // is invalid and the padding cannot reach back into the header. Accepted on any
            // packet of the compound, not only the last (RFC 3550 §A.2 is stricter), since
            // the length field delimits each packet anyway.
            let padding = Int(bytes[payloadEnd - 1])
            guard padding >= 1, padding <= length - headerSize else { return .malformed(.rtcpBadLength) }
            payloadEnd -= padding
        }
        let payload = bytes.slice(offset + headerSize..<payloadEnd)
        let end = offset + length

        switch RTCPPacketType(rawValue: type) {
        case .senderReport:
            guard payload.count >= RTCPSenderReport.fixedSize else { return .malformed(.rtcpBadLength) }
            guard payload.count >= RTCPSenderReport.fixedSize + count * RTCPReportBlock.size else {
                return .malformed(.rtcpBadReportCount)
            }
            return .packet(.senderReport(RTCPSenderReport(payload: payload, reportCount: count)), end: end)

        case .receiverReport:
            guard payload.count >= RTCPReceiverReport.fixedSize else { return .malformed(.rtcpBadLength) }
            guard payload.count >= RTCPReceiverReport.fixedSize + count * RTCPReportBlock.size else {
                return .malformed(.rtcpBadReportCount)
            }
            return .packet(.receiverReport(RTCPReceiverReport(payload: payload, reportCount: count)), end: end)

        case .sourceDescription:
            if let reason = RTCPSourceDescription.validate(payload: payload, chunkCount: count) {
                return .malformed(reason)
            }
            return .packet(.sourceDescription(RTCPSourceDescription(payload: payload, chunkCount: count)), end: end)

        case .bye:
            if let reason = RTCPBye.validate(payload: payload, sourceCount: count) { return .malformed(reason) }
            return .packet(.bye(RTCPBye(payload: payload, sourceCount: count)), end: end)

        case .transportLayerFeedback, .payloadSpecificFeedback:
            return parseFeedback(type: type, format: UInt8(count), payload: payload, end: end)

        case .application, nil:
            let unknown = RTCPUnknownPacket(packetType: type, format: UInt8(count), payload: payload)
            return .packet(.unknown(unknown), end: end)
        }
    }

    private static func parseFeedback(
        type: UInt8, format: UInt8, payload: UnsafeRawBufferPointer, end: Int
    ) -> ParseStep {
        // RFC 4585 §6.1: every feedback message starts with sender and media source SSRCs.
        let header = RTCPFeedbackFormat.commonHeaderSize
        guard payload.count >= header else { return .malformed(.rtcpBadLength) }
        let fciLength = payload.count - header
        // Only RTPFB (205) and PSFB (206) get here.
        let isTransport = type == RTCPPacketType.transportLayerFeedback.rawValue
        switch (isTransport, format) {
        case (true, RTCPFeedbackFormat.TransportLayer.genericNACK):
            // RFC 4585 §6.2.1: the FCI MUST hold at least one 4-byte entry.
            guard fciLength >= 4, fciLength % 4 == 0 else { return .malformed(.rtcpBadLength) }
            return .packet(.genericNACK(RTCPGenericNACK(payload: payload)), end: end)

        case (false, RTCPFeedbackFormat.PayloadSpecific.pictureLossIndication):
            // RFC 4585 §6.3.1 says the length MUST be 2 (no FCI); extra FCI is ignored rather
            // than dropping a keyframe request over it.
            let pli = RTCPPictureLossIndication(senderSSRC: payload.u32(0), mediaSSRC: payload.u32(4))
            return .packet(.pictureLossIndication(pli), end: end)

        case (false, RTCPFeedbackFormat.PayloadSpecific.fullIntraRequest):
            // RFC 5104 §4.3.1.1: one or more 8-byte entries.
            guard fciLength >= RTCPFIREntry.size, fciLength % RTCPFIREntry.size == 0 else {
                return .malformed(.rtcpBadLength)
            }
            return .packet(.fullIntraRequest(RTCPFullIntraRequest(payload: payload)), end: end)

        default:
            return .packet(.unknown(RTCPUnknownPacket(packetType: type, format: format, payload: payload)), end: end)
        }
    }
}
