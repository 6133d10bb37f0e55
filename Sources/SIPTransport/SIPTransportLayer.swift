import NIOCore
import NIOPosix
import NIOSSL
import SIP
import Synchronization

/// SIP over UDP, TCP and TLS on one swift-nio event loop. Everything the SIP core does runs
/// on that loop, so transactions and dialogs need no locks.
public final class SIPTransportLayer: Sendable {
    public typealias Handler = @Sendable (SIPInbound, SIPConnection) -> Void

    public let group: MultiThreadedEventLoopGroup
    public var eventLoop: EventLoop { group.next() }
    private let handler: Handler
    private let parser: SIPParser
    private let channels = Mutex<[Channel]>([])
    private let udpChannel = Mutex<Channel?>(nil)
    /// Stream connections we opened, by "kind host:port", reused for later requests.
    private let outboundStreams = Mutex<[String: Channel]>([:])

    public init(parser: SIPParser = SIPParser(), handler: @escaping Handler) {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        self.parser = parser
        self.handler = handler
    }

    /// Binds UDP; returns the port really bound (0 asks for any free port).
    public func bindUDP(host: String, port: Int) async throws -> Int {
        try await udpBootstrap().bind(host: host, port: port).flatMap { self.registerUDP($0) }.get()
    }

    /// Blocking variant for synchronous start-up code (never call on the event loop).
    public func bindUDPBlocking(host: String, port: Int) throws -> Int {
        try udpBootstrap().bind(host: host, port: port).flatMap { self.registerUDP($0) }.wait()
    }

    private func registerUDP(_ channel: Channel) -> EventLoopFuture<Int> {
        udpChannel.withLock { if $0 == nil { $0 = channel } }
        return register(channel)
    }

    /// A flow for a request we originate (dial-out): UDP from our listening socket (so the
    /// peer's responses and later requests reach it), or a new TCP/TLS connection, reused
    /// while it is open. TLS does not verify the peer's certificate: endpoints commonly
    /// present self-signed ones (like CMS with verification off); say so in the docs.
    public func connect(_ kind: SIPTransportKind, host: String, port: Int) -> EventLoopFuture<SIPConnection> {
        let loop = eventLoop
        let address: NIOCore.SocketAddress
        do { address = try NIOCore.SocketAddress.makeAddressResolvingHost(host, port: port) } catch {
            return loop.makeFailedFuture(error)
        }
        if kind == .udp {
            guard let channel = udpChannel.withLock({ $0 }) else {
                return loop.makeFailedFuture(ChannelError.ioOnClosedChannel)
            }
            return loop.makeSucceededFuture(SIPConnection(kind: .udp, remote: address, channel: channel))
        }
        let key = "\(kind.rawValue) \(host):\(port)"
        if let open = outboundStreams.withLock({ $0[key] }), open.isActive {
            return loop.makeSucceededFuture(SIPConnection(kind: kind, remote: address, channel: open))
        }
        let handler = self.handler, parser = self.parser
        let sslContext: NIOSSLContext?
        if kind == .tls {
            var configuration = TLSConfiguration.makeClientConfiguration()
            configuration.certificateVerification = .none
            configuration.minimumTLSVersion = .tlsv12
            do { sslContext = try NIOSSLContext(configuration: configuration) } catch { return loop.makeFailedFuture(error) }
        } else {
            sslContext = nil
        }
        return ClientBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .connectTimeout(.seconds(5))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(try NIOSSLClientHandler(context: sslContext, serverHostname: nil))
                    }
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(kind: kind, parser: parser, handler: handler))
                }
            }
            .connect(to: address)
            .map { channel in
                self.outboundStreams.withLock { $0[key] = channel }
                self.channels.withLock { $0.append(channel) }
                return SIPConnection(kind: kind, remote: address, channel: channel)
            }
    }

    /// Binds a TCP listener, or TLS when `tls` is given; returns the port really bound.
    public func bindStream(host: String, port: Int, tls: TLSIdentity? = nil) async throws -> Int {
        try await streamBootstrap(tls: tls).bind(host: host, port: port).flatMap { self.register($0) }.get()
    }

    public func bindStreamBlocking(host: String, port: Int, tls: TLSIdentity? = nil) throws -> Int {
        try streamBootstrap(tls: tls).bind(host: host, port: port).flatMap { self.register($0) }.wait()
    }

    private func register(_ channel: Channel) -> EventLoopFuture<Int> {
        channels.withLock { $0.append(channel) }
        return channel.eventLoop.makeSucceededFuture(channel.localAddress?.port ?? 0)
    }

    private func udpBootstrap() -> DatagramBootstrap {
        let handler = self.handler, parser = self.parser
        return DatagramBootstrap(group: group)
            .channelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .channelOption(ChannelOptions.socketOption(.so_rcvbuf), value: 4 << 20)
            // recvmmsg batching for bursts of SIP over UDP. NIO divides one receive buffer
            // among the batch, so the buffer must hold 32 full-size SIP datagrams.
            .channelOption(ChannelOptions.datagramVectorReadMessageCount, value: 32)
            .channelOption(ChannelOptions.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: 32 * 9216))
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(SIPDatagramHandler(parser: parser, handler: handler))
                }
            }
    }

    private func streamBootstrap(tls: TLSIdentity?) throws -> ServerBootstrap {
        let handler = self.handler, parser = self.parser
        let sslContext: NIOSSLContext? = try tls.map { identity in
            let certificates = try NIOSSLCertificate.fromPEMBytes(Array(identity.certificatePEM.utf8))
            let key = try NIOSSLPrivateKey(bytes: Array(identity.privateKeyPEM.utf8), format: .pem)
            var configuration = TLSConfiguration.makeServerConfiguration(
                certificateChain: certificates.map { .certificate($0) }, privateKey: .privateKey(key))
            configuration.minimumTLSVersion = .tlsv12
            return try NIOSSLContext(configuration: configuration)
        }
        let kind: SIPTransportKind = tls == nil ? .tcp : .tls
        return ServerBootstrap(group: group)
            .serverChannelOption(ChannelOptions.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(ChannelOptions.backlog, value: 256)
            .childChannelOption(ChannelOptions.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    if let sslContext {
                        try channel.pipeline.syncOperations.addHandler(NIOSSLServerHandler(context: sslContext))
                    }
                    try channel.pipeline.syncOperations.addHandler(SIPStreamHandler(kind: kind, parser: parser, handler: handler))
                }
            }
    }

    /// Runs `body` on the transport loop (where the SIP core lives).
    public func execute(_ body: @escaping @Sendable () -> Void) { eventLoop.execute(body) }

    public func shutdown() async {
        for channel in channels.withLock({ $0 }) { try? await channel.close() }
        try? await group.shutdownGracefully()
    }

    public func shutdownBlocking() {
        for channel in channels.withLock({ $0 }) { try? channel.close().wait() }
        try? group.syncShutdownGracefully()
    }
}

/// Datagrams: one message per datagram, its length framing the body (RFC 3261 §18.3).
final class SIPDatagramHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    let parser: SIPParser
    let handler: SIPTransportLayer.Handler

    init(parser: SIPParser, handler: @escaping SIPTransportLayer.Handler) {
        self.parser = parser
        self.handler = handler
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = unwrapInboundIn(data)
        let connection = SIPConnection(kind: .udp, remote: envelope.remoteAddress, channel: context.channel)
        let bytes = envelope.data.readableBytesView
        // Keep-alives (RFC 5626 §3.5.1 over UDP is STUN, but many UAs send bare CRLFs).
        if bytes.allSatisfy({ $0 == 13 || $0 == 10 }) { return }
        do {
            let message = try parser.parse(datagram: Array(bytes))
            handler(.message(message), connection)
        } catch let error as SIPParseError {
            handler(.malformed(error), connection)
        } catch {}
    }
}

/// TCP/TLS: the framer cuts the stream into messages by Content-Length.
final class SIPStreamHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    let kind: SIPTransportKind
    let handler: SIPTransportLayer.Handler
    private var framer: SIPStreamFramer

    init(kind: SIPTransportKind, parser: SIPParser, handler: @escaping SIPTransportLayer.Handler) {
        self.kind = kind
        self.handler = handler
        framer = SIPStreamFramer(parser: parser)
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let buffer = unwrapInboundIn(data)
        guard let remote = context.channel.remoteAddress else { return }
        let connection = SIPConnection(kind: kind, remote: remote, channel: context.channel)
        framer.append(buffer.readableBytesView)
        while true {
            do {
                guard let output = try framer.next() else { break }
                switch output {
                case .message(let message): handler(.message(message), connection)
                case .keepAlivePing: connection.send([13, 10])
                case .keepAlivePong: break
                }
            } catch {
                handler(.malformed(error), connection)
                if framer.isFailed {
                    context.close(promise: nil)
                    return
                }
            }
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        context.close(promise: nil)
    }
}
