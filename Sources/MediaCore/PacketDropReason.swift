/// Why an incoming packet was dropped. Every parser on the media path reports failures as one
/// of these (a value, never a throw), and each stream counts them per reason, so an operator
/// can tell "lost on the network" from "sender is broken" from "attack".
public enum PacketDropReason: Int, CaseIterable, Sendable, CustomStringConvertible {
    // RTP header (RFC 3550 §5.1)
    case rtpTruncatedHeader
    case rtpBadVersion
    case rtpCSRCPastEnd
    case rtpExtensionPastEnd
    case rtpBadExtension
    case rtpPaddingTooLong
    // RTCP (RFC 3550 §6, RFC 4585, RFC 5104)
    case rtcpTruncated
    case rtcpBadVersion
    case rtcpBadLength
    case rtcpBadReportCount
    // Payload formats (RFC 6184, RFC 7587, RFC 4733)
    case h264EmptyPayload
    case h264BadNALType
    case h264FragmentWithoutStart
    case h264FragmentGap
    case h264AggregateOverflow
    case h264AccessUnitTooLarge
    case dtmfBadPayload
    // SRTP (RFC 3711)
    case srtpAuthenticationFailed
    case srtpReplay
    case srtpOtherError
    // Streams
    case unknownPayloadType
    case unknownSSRC
    case bufferPoolExhausted
    case tooLate
    case streamNotReceiving
    case unexpectedSource

    public var description: String {
        switch self {
        case .rtpTruncatedHeader: return "RTP header truncated"
        case .rtpBadVersion: return "RTP version is not 2"
        case .rtpCSRCPastEnd: return "RTP CSRC list past the end"
        case .rtpExtensionPastEnd: return "RTP header extension past the end"
        case .rtpBadExtension: return "RTP header extension malformed"
        case .rtpPaddingTooLong: return "RTP padding longer than the payload"
        case .rtcpTruncated: return "RTCP packet truncated"
        case .rtcpBadVersion: return "RTCP version is not 2"
        case .rtcpBadLength: return "RTCP length field inconsistent"
        case .rtcpBadReportCount: return "RTCP report count past the end"
        case .h264EmptyPayload: return "H.264 payload empty"
        case .h264BadNALType: return "H.264 NAL unit type invalid"
        case .h264FragmentWithoutStart: return "H.264 FU-A without a start fragment"
        case .h264FragmentGap: return "H.264 FU-A fragments missing"
        case .h264AggregateOverflow: return "H.264 STAP-A NAL size past the end"
        case .h264AccessUnitTooLarge: return "H.264 access unit larger than the buffer"
        case .dtmfBadPayload: return "telephone-event payload malformed"
        case .srtpAuthenticationFailed: return "SRTP authentication failed"
        case .srtpReplay: return "SRTP replayed packet"
        case .srtpOtherError: return "SRTP error"
        case .unknownPayloadType: return "unknown payload type"
        case .unknownSSRC: return "unknown SSRC"
        case .bufferPoolExhausted: return "buffer pool exhausted"
        case .tooLate: return "arrived too late for playout"
        case .streamNotReceiving: return "media on a stream signalled sendonly/inactive by us"
        case .unexpectedSource: return "RTP from an address other than the stream's peer"
        }
    }
}

/// Per-reason drop counts for one stream. Allocated once; counting never allocates.
public struct PacketDropCounters: Sendable {
    private var counts: [Int]

    public init() { counts = [Int](repeating: 0, count: PacketDropReason.allCases.count) }

    public mutating func count(_ reason: PacketDropReason) { counts[reason.rawValue] &+= 1 }

    public subscript(reason: PacketDropReason) -> Int { counts[reason.rawValue] }

    public var total: Int { counts.reduce(0, +) }

    /// Reasons with a non-zero count (diagnostics; allocates).
    public var nonZero: [(PacketDropReason, Int)] {
        PacketDropReason.allCases.compactMap { counts[$0.rawValue] > 0 ? ($0, counts[$0.rawValue]) : nil }
    }
}
