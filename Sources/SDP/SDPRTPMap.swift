/// `a=rtpmap:<payload type> <encoding name>/<clock rate>[/<encoding parameters>]`
/// (RFC 8866 §6.6): what a dynamic payload type number means in this media section.
public struct SDPRTPMap: Equatable, Sendable {
    public var payloadType: UInt8
    public var encodingName: String
    public var clockRate: Int
    /// Channels for audio (RFC 8866 §6.6: absent means one).
    public var encodingParameters: Int?

    public init(payloadType: UInt8, encodingName: String, clockRate: Int, encodingParameters: Int? = nil) {
        self.payloadType = payloadType
        self.encodingName = encodingName
        self.clockRate = clockRate
        self.encodingParameters = encodingParameters
    }

    /// Parses the attribute value; nil when it does not follow the grammar.
    public init?(value: some StringProtocol) {
        let fields = SDPText.fields(value)
        guard fields.count == 2, let payloadType = SDPText.integer(fields[0], as: UInt8.self), payloadType < 128 else {
            return nil
        }
        let parts = SDPText.pieces(fields[1], separator: UInt8(ascii: "/"))
        guard (2...3).contains(parts.count), !parts[0].isEmpty,
              let clockRate = SDPText.integer(parts[1], as: Int32.self), clockRate > 0 else { return nil }
        var encodingParameters: Int?
        if parts.count == 3 {
            guard let parameters = SDPText.integer(parts[2], as: Int32.self) else { return nil }
            encodingParameters = Int(parameters)
        }
        self.init(payloadType: payloadType, encodingName: parts[0], clockRate: Int(clockRate),
                  encodingParameters: encodingParameters)
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("rtpmap"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    public var value: String {
        let base = "\(payloadType) \(encodingName)/\(clockRate)"
        return encodingParameters.map { base + "/\($0)" } ?? base
    }

    public var attribute: SDPAttribute { SDPAttribute("rtpmap", value) }

    /// Encoding names are case-insensitive (RFC 4855 §3).
    public func isEncoding(_ name: String, clockRate: Int) -> Bool {
        self.clockRate == clockRate && SDPText.equalsIgnoringCase(encodingName, name)
    }

    /// Channels, one when not written.
    public var channels: Int { encodingParameters ?? 1 }
}
