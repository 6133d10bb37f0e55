import SRTP

/// SDES keys agreed for one stream (RFC 4568): the offerer's key protects what the offerer
/// sends, the answerer's what the answerer sends, both under the same tag and suite (§5.1.2).
public struct NegotiatedSRTP: Equatable, Sendable {
    /// The a=crypto tag both sides used.
    public var tag: Int
    /// The peer's key: decrypts what we receive.
    public var inbound: SRTPKeyingMaterial
    /// Our key: encrypts what we send.
    public var outbound: SRTPKeyingMaterial

    public init(tag: Int, inbound: SRTPKeyingMaterial, outbound: SRTPKeyingMaterial) {
        self.tag = tag
        self.inbound = inbound
        self.outbound = outbound
    }

    public var suite: SRTPSuite { outbound.suite }
}
