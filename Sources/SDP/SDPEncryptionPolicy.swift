/// Whether a leg's media must, may or must not be SRTP, like Cisco Meeting Server's call
/// setting of the same name. SDES keys only (RFC 4568); DTLS-SRTP is not supported.
public enum SDPEncryptionPolicy: String, Sendable, CaseIterable {
    /// SRTP whenever the peer offers usable keys, plain RTP otherwise. Our offers are
    /// RTP/AVP carrying a=crypto ("best effort" SRTP): peers that know SDES encrypt, peers
    /// that do not ignore the lines and the call still works.
    case optional
    /// SRTP or nothing: plain media is rejected (port 0); our offers are RTP/SAVP.
    case required
    /// Plain RTP only: RTP/SAVP(F) media is rejected, a=crypto in RTP/AVP is ignored.
    case prohibited
}
