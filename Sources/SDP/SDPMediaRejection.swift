/// One m-line that was not accepted, and why (for logs and for choosing the failure).
public struct SDPMediaRejection: Equatable, Sendable {
    public enum Reason: Equatable, Sendable, CustomStringConvertible {
        /// Port 0 in the offer: the offerer disabled it.
        case disabledInOffer
        /// Port 0 in the answer to our offer: the peer rejected it.
        case rejectedByPeer
        /// Not audio or video (application/BFCP, text, image, ...).
        case unsupportedMediaType
        /// Not RTP/AVP, RTP/AVPF, RTP/SAVP or RTP/SAVPF (e.g. DTLS-SRTP's UDP/TLS/RTP/SAVPF).
        case unsupportedTransport
        /// We have no socket for this kind of media.
        case noLocalPort
        /// A second audio or video m-line: one of each per leg for now.
        case duplicateStream
        /// An m-line marked a=content:slides (RFC 4796): presentation is not supported yet.
        case presentationNotSupported
        case noCommonCodec
        /// Plain RTP offered (or answered) while our policy is `.required`.
        case encryptionRequired
        /// RTP/SAVP(F) offered while our policy is `.prohibited`.
        case encryptionProhibited
        /// SRTP wanted, but no a=crypto line with a suite and parameters we can use.
        case noUsableCrypto

        public var description: String {
            switch self {
            case .disabledInOffer: return "disabled in the offer (port 0)"
            case .rejectedByPeer: return "rejected by the peer (port 0)"
            case .unsupportedMediaType: return "media type not supported"
            case .unsupportedTransport: return "transport protocol not supported"
            case .noLocalPort: return "no local port for this media"
            case .duplicateStream: return "only one stream of each kind is supported"
            case .presentationNotSupported: return "presentation (content:slides) is not supported"
            case .noCommonCodec: return "no common codec"
            case .encryptionRequired: return "media encryption is required"
            case .encryptionProhibited: return "media encryption is not allowed"
            case .noUsableCrypto: return "no usable a=crypto line"
            }
        }
    }

    public var mediaIndex: Int
    /// The m-line's media type as written.
    public var mediaType: String
    public var reason: Reason

    public init(mediaIndex: Int, mediaType: String, reason: Reason) {
        self.mediaIndex = mediaIndex
        self.mediaType = mediaType
        self.reason = reason
    }
}
