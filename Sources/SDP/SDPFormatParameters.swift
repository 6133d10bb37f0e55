/// `a=fmtp:<format> <format specific parameters>` (RFC 8866 §6.15). Parameters are the usual
/// `name=value;name=value` list (RFC 6184 §8.1, RFC 7587 §6.1); entries without `=` (the
/// telephone-event list `0-15`, RFC 4733 §2.4.1) are kept with a nil value.
public struct SDPFormatParameters: Equatable, Sendable {
    public struct Parameter: Equatable, Sendable {
        public var name: String
        public var value: String?

        public init(_ name: String, _ value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    public var format: String
    public var parameters: [Parameter]

    public init(format: String, parameters: [Parameter]) {
        self.format = format
        self.parameters = parameters
    }

    /// Parses the attribute value; nil when there is no format.
    public init?(value: some StringProtocol) {
        let trimmed = SDPText.trimmed(value)
        let (format, rest) = SDPText.splitAtWhitespace(trimmed) ?? (trimmed, "")
        guard !format.isEmpty else { return nil }
        var parameters: [Parameter] = []
        for piece in SDPText.pieces(rest, separator: UInt8(ascii: ";")) {
            let entry = SDPText.trimmed(piece)
            if entry.isEmpty { continue }
            if let (name, value) = SDPText.split(entry, at: UInt8(ascii: "=")) {
                parameters.append(Parameter(SDPText.trimmed(name), SDPText.trimmed(value)))
            } else {
                parameters.append(Parameter(entry))
            }
        }
        self.init(format: format, parameters: parameters)
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("fmtp"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    /// The value of the first parameter with this name (names are case-insensitive, RFC 4855 §3).
    public subscript(name: String) -> String? {
        parameters.first { SDPText.equalsIgnoringCase($0.name, name) }?.value
    }

    /// A decimal parameter, nil when absent or not a number.
    public func integer(_ name: String) -> Int? {
        self[name].flatMap { SDPText.integer($0, as: Int.self) }
    }

    public var value: String {
        let list = parameters.map { parameter in parameter.value.map { "\(parameter.name)=\($0)" } ?? parameter.name }
        return list.isEmpty ? format : format + " " + list.joined(separator: ";")
    }

    public var attribute: SDPAttribute { SDPAttribute("fmtp", value) }
}
