/// One media section (RFC 8866 §5.14): the m= line and the i=, c=, b= and a= lines under it.
public struct MediaDescription: Equatable, Sendable {
    /// `audio`, `video`, `application`, ... as written.
    public var mediaType: String
    /// 0 means the stream is disabled or rejected (RFC 3264 §6).
    public var port: UInt16
    /// The optional `/<number of ports>` after the port.
    public var portCount: Int?
    /// `RTP/AVP`, `RTP/SAVPF`, `TCP/BFCP`, ... as written.
    public var transportProtocol: String
    /// RTP payload type numbers as text for RTP profiles, anything for other protocols.
    public var formats: [String]
    public var information: String?
    public var connection: SDPConnection?
    public var bandwidths: [SDPBandwidth]
    public var attributes: [SDPAttribute]

    public init(mediaType: String, port: UInt16, portCount: Int? = nil, transportProtocol: String,
                formats: [String], information: String? = nil, connection: SDPConnection? = nil,
                bandwidths: [SDPBandwidth] = [], attributes: [SDPAttribute] = []) {
        self.mediaType = mediaType
        self.port = port
        self.portCount = portCount
        self.transportProtocol = transportProtocol
        self.formats = formats
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.attributes = attributes
    }

    /// audio or video, nil for anything else.
    public var kind: SDPMediaKind? { SDPMediaKind(rawValue: mediaType.lowercased()) }

    /// The value after `m=`.
    public var mediaLine: String {
        let port = portCount.map { "\(self.port)/\($0)" } ?? "\(self.port)"
        return ([mediaType, port, transportProtocol] + formats).joined(separator: " ")
    }

    /// Whether the formats are RTP payload type numbers: any protocol with an `RTP/` profile
    /// component (RTP/AVP, RTP/SAVPF, UDP/TLS/RTP/SAVPF, ...; RFC 8866 §5.14).
    public var isRTP: Bool { Self.isRTP(transportProtocol) }

    /// RTP/SAVP or RTP/SAVPF: the offerer requires SRTP (RFC 4568 §3.1.3).
    public var isSecureProfile: Bool {
        let proto = transportProtocol.uppercased()
        return proto == "RTP/SAVP" || proto == "RTP/SAVPF"
    }

    /// RTP/AVPF or RTP/SAVPF (RFC 4585, RFC 5124): RTCP feedback profile.
    public var isFeedbackProfile: Bool {
        let proto = transportProtocol.uppercased()
        return proto == "RTP/AVPF" || proto == "RTP/SAVPF"
    }

    /// The payload type numbers of an RTP section, in order (invalid entries skipped; the
    /// parser refuses them anyway).
    public var payloadTypes: [UInt8] {
        formats.compactMap { UInt8($0) }.filter { $0 < 128 }
    }

    static func isRTP(_ proto: some StringProtocol) -> Bool {
        SDPText.pieces(proto.uppercased(), separator: UInt8(ascii: "/")).contains("RTP")
    }
}
