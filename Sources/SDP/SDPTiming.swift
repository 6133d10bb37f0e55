/// A t= line (RFC 8866 §5.9). SIP sessions use `t=0 0`: permanent, unbounded (RFC 3264 §5).
public struct SDPTiming: Equatable, Sendable {
    public var start: UInt64
    public var stop: UInt64

    public init(start: UInt64, stop: UInt64) {
        self.start = start
        self.stop = stop
    }

    public static let permanent = SDPTiming(start: 0, stop: 0)

    /// The value after `t=`.
    public var value: String { "\(start) \(stop)" }
}
