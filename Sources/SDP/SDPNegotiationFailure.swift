import SRTP

/// Why no session could be agreed. Every case but key generation is the peer's SDP not
/// fitting our capabilities or policy, which SIP answers with 488 Not Acceptable Here
/// (RFC 3261 §21.4.26, RFC 3264 §6).
public enum SDPNegotiationFailure: Error, Equatable, Sendable, CustomStringConvertible {
    /// No audio or video m-line had a codec we support (or there was none).
    case noCommonCodec
    /// Our policy is `.required` and the usable media was all plain RTP.
    case encryptionRequired
    /// Our policy is `.prohibited` and the usable media was all RTP/SAVP(F).
    case encryptionProhibited
    /// SRTP was needed but no a=crypto line was usable.
    case noUsableCrypto
    /// The answer does not fit our offer (m-line count or types differ, a crypto tag we did
    /// not offer, ...).
    case answerMismatch(String)
    /// Our own keys could not be made.
    case keyGeneration(SRTPError)

    /// The SIP status code to answer with.
    public var sipStatusCode: Int {
        if case .keyGeneration = self { return 500 }
        return 488
    }

    public var description: String {
        switch self {
        case .noCommonCodec: return "no common codec"
        case .encryptionRequired: return "media encryption is required but the peer offered none"
        case .encryptionProhibited: return "media encryption is not allowed but the peer offered only SRTP"
        case .noUsableCrypto: return "no a=crypto line with a supported suite and parameters"
        case .answerMismatch(let reason): return "answer does not match the offer: \(reason)"
        case .keyGeneration(let error): return "SRTP key generation failed: \(error)"
        }
    }

    /// The failure to report when every m-line was rejected: an encryption reason where the
    /// codecs would have matched says more than "no common codec".
    static func choose(from rejections: [SDPMediaRejection]) -> SDPNegotiationFailure {
        for rejection in rejections {
            switch rejection.reason {
            case .encryptionRequired: return .encryptionRequired
            case .encryptionProhibited: return .encryptionProhibited
            case .noUsableCrypto: return .noUsableCrypto
            default: continue
            }
        }
        return .noCommonCodec
    }
}
