/// Bounds on what the parser and framer accept, so that a peer cannot make the control plane
/// buffer or parse without end. Exceeding one is a `SIPParseError` with its own status:
/// 513 for the message or header section (RFC 3261 §21.5.14), 413 for the body (§21.4.11).
public struct SIPLimits: Sendable, Hashable {
    /// A whole message: a datagram, or header section plus Content-Length on a stream.
    /// 64 KiB is the largest UDP datagram, and far above any real SIP message.
    public var maximumMessageBytes: Int
    /// The start line and header fields up to the empty line.
    public var maximumHeaderBytes: Int
    /// Header lines (a line with a comma-separated list counts once).
    public var maximumHeaderFields: Int
    /// The body (Content-Length, or what a datagram carries after the headers).
    public var maximumBodyBytes: Int

    public init(
        maximumMessageBytes: Int = 65_536, maximumHeaderBytes: Int = 32_768,
        maximumHeaderFields: Int = 256, maximumBodyBytes: Int = 32_768
    ) {
        self.maximumMessageBytes = maximumMessageBytes
        self.maximumHeaderBytes = maximumHeaderBytes
        self.maximumHeaderFields = maximumHeaderFields
        self.maximumBodyBytes = maximumBodyBytes
    }

    public static let `default` = SIPLimits()
}
