import Foundation
import Logging
import HTTPTypes
import Hummingbird
import HummingbirdTLS
import NIOCore
import NIOSSL
import Synchronization

/// The HTTPS server in front of `AdminAPI` (REST API, web admin, /metrics), on Hummingbird.
/// It owns no logic: each request becomes an `APIRequest` and each `APIResponse` a response.
public final class AdminServer: Sendable {
    public let port: Int
    private let task: Mutex<Task<Void, any Error>?>

    private init(port: Int, task: Task<Void, any Error>) {
        self.port = port
        self.task = Mutex(task)
    }

    /// Starts listening on host:port (0 picks a free port) with the PEM certificate chain and
    /// key; returns once the socket is bound.
    public static func start(api: AdminAPI, host: String, port: Int, certificateChainPEM: String,
                             privateKeyPEM: String) async throws -> AdminServer {
        let chain = try NIOSSLCertificate.fromPEMBytes(Array(certificateChainPEM.utf8)).map { NIOSSLCertificateSource.certificate($0) }
        let key = try NIOSSLPrivateKey(bytes: Array(privateKeyPEM.utf8), format: .pem)
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .privateKey(key))
        tls.minimumTLSVersion = .tlsv12
        let responder = CallbackResponder<BasicRequestContext> { request, _ in
            await Self.respond(api: api, request: request)
        }
        let (bound, boundContinuation) = AsyncStream<Int>.makeStream()
        let app = Application(
            responder: responder,
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(host, port: port), serverName: "callbridge"),
            onServerRunning: { channel in
                boundContinuation.yield(channel.localAddress?.port ?? port)
                boundContinuation.finish()
            },
            logger: Logger(label: "callbridge.admin"))
        let task = Task {
            do { try await app.run() } catch {
                // A bind failure: end the stream so start() reports it instead of waiting.
                boundContinuation.finish()
                throw error
            }
        }
        var iterator = bound.makeAsyncIterator()
        guard let actual = await iterator.next() else {
            task.cancel()
            throw AdminServerError(reason: "the admin server stopped before listening on \(host):\(port)")
        }
        return AdminServer(port: actual, task: task)
    }

    static func respond(api: AdminAPI, request: Request) async -> Response {
        var request = request
        var headers: [String: String] = [:]
        for field in request.headers { headers[field.name.canonicalName] = field.value }
        let body: [UInt8]
        do {
            let buffer = try await request.collectBody(upTo: 1 << 20)
            body = Array(buffer.readableBytesView)
        } catch {
            return Response(status: .contentTooLarge)
        }
        let apiRequest = APIRequest(method: request.method.rawValue, path: request.uri.path, query: request.uri.query ?? "",
                                    headers: headers, body: body)
        let answer = await api.handle(apiRequest)
        var fields = HTTPFields()
        for (name, value) in answer.headers {
            if let fieldName = HTTPField.Name(name) { fields.append(HTTPField(name: fieldName, value: value)) }
        }
        fields.append(HTTPField(name: .contentLength, value: String(answer.body.count)))
        let payload = request.method == .head ? [] : answer.body
        return Response(status: .init(code: answer.status), headers: fields, body: .init(byteBuffer: ByteBuffer(bytes: payload)))
    }

    public func stop() {
        task.withLock { $0?.cancel(); $0 = nil }
    }
}

public struct AdminServerError: Error, CustomStringConvertible {
    public var reason: String
    public var description: String { reason }
}
