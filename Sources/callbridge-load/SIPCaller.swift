import Glibc
import MediaCore
import SIP
import Synchronization

/// A small SIP user agent client over UDP for the load generator: INVITE (retransmitted with
/// RFC 3261 §17.1.1.2 Timer A doubling, given up after Timer B = 64·T1), ACK for the 2xx, BYE.
/// One socket for every leg; a receive thread matches responses to transactions by Call-ID and
/// CSeq, answers the bridge's in-dialog requests (BYE, OPTIONS, session refreshes) and never
/// blocks on a bridge that stops answering: every wait has a deadline.
final class SIPCaller: @unchecked Sendable {
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

    private let socket: UDPSocket
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

    init(bridge: SocketAddress, host: String = "127.0.0.1") throws {
        self.bridge = bridge
        self.host = host
        socket = try UDPSocket(host: host)
        localPort = socket.localPort
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
    }

    func wasEndedByBridge(_ callID: String) -> Bool { endedByBridge.withLock { $0.contains(callID) } }

    // MARK: Requests

    private func newVia() -> SIPVia {
        SIPVia(transport: "UDP", host: SIPHost(host)!, port: localPort, branch: SIPIdentifiers.makeBranch(),
               parameters: SIPParameters([SIPParameters.Parameter(name: "rport", value: nil)]))
    }

    private var contact: SIPNameAddress {
        SIPNameAddress(uri: SIPURI(user: "load", host: SIPHost(host)!, port: localPort))
    }

    /// Sends an INVITE with `offer` to `user`@bridge and waits for the final answer (ACKing a
    /// 2xx). `seconds` bounds the whole transaction.
    func invite(user: String, displayName: String, offer: String, seconds: Double = 32) -> InviteResult {
        let callID = SIPIdentifiers.makeCallID(host: host)
        let localTag = SIPIdentifiers.makeTag()
        let requestURI = SIPURI(user: user, host: SIPHost(bridge.host)!, port: bridge.port)
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
            // A provisional response stops INVITE retransmission (§17.1.1.2).
            if now >= nextRetransmit && !provisional {
                send(bytes)
                interval = min(interval * 2, 4_000_000_000)
                nextRetransmit = now + interval
            }
            usleep(2_000)
        }
        return nil
    }

    private func send(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { _ = socket.send($0, to: bridge) }
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
            switch message {
            case .response(let response):
                guard let callID = try? response.headers.callID, let cseq = try? response.headers.cseq else { continue }
                let key = key(callID, cseq.sequenceNumber, cseq.method)
                waiters.withLock { $0[key]?.responses.append(response) }
            case .request(let request):
                answer(request)
            }
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

