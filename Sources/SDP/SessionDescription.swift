/// A parsed or built SDP body (RFC 8866): the session-level lines the media engine and the
/// offer/answer model need, and the media sections in order. What we do not model (u=, e=,
/// p=, z=, k=, r= lines and unknown types) is dropped by the parser; unknown attributes are
/// kept. `v=` is always 0 and is not stored.
public struct SessionDescription: Equatable, Sendable {
    public var origin: SDPOrigin
    /// s=; RFC 8866 §5.3 asks for a single space or "-" when there is nothing to say.
    public var sessionName: String
    /// i=, the optional session information.
    public var information: String?
    /// The session-level c=, the default for every media section without its own.
    public var connection: SDPConnection?
    public var bandwidths: [SDPBandwidth]
    /// t= lines; at least one in a valid description.
    public var timings: [SDPTiming]
    public var attributes: [SDPAttribute]
    public var media: [MediaDescription]

    public init(origin: SDPOrigin, sessionName: String = "-", information: String? = nil,
                connection: SDPConnection? = nil, bandwidths: [SDPBandwidth] = [],
                timings: [SDPTiming] = [.permanent], attributes: [SDPAttribute] = [],
                media: [MediaDescription] = []) {
        self.origin = origin
        self.sessionName = sessionName
        self.information = information
        self.connection = connection
        self.bandwidths = bandwidths
        self.timings = timings
        self.attributes = attributes
        self.media = media
    }

    /// Parses an SDP body; see `SDPParser`.
    public init(parsing text: String) throws(SDPError) {
        self = try SDPParser.parse(text)
    }

    /// Parses an SDP body as bytes (a SIP message body); see `SDPParser`.
    public init(parsing bytes: some Collection<UInt8>) throws(SDPError) {
        self = try SDPParser.parse(bytes)
    }

    /// The session-level direction attribute, if any.
    public var direction: SDPMediaDirection? { attributes.direction }

    /// The direction that applies to `media`: its own attribute, else the session's, else
    /// sendrecv (RFC 8866 §6.7).
    public func direction(of media: MediaDescription) -> SDPMediaDirection {
        media.direction ?? direction ?? .sendrecv
    }

    /// The c= that applies to `media`: its own, else the session's (RFC 8866 §5.7).
    public func connection(of media: MediaDescription) -> SDPConnection? {
        media.connection ?? connection
    }
}
