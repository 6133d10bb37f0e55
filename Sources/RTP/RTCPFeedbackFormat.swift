/// Feedback message types: the FMT value carried in the 5-bit count field of RTPFB/PSFB
/// packets (RFC 4585 §6.1). The same number means different messages under the two packet
/// types, hence one namespace per type.
public enum RTCPFeedbackFormat {
    /// FMT values under RTPFB (205).
    public enum TransportLayer {
        /// RFC 4585 §6.2.1. Decoded as `RTCPPacket.genericNACK`.
        public static let genericNACK: UInt8 = 1
        /// RFC 5104 §4.2.1 (reported as `.unknown`).
        public static let temporaryMaximumBitrateRequest: UInt8 = 3
        /// RFC 5104 §4.2.2 (reported as `.unknown`).
        public static let temporaryMaximumBitrateNotification: UInt8 = 4
        /// draft-holmer-rmcat-transport-wide-cc-extensions (reported as `.unknown`).
        public static let transportWideCongestionControl: UInt8 = 15
    }

    /// FMT values under PSFB (206).
    public enum PayloadSpecific {
        /// RFC 4585 §6.3.1. Decoded as `RTCPPacket.pictureLossIndication`.
        public static let pictureLossIndication: UInt8 = 1
        /// RFC 4585 §6.3.2 (reported as `.unknown`).
        public static let sliceLossIndication: UInt8 = 2
        /// RFC 4585 §6.3.3 (reported as `.unknown`).
        public static let referencePictureSelectionIndication: UInt8 = 3
        /// RFC 5104 §4.3.1. Decoded as `RTCPPacket.fullIntraRequest`.
        public static let fullIntraRequest: UInt8 = 4
        /// Application layer feedback, RFC 4585 §6.4 — REMB lives here (reported as `.unknown`).
        public static let applicationLayer: UInt8 = 15
    }

    /// Sender SSRC + media source SSRC, common to every feedback message (RFC 4585 §6.1).
    @usableFromInline static let commonHeaderSize = 8
}
