/// The direction attributes (RFC 8866 §6.7), always from the point of view of the party that
/// wrote them. A session-level one is the default for every media section without its own.
public enum SDPMediaDirection: String, CaseIterable, Sendable {
    case sendrecv
    case sendonly
    case recvonly
    case inactive

    public init(sends: Bool, receives: Bool) {
        switch (sends, receives) {
        case (true, true): self = .sendrecv
        case (true, false): self = .sendonly
        case (false, true): self = .recvonly
        case (false, false): self = .inactive
        }
    }

    public var sends: Bool { self == .sendrecv || self == .sendonly }
    public var receives: Bool { self == .sendrecv || self == .recvonly }

    /// The same stream seen from the other end: what one side sends the other receives
    /// (RFC 3264 §6.1: sendonly is answered recvonly, and so on).
    public var reversed: SDPMediaDirection { SDPMediaDirection(sends: receives, receives: sends) }

    /// Both ends' wishes combined: send only where we want to and the peer receives.
    public func intersection(_ other: SDPMediaDirection) -> SDPMediaDirection {
        SDPMediaDirection(sends: sends && other.sends, receives: receives && other.receives)
    }

    public var attribute: SDPAttribute { SDPAttribute(rawValue) }
}
