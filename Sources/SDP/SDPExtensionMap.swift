/// `a=extmap:<id>[/<direction>] <URI> [<extension attributes>]` (RFC 8285 §7): an RTP header
/// extension the writer can use. Parsed so the control plane can see what a peer offers; the
/// bridge does not negotiate any yet.
public struct SDPExtensionMap: Equatable, Sendable {
    public var id: Int
    public var direction: SDPMediaDirection?
    public var uri: String
    public var extensionAttributes: String?

    public init(id: Int, direction: SDPMediaDirection? = nil, uri: String, extensionAttributes: String? = nil) {
        self.id = id
        self.direction = direction
        self.uri = uri
        self.extensionAttributes = extensionAttributes
    }

    public init?(value: some StringProtocol) {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else { return nil }
        let idParts = SDPText.pieces(fields[0], separator: UInt8(ascii: "/"))
        guard (1...2).contains(idParts.count), let id = SDPText.integer(idParts[0], as: UInt16.self) else { return nil }
        var direction: SDPMediaDirection?
        if idParts.count == 2 {
            guard let parsed = SDPMediaDirection(rawValue: idParts[1].lowercased()) else { return nil }
            direction = parsed
        }
        self.init(id: Int(id), direction: direction, uri: fields[1],
                  extensionAttributes: fields.count > 2 ? fields[2...].joined(separator: " ") : nil)
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("extmap"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    public var value: String {
        var text = direction.map { "\(id)/\($0.rawValue)" } ?? "\(id)"
        text += " " + uri
        if let extensionAttributes { text += " " + extensionAttributes }
        return text
    }

    public var attribute: SDPAttribute { SDPAttribute("extmap", value) }
}
