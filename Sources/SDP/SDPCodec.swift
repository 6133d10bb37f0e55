/// The codecs the bridge can negotiate, with how SDP names them (RFC 4855 media subtypes).
public enum SDPCodec: String, CaseIterable, Sendable, CustomStringConvertible {
    /// RFC 6184.
    case h264
    /// RFC 7587: always written `opus/48000/2`, whatever is actually sent.
    case opus
    /// G.711 µ-law, static payload type 0 (RFC 3551 §6).
    case pcmu
    /// G.711 A-law, static payload type 8 (RFC 3551 §6).
    case pcma

    public var kind: SDPMediaKind { self == .h264 ? .video : .audio }

    public var encodingName: String {
        switch self {
        case .h264: return "H264"
        case .opus: return "opus"
        case .pcmu: return "PCMU"
        case .pcma: return "PCMA"
        }
    }

    public var clockRate: Int {
        switch self {
        case .h264: return 90_000
        case .opus: return 48_000
        case .pcmu, .pcma: return 8_000
        }
    }

    /// The rtpmap encoding parameter: Opus is always "/2" (RFC 7587 §7), others none.
    public var encodingParameters: Int? { self == .opus ? 2 : nil }

    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: return 0
        case .pcma: return 8
        case .h264, .opus: return nil
        }
    }

    /// Whether an rtpmap names this codec: name (any case), clock rate, and for Opus the
    /// mandatory two channels.
    public func matches(_ rtpMap: SDPRTPMap) -> Bool {
        guard rtpMap.isEncoding(encodingName, clockRate: clockRate) else { return false }
        switch self {
        case .opus: return rtpMap.encodingParameters == 2
        case .pcmu, .pcma: return rtpMap.channels == 1
        case .h264: return true
        }
    }

    public var description: String { encodingName }
}
