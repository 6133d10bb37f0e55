/// Where a request came from, as the transport saw it: what RFC 3261 §18.2.1 (`received`)
/// and RFC 3581 §4 (`rport`) record in the topmost Via.
public struct SIPSourceAddress: Sendable, Hashable, CustomStringConvertible {
    /// IP address text (IPv6 without brackets).
    public var host: String
    public var port: UInt16

    public init(host: String, port: UInt16) {
        self.host = host
        self.port = port
    }

    public var description: String {
        host.utf8.contains(UInt8(ascii: ":")) ? "[\(host)]:\(port)" : "\(host):\(port)"
    }
}
