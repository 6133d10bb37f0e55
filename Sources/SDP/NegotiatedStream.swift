/// One agreed RTP stream (one accepted m-line): everything a media leg needs to send to and
/// receive from the peer. Addresses are as the peer wrote them (an IP literal normally; a
/// host name is left to the caller to resolve).
public struct NegotiatedStream: Equatable, Sendable {
    /// Position of the m-line in the offer (and answer).
    public var mediaIndex: Int
    public var kind: SDPMediaKind
    /// a=mid of the m-line, if any (RFC 5888).
    public var mid: String?
    /// Our RTP port for this stream.
    public var localPort: UInt16
    public var remoteAddress: String
    public var remotePort: UInt16
    /// Where to send RTCP: a=rtcp's address (RFC 3605) or the RTP address.
    public var remoteRTCPAddress: String
    /// RTCP port: the RTP port with rtcp-mux, a=rtcp's port, else RTP port + 1 (RFC 3550 §11).
    public var remoteRTCPPort: UInt16
    public var rtcpMux: Bool
    /// The payload type both directions use: the offerer's number (RFC 3264 §6.1).
    public var payloadType: UInt8
    public var codec: SDPCodec
    public var clockRate: Int
    /// RFC 4733 telephone-event at the codec's clock rate, if agreed.
    public var telephoneEventPayloadType: UInt8?
    /// Our direction: `sends` means we send to the peer, `receives` that it sends to us.
    public var direction: SDPMediaDirection
    /// The peer put the stream on hold: it offered sendonly or inactive, or the old
    /// c=0.0.0.0 (RFC 3264 §8.4).
    public var isRemoteHold: Bool
    /// Feedback both sides agreed to.
    public var rtcpFeedback: SDPRTCPFeedbackSet
    /// SDES keys; nil for plain RTP.
    public var srtp: NegotiatedSRTP?
    /// The peer's a=ptime (how it wants packets cut), if given.
    public var packetTime: Int?
    /// The peer's b=TIAS / b=AS limit in bit/s, if given.
    public var maxBitrate: Int?
    /// H.264 details for video.
    public var video: NegotiatedVideo?
    /// Opus details when the codec is Opus.
    public var opus: NegotiatedOpus?

    public init(mediaIndex: Int, kind: SDPMediaKind, mid: String? = nil, localPort: UInt16,
                remoteAddress: String, remotePort: UInt16, remoteRTCPAddress: String, remoteRTCPPort: UInt16,
                rtcpMux: Bool, payloadType: UInt8, codec: SDPCodec, telephoneEventPayloadType: UInt8? = nil,
                direction: SDPMediaDirection, isRemoteHold: Bool, rtcpFeedback: SDPRTCPFeedbackSet = [],
                srtp: NegotiatedSRTP? = nil, packetTime: Int? = nil, maxBitrate: Int? = nil,
                video: NegotiatedVideo? = nil, opus: NegotiatedOpus? = nil) {
        self.mediaIndex = mediaIndex
        self.kind = kind
        self.mid = mid
        self.localPort = localPort
        self.remoteAddress = remoteAddress
        self.remotePort = remotePort
        self.remoteRTCPAddress = remoteRTCPAddress
        self.remoteRTCPPort = remoteRTCPPort
        self.rtcpMux = rtcpMux
        self.payloadType = payloadType
        self.codec = codec
        self.clockRate = codec.clockRate
        self.telephoneEventPayloadType = telephoneEventPayloadType
        self.direction = direction
        self.isRemoteHold = isRemoteHold
        self.rtcpFeedback = rtcpFeedback
        self.srtp = srtp
        self.packetTime = packetTime
        self.maxBitrate = maxBitrate
        self.video = video
        self.opus = opus
    }

    public var isEncrypted: Bool { srtp != nil }
}
