/// One a= line (RFC 8866 §5.13): `a=<name>` (a property) or `a=<name>:<value>`. Sections keep
/// their attributes as an ordered list so that unknown ones survive a round trip unchanged;
/// typed views (`SDPRTPMap`, `SDPFormatParameters`, ...) read from that list.
public struct SDPAttribute: Equatable, Sendable {
    public var name: String
    /// nil for a property attribute (`a=rtcp-mux`); "" for `a=name:` with nothing after it.
    public var value: String?

    public init(_ name: String, _ value: String? = nil) {
        self.name = name
        self.value = value
    }

    /// The line without `a=` or CRLF.
    public var text: String {
        guard let value else { return name }
        return name + ":" + value
    }

    /// Attribute names compare ASCII-case-insensitively: RFC 8866 does not say they are case
    /// sensitive, and a peer writing `a=RTPMAP` still means rtpmap.
    public func hasName(_ other: String) -> Bool { SDPText.equalsIgnoringCase(name, other) }
}

extension Array where Element == SDPAttribute {
    /// Every attribute with this name, in order.
    public func all(named name: String) -> [SDPAttribute] { filter { $0.hasName(name) } }

    /// The first attribute with this name.
    public func first(named name: String) -> SDPAttribute? { first { $0.hasName(name) } }

    /// Whether an attribute with this name is present (for property attributes like rtcp-mux).
    public func contains(named name: String) -> Bool { contains { $0.hasName(name) } }

    /// The direction attribute (RFC 8866 §6.7), the last one if a peer wrote several.
    public var direction: SDPMediaDirection? {
        for attribute in reversed() where attribute.value == nil {
            if let direction = SDPMediaDirection.allCases.first(where: { attribute.hasName($0.rawValue) }) { return direction }
        }
        return nil
    }
}
