/// Extends wrapping 16-bit RTP sequence numbers or 32-bit RTP timestamps to a monotonic
/// 64-bit count (RFC 3550 §A.1 keeps a cycle count the same way). A value is placed in the
/// cycle that puts it nearest to the previous one, so reordering across a wrap is handled.
public struct SequenceUnwrapper<Value: FixedWidthInteger & UnsignedInteger>: Sendable {
    private var last: Int64?

    public init() {}

    public mutating func unwrap(_ value: Value) -> Int64 {
        let range = Int64(1) << Int64(Value.bitWidth)
        guard let last else {
            self.last = Int64(value)
            return Int64(value)
        }
        let lastLow = last & (range - 1)
        var delta = Int64(value) - lastLow
        if delta > range / 2 { delta -= range } else if delta < -range / 2 { delta += range }
        let unwrapped = last + delta
        // Only move forward: a late packet must not drag the reference back a cycle.
        if unwrapped > last { self.last = unwrapped }
        return unwrapped
    }

    public mutating func reset() { last = nil }
}
