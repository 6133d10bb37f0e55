import Glibc
import MediaCore
import SIP
import SIPTransport
import Synchronization

/// A small SIP user agent client for the load generator: INVITE (over UDP retransmitted with
/// RFC 3261 §17.1.1.2 Timer A doubling), ACK for the 2xx, BYE. Every leg shares one flow: a
/// UDP socket with a receive thread, or one TLS connection (to the bridge's SIP port + 1, no
/// certificate verification: the bridge's is self-signed) through our swift-nio transport.
/// Responses are matched to transactions by Call-ID and CSeq; the bridge's in-dialog requests
/// (BYE, OPTIONS, session refreshes) are answered; every wait has a deadline, so a bridge that
/// stops answering is reported, not waited on.
final class SIPCaller: @unchecked Sendable {
    enum Transport: String, Sendable { case udp, tls }

    /// Lets the TLS transport's handler (made before `self`) reach the caller.
    private final class Route: @unchecked Sendable { weak var caller: SIPCaller? }
    struct Dialog: Sendable {
        var callID: String
        var localTag: String
        var remoteTag: String?
        var from: SIPNameAddress
        var to: SIPNameAddress
        var target: SIPAnyURI
        var routeSet: [SIPNameAddress]
        var cseq: UInt32
        var offer: [UInt8]
    }

    enum InviteResult: Sendable {
        case answered(Dialog, sdp: String)
        case rejected(status: Int, reason: String, retryAfter: Int?)
        case noAnswer
    }

    let transport: Transport
    private let socket: UDPSocket
    private var layer: SIPTransportLayer?
    private var connection: SIPConnection?
    let localPort: UInt16
    /// Our offer per call, answered again to a session refresh (re-INVITE) from the bridge.
    private let offers = Mutex<[String: [UInt8]]>([:])
    let bridge: SocketAddress
    private let host: String
    private struct Waiter {
        var responses: [SIPResponse] = []
    }
    private let waiters = Mutex<[String: Waiter]>([:])
    /// Calls the bridge ended (BYE from it), by Call-ID.
    private let endedByBridge = Mutex<Set<String>>([])
    private let running = Atomic<Bool>(true)
    private var thread: pthread_t?
    private let parser = SIPParser()

    init(bridge: SocketAddress, host: String = "127.0.0.1", transport: Transport = .udp) throws {
        self.bridge = bridge
        self.host = host
        self.transport = transport
        socket = try UDPSocket(host: host)
        localPort = socket.localPort
        if transport == .tls {
            let route = Route()
            let layer = SIPTransportLayer { inbound, _ in
                if case .message(let message) = inbound { route.caller?.dispatch(message) }
            }
            self.layer = layer
            connection = try layer.connect(.tls, host: bridge.host, port: Int(bridge.port) + 1).wait()
            route.caller = self
            return
        }
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        pthread_create(&handle, nil, { raw in
            let caller = Unmanaged<SIPCaller>.fromOpaque(raw!).takeRetainedValue()
            caller.receiveLoop()
            return nil
        }, context)
        thread = handle
    }

    func close() {
        running.store(false, ordering: .relaxed)
        if let thread { pthread_join(thread, nil) }
        thread = nil
        layer?.shutdownBlocking()
    }

    func wasEndedByBridge(_ callID: String) -> Bool { endedByBridge.withLock { $0.contains(callID) } }

    // MARK: Requests

    private func newVia() -> SIPVia {
        SIPVia(transport: transport == .tls ? "TLS" : "UDP", host: SIPHost(host)!, port: localPort, branch: SIPIdentifiers.makeBranch(),
               parameters: SIPParameters([SIPParameters.Parameter(name: "rport", value: nil)]))
    }

    private var transportParameters: SIPParameters {
        transport == .tls ? SIPParameters([SIPParameters.Parameter(name: "transport", value: "tls")]) : SIPParameters()
    }

    private var contact: SIPNameAddress {
        SIPNameAddress(uri: SIPURI(user: "load", host: SIPHost(host)!, port: localPort, parameters: transportParameters))
    }

    /// Sends an INVITE with `offer` to `user`@bridge and waits for the final answer (ACKing a
    /// 2xx). `seconds` bounds the whole transaction.
    func invite(user: String, displayName: String, offer: String, seconds: Double = 32) -> InviteResult {
        let callID = SIPIdentifiers.makeCallID(host: host)
        let localTag = SIPIdentifiers.makeTag()
        let requestURI = SIPURI(user: user, host: SIPHost(bridge.host)!, port: transport == .tls ? bridge.port + 1 : bridge.port,
                                parameters: transportParameters)
        let from = SIPNameAddress(displayName: displayName, uri: SIPURI(user: "load", host: SIPHost(host)!, port: localPort),
                                  parameters: SIPParameters([SIPParameters.Parameter(name: "tag", value: localTag)]))
        let to = SIPNameAddress(uri: requestURI)
        let body = Array(offer.utf8)
        let invite = SIPRequest(method: .invite, target: .sip(requestURI), via: newVia(), from: from, to: to,
                                callID: callID, cseq: 1, contact: contact, body: body, contentType: .sdp)
        guard let response = transact(invite, key: key(callID, 1, .invite), seconds: seconds) else { return .noAnswer }
        guard response.isSuccess else {
            // The transaction layer ACKs a non-2xx final (§17.1.1.3).
            send(invite.makeACK(forNon2xx: response).serialized())
            let retry = response.headers[.retryAfter].flatMap { Int($0.split(separator: ";").first?.trimmingCharacters(in: .whitespaces) ?? "") }
            return .rejected(status: response.statusCode, reason: response.reasonPhrase, retryAfter: retry)
        }
        let remoteTag = ((try? response.headers.to) ?? nil)?.tag
        let target = ((try? response.headers.contacts) ?? []).first?.uri ?? .sip(requestURI)
        let routeSet = Array(((try? response.headers.recordRoute) ?? []).reversed())
        if let ack = try? invite.makeACK(for2xx: response, via: newVia(), routeSet: routeSet) { send(ack.serialized()) }
        var toWithTag = to
        if let remoteTag { toWithTag.parameters = SIPParameters([SIPParameters.Parameter(name: "tag", value: remoteTag)]) }
        let dialog = Dialog(callID: callID, localTag: localTag, remoteTag: remoteTag, from: from, to: toWithTag,
                            target: target, routeSet: routeSet, cseq: 1, offer: body)
        offers.withLock { $0[callID] = body }
        return .answered(dialog, sdp: String(decoding: response.body, as: UTF8.self))
    }

    /// Ends a call with BYE; true when the bridge answered within `seconds`.
    @discardableResult
    func bye(_ dialog: Dialog, seconds: Double = 2) -> Bool {
        if wasEndedByBridge(dialog.callID) { return true }
        let cseq = dialog.cseq + 1
        let request = SIPRequest(method: .bye, target: dialog.target, via: newVia(), from: dialog.from, to: dialog.to,
                                 callID: dialog.callID, cseq: cseq, routeSet: dialog.routeSet)
        return transact(request, key: key(dialog.callID, cseq, .bye), seconds: seconds) != nil
    }

    private func key(_ callID: String, _ cseq: UInt32, _ method: SIPMethod) -> String { "\(callID) \(cseq) \(method)" }

    /// Sends `request`, retransmitting (T1 = 500 ms doubling, capped at T2 = 4 s) until a
    /// final response or `seconds` pass.
    private func transact(_ request: SIPRequest, key: String, seconds: Double) -> SIPResponse? {
        waiters.withLock { $0[key] = Waiter() }
        defer { _ = waiters.withLock { $0.removeValue(forKey: key) } }
        let bytes = request.serialized()
        send(bytes)
        let start = MediaClock.nowNanoseconds()
        let deadline = start + Int64(seconds * 1e9)
        var interval: Int64 = 500_000_000
        var nextRetransmit = start + interval
        var provisional = false
        while MediaClock.nowNanoseconds() < deadline {
            let responses = waiters.withLock { w -> [SIPResponse] in
                let r = w[key]?.responses ?? []
                w[key]?.responses.removeAll()
                return r
            }
            for response in responses {
                if response.isFinal { return response }
                provisional = true
            }
            let now = MediaClock.nowNanoseconds()
            // A provisional response stops INVITE retransmission (§17.1.1.2); TLS is reliable.
            if transport == .udp && now >= nextRetransmit && !provisional {
                send(bytes)
                interval = min(interval * 2, 4_000_000_000)
                nextRetransmit = now + interval
            }
            usleep(2_000)
        }
        return nil
    }

    private func send(_ bytes: [UInt8]) {
        if let connection {
            connection.send(bytes)
        } else {
            bytes.withUnsafeBytes { _ = socket.send($0, to: bridge) }
        }
    }

    // MARK: Receive

    private func receiveLoop() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while running.load(ordering: .relaxed) {
            let fd = socket.fileDescriptor
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&poller, 1, 50) > 0 else { continue }
            var source = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let n = buffer.withUnsafeMutableBytes { raw in
                withUnsafeMutablePointer(to: &source) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &length) }
                }
            }
            guard n > 0, let message = try? parser.parse(datagram: Array(buffer[0..<n])) else { continue }
            dispatch(message)
        }
    }

    private func dispatch(_ message: SIPMessage) {
        switch message {
        case .response(let response):
            guard let callID = try? response.headers.callID, let cseq = try? response.headers.cseq else { return }
            let key = key(callID, cseq.sequenceNumber, cseq.method)
            waiters.withLock { $0[key]?.responses.append(response) }
        case .request(let request):
            answer(request)
        }
    }

    /// The bridge's requests: BYE ends the call; OPTIONS and session refreshes are answered.
    private func answer(_ request: SIPRequest) {
        switch request.method {
        case .bye:
            if let callID = try? request.headers.callID { endedByBridge.withLock { _ = $0.insert(callID) } }
            send(request.makeResponse(statusCode: 200).serialized())
        case .options, .update, .info:
            send(request.makeResponse(statusCode: 200).serialized())
        case .invite:
            // A session refresh (RFC 4028): answer with our description, unchanged (same o=
            // version: RFC 3264 §8 "no change").
            let callID = (try? request.headers.callID) ?? nil
            if let callID, let offer = offers.withLock({ $0[callID] }) {
                send(request.makeResponse(statusCode: 200, body: offer, contentType: .sdp).serialized())
            } else {
                send(request.makeResponse(statusCode: 481).serialized())
            }
        case .ack, .cancel:
            break
        default:
            send(request.makeResponse(statusCode: 405).serialized())
        }
    }
}

