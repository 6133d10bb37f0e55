/// One header line as received or to be sent: a name and its raw value.
///
/// `value` is the text after the colon with surrounding white space removed and folded
/// continuation lines joined by a single space (RFC 3261 §7.3.1 makes the two equivalent).
/// A line may hold several comma-separated values; `SIPHeaders.values(for:)` splits them.
public struct SIPHeaderField: Sendable, Hashable, CustomStringConvertible {
    public var name: SIPHeaderName
    public var value: String

    public init(_ name: SIPHeaderName, _ value: String) {
        self.name = name
        self.value = value
    }

    public var description: String { name.canonicalName + ": " + value }
}
