/// `a=rtcp:<port> [<nettype> <addrtype> <address>]` (RFC 3605 §2.1): RTCP is not on RTP
/// port + 1, e.g. behind a NAT that did not keep the pair.
public struct SDPRTCPAttribute: Equatable, Sendable {
    public var port: UInt16
    public var connection: SDPConnection?

    public init(port: UInt16, connection: SDPConnection? = nil) {
        self.port = port
        self.connection = connection
    }

    public init?(value: some StringProtocol) {
        let fields = SDPText.fields(value)
        guard fields.count == 1 || fields.count == 4, let port = SDPText.integer(fields[0], as: UInt16.self) else {
            return nil
        }
        self.init(port: port, connection: fields.count == 4
                  ? SDPConnection(networkType: fields[1], addressType: fields[2], address: fields[3])
                  : nil)
    }

    public init?(_ attribute: SDPAttribute) {
        guard attribute.hasName("rtcp"), let value = attribute.value else { return nil }
        self.init(value: value)
    }

    public var value: String { connection.map { "\(port) \($0.value)" } ?? "\(port)" }

    public var attribute: SDPAttribute { SDPAttribute("rtcp", value) }
}
