import SRTP

/// Our side of a negotiation: where our sockets are, what we can send and receive, and the
/// encryption policy. Ports are inputs: the engine binds its sockets before the answer is
/// written (RTCP on port + 1 unless rtcp-mux is agreed).
public struct SDPLocalCapabilities: Sendable {
    /// Our media address (IPv4 or IPv6 literal) for c= and o=.
    public var address: String
    /// Our RTP port for audio; nil refuses audio.
    public var audioPort: UInt16?
    /// Our RTP port for video; nil refuses video.
    public var videoPort: UInt16?
    /// Audio codecs we take, preferred first. Answers pick by this order, not the offerer's
    /// (RFC 3264 §6.1 allows either): a bridge transcodes anyway, so it picks its best.
    public var audioCodecs: [SDPCodec] = [.opus, .pcmu, .pcma]
    /// Whether to negotiate telephone-event (RFC 4733) at the audio codec's clock rate.
    public var telephoneEvent: Bool = true
    public var video = SDPVideoCapabilities()
    public var encryption: SDPEncryptionPolicy = .optional
    /// SRTP suites we use, preferred first; suites the linked libsrtp2 lacks are skipped.
    public var srtpSuites: [SRTPSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM, .aeadAES256GCM]
    /// Whether we accept (and offer) RTP/RTCP multiplexing (RFC 5761).
    public var rtcpMux: Bool = true
    /// Our wish: sendrecv normally, sendonly or inactive to put the peer on hold.
    public var direction: SDPMediaDirection = .sendrecv
    /// The audio packet time we send (a=ptime, RFC 8866 §6.4).
    public var audioPacketTime: Int = 20
    /// s= of our descriptions.
    public var sessionName: String = "callbridge"
    /// Makes our SRTP keys; `SRTPKeyingMaterial.generate` (kernel CSPRNG) unless a test
    /// needs them fixed.
    public var keyGenerator: @Sendable (SRTPSuite) throws(SRTPError) -> SRTPKeyingMaterial = { suite throws(SRTPError) in
        try SRTPKeyingMaterial.generate(suite: suite)
    }

    public init(address: String, audioPort: UInt16?, videoPort: UInt16?) {
        self.address = address
        self.audioPort = audioPort
        self.videoPort = videoPort
    }

    func port(for kind: SDPMediaKind) -> UInt16? {
        kind == .audio ? audioPort : videoPort
    }

    /// The suites to use now: our preference order, limited to what libsrtp2 can do.
    var usableSRTPSuites: [SRTPSuite] { srtpSuites.filter(\.isSupported) }
}
