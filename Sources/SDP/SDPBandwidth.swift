/// A b= line (RFC 8866 §5.8): `AS` and `CT` in kilobits per second, `TIAS` (RFC 3890) in
/// bits per second; other types are kept as written.
public struct SDPBandwidth: Equatable, Sendable {
    public var type: String
    public var value: UInt64

    public init(type: String, value: UInt64) {
        self.type = type
        self.value = value
    }

    /// The value after `b=`.
    public var text: String { "\(type):\(value)" }

    /// The limit in bits per second for the types whose unit we know, nil otherwise.
    public var bitsPerSecond: UInt64? {
        switch type.uppercased() {
        case "AS", "CT": return value.multipliedReportingOverflow(by: 1000).overflow ? .max : value * 1000
        case "TIAS": return value
        default: return nil
        }
    }
}
