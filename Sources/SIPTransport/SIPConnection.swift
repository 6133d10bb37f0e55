import NIOCore
import SIP

public enum SIPTransportKind: String, Sendable {
    case udp = "UDP"
    case tcp = "TCP"
    case tls = "TLS"
}

/// Where a message came from and how to answer it: responses go back over the connection the
/// request came on (RFC 3261 §18.2.2), to the source address and port for UDP (RFC 3581 §4).
public struct SIPConnection: Sendable {
    public let kind: SIPTransportKind
    public let remote: NIOCore.SocketAddress
    let channel: Channel

    /// A flow over `channel`: a datagram channel sends to `remote`, a stream channel to its peer.
    public init(kind: SIPTransportKind, remote: NIOCore.SocketAddress, channel: Channel) {
        self.kind = kind
        self.remote = remote
        self.channel = channel
    }

    /// The peer as SIP headers write it (Via received/rport).
    public var source: SIPSourceAddress {
        SIPSourceAddress(host: remote.ipAddress ?? "0.0.0.0", port: UInt16(remote.port ?? 0))
    }

    /// A key identifying this peer's flow (datagram source, or the stream connection).
    public var flowKey: String {
        kind == .udp ? "udp:\(remote)" : "\(kind.rawValue):\(ObjectIdentifier(channel))"
    }

    public var isReliable: Bool { kind != .udp }

    /// The loop this connection's I/O (and the SIP core) runs on.
    public var eventLoop: EventLoop { channel.eventLoop }

    public func send(_ message: SIPMessage) { send(message.serialized()) }

    public func send(_ bytes: [UInt8]) {
        let buffer = channel.allocator.buffer(bytes: bytes)
        switch kind {
        case .udp:
            channel.writeAndFlush(AddressedEnvelope(remoteAddress: remote, data: buffer), promise: nil)
        case .tcp, .tls:
            channel.writeAndFlush(buffer, promise: nil)
        }
    }

    func close() { channel.close(promise: nil) }
}

/// What the transports hand the SIP core (always on the transport event loop).
public enum SIPInbound: Sendable {
    case message(SIPMessage)
    /// Parsed far enough to answer (if `canRespond`), too broken to process.
    case malformed(SIPParseError)
}
