/// What answering an offer produces: the description to send and the agreed streams.
public struct SDPAnswer: Equatable, Sendable {
    public var description: SessionDescription
    public var session: NegotiatedSession

    public init(description: SessionDescription, session: NegotiatedSession) {
        self.description = description
        self.session = session
    }
}
