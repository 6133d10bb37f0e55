/// `a=ssrc:<ssrc-id> <attribute>[:<value>]` (RFC 5576 §4.1), e.g. `cname:...`: which SSRCs a
/// peer will send, so RTCP and latching can be checked against them.
public struct SDPSourceAttribute: Equatable, Sendable {
    public var ssrc: UInt32
    /// The source attribute's name (`cname`, `msid`, ...).
    public var name: String
    public var value: String?

    public init(ssrc: UInt32, name: String, value: String? = nil) {
        self.ssrc = ssrc
        self.name = name
        self.value = value
    }

    public init?(value text: some StringProtocol) {
        guard let (id, tail) = SDPText.splitAtWhitespace(SDPText.trimmed(text)),
              let ssrc = SDPText.integer(id, as: UInt32.self) else { return nil }
        let rest = SDPText.trimmed(tail)
        guard !rest.isEmpty else { return nil }
        if let (name, value) = SDPText.split(rest, at: UInt8(ascii: ":")) {
            self.init(ssrc: ssrc, name: name, value: value)
        } else {
            self.init(ssrc: ssrc, name: rest)
        }
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("ssrc"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    /// The `a=ssrc` attribute (its value is `<ssrc-id> <name>[:<value>]`).
    public var attribute: SDPAttribute {
        SDPAttribute("ssrc", value.map { "\(ssrc) \(name):\($0)" } ?? "\(ssrc) \(name)")
    }
}
