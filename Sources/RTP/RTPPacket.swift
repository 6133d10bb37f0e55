import MediaCore

/// A parsed RTP packet (RFC 3550 §5.1): a view over bytes that stay where they were received
/// (a pooled buffer). Parsing validates every length once and copies nothing.
public struct RTPPacket {
    /// The whole packet, header included.
    public let bytes: UnsafeRawBufferPointer
    public let marker: Bool
    public let payloadType: UInt8
    public let sequenceNumber: UInt16
    public let timestamp: UInt32
    public let ssrc: UInt32
    public let csrcCount: Int
    /// Header extension (RFC 3550 §5.3.1): the 16-bit profile value, 0 when there is none.
    public let extensionProfile: UInt16
    /// Bytes of the extension data (after its 4-byte header), empty when there is none.
    public let extensionRange: Range<Int>
    /// Payload without padding.
    public let payloadRange: Range<Int>
    public let paddingLength: Int

    public var payload: UnsafeRawBufferPointer { bytes.slice(payloadRange) }
    public var hasExtension: Bool { extensionProfile != 0 || !extensionRange.isEmpty }
    public var headerLength: Int { payloadRange.lowerBound }

    public func csrc(_ index: Int) -> UInt32 {
        precondition(index >= 0 && index < csrcCount)
        return bytes.u32(12 + 4 * index)
    }

    /// Parses `bytes`; malformed packets come back as the reason to count them under.
    public static func parse(_ bytes: UnsafeRawBufferPointer) -> RTPParseResult {
        let count = bytes.count
        guard count >= 12 else { return .dropped(.rtpTruncatedHeader) }
        let b0 = bytes.u8(0)
        guard b0 >> 6 == 2 else { return .dropped(.rtpBadVersion) }
        let hasPadding = b0 & 0x20 != 0
        let hasExtension = b0 & 0x10 != 0
        let csrcCount = Int(b0 & 0x0F)
        var offset = 12 + 4 * csrcCount
        guard offset <= count else { return .dropped(.rtpCSRCPastEnd) }
        var profile: UInt16 = 0
        var extensionRange = offset..<offset
        if hasExtension {
            guard offset + 4 <= count else { return .dropped(.rtpExtensionPastEnd) }
            profile = bytes.u16(offset)
            let words = Int(bytes.u16(offset + 2))
            let start = offset + 4
            let end = start + 4 * words
            guard end <= count else { return .dropped(.rtpExtensionPastEnd) }
            extensionRange = start..<end
            offset = end
        }
        var padding = 0
        if hasPadding {
            // RFC 3550 §5.1: the last octet counts the padding octets, itself included.
            padding = Int(bytes.u8(count - 1))
            guard padding >= 1, offset + padding <= count else { return .dropped(.rtpPaddingTooLong) }
        }
        let b1 = bytes.u8(1)
        return .packet(RTPPacket(
            bytes: bytes, marker: b1 & 0x80 != 0, payloadType: b1 & 0x7F,
            sequenceNumber: bytes.u16(2), timestamp: bytes.u32(4), ssrc: bytes.u32(8),
            csrcCount: csrcCount, extensionProfile: profile, extensionRange: extensionRange,
            payloadRange: offset..<(count - padding), paddingLength: padding))
    }

    /// RTCP shares ports with RTP under rtcp-mux; RFC 5761 §4 tells them apart by the second
    /// octet: RTCP packet types 192–223 occupy what would be RTP marker+payload type 64–95.
    public static func looksLikeRTCP(_ bytes: UnsafeRawBufferPointer) -> Bool {
        bytes.count >= 2 && (192...223).contains(bytes.u8(1))
    }
}

public enum RTPParseResult {
    case packet(RTPPacket)
    case dropped(PacketDropReason)
}
