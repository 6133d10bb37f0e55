/// The RTCP feedback messages the bridge implements and negotiates: generic NACK (RFC 4585
/// §6.2.1), picture loss indication (§6.3.1) and full intra request (RFC 5104 §4.3.1).
public struct SDPRTCPFeedbackSet: OptionSet, Hashable, Sendable {
    public let rawValue: UInt8
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// `a=rtcp-fb:<pt> nack`
    public static let nack = SDPRTCPFeedbackSet(rawValue: 1 << 0)
    /// `a=rtcp-fb:<pt> nack pli`
    public static let pli = SDPRTCPFeedbackSet(rawValue: 1 << 1)
    /// `a=rtcp-fb:<pt> ccm fir`
    public static let fir = SDPRTCPFeedbackSet(rawValue: 1 << 2)

    public static let all: SDPRTCPFeedbackSet = [.nack, .pli, .fir]

    /// The lines for `payloadType`, in the order nack, nack pli, ccm fir.
    public func attributes(payloadType: UInt8) -> [SDPAttribute] {
        var lines: [SDPRTCPFeedback] = []
        if contains(.nack) { lines.append(SDPRTCPFeedback(format: "\(payloadType)", type: "nack")) }
        if contains(.pli) { lines.append(SDPRTCPFeedback(format: "\(payloadType)", type: "nack", parameter: "pli")) }
        if contains(.fir) { lines.append(SDPRTCPFeedback(format: "\(payloadType)", type: "ccm", parameter: "fir")) }
        return lines.map(\.attribute)
    }
}
