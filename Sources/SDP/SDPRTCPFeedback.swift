/// `a=rtcp-fb:<payload type or *> <type> [<parameters>]` (RFC 4585 §4.2), e.g. `nack`,
/// `nack pli`, `ccm fir` (RFC 5104 §7.1).
public struct SDPRTCPFeedback: Equatable, Sendable {
    /// A payload type number as text, or `*` for every payload type of the section.
    public var format: String
    public var type: String
    /// Everything after the type (`pli`, `fir`, `tmmbr smaxpr=120`), nil when absent.
    public var parameter: String?

    public init(format: String, type: String, parameter: String? = nil) {
        self.format = format
        self.type = type
        self.parameter = parameter
    }

    public init?(value: some StringProtocol) {
        let fields = SDPText.fields(value)
        guard fields.count >= 2 else { return nil }
        self.init(format: fields[0], type: fields[1],
                  parameter: fields.count > 2 ? fields[2...].joined(separator: " ") : nil)
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("rtcp-fb"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    /// Whether this line covers `payloadType` (its number or `*`).
    public func applies(to payloadType: UInt8) -> Bool {
        format == "*" || SDPText.integer(format, as: UInt8.self) == payloadType
    }

    /// The feedback message this line names, if it is one the bridge implements.
    public var knownMessage: SDPRTCPFeedbackSet? {
        let type = type.lowercased(), parameter = parameter?.lowercased()
        switch (type, parameter) {
        case ("nack", nil): return .nack
        case ("nack", "pli"): return .pli
        case ("ccm", "fir"): return .fir
        default: return nil
        }
    }

    public var value: String {
        parameter.map { "\(format) \(type) \($0)" } ?? "\(format) \(type)"
    }

    public var attribute: SDPAttribute { SDPAttribute("rtcp-fb", value) }
}
