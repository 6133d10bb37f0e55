import Control
import NIOCore
import SIP
import SIPTransport

/// The bridge's SIP user agent server: RFC 3261 server transactions (§17.2: retransmissions
/// absorbed by resending the last response), dialogs for calls (§12), and the methods a
/// conferencing endpoint uses. Calls are put into spaces through `CallController`.
///
/// Lives on the transport's event loop: `handle` and every timer run there, so its tables
/// need no locks (`@unchecked Sendable` records that confinement).
public final class SIPServer: @unchecked Sendable {
    public struct Advertised: Sendable {
        public var host: String
        public var udpPort: Int?
        public var tcpPort: Int?
        public var tlsPort: Int?
        public init(host: String, udpPort: Int? = nil, tcpPort: Int? = nil, tlsPort: Int? = nil) {
            self.host = host
            self.udpPort = udpPort
            self.tcpPort = tcpPort
            self.tlsPort = tlsPort
        }
    }

    public struct Counters: Sendable {
        public var requests: [String: Int] = [:]
        public var responses: [Int: Int] = [:]
        public var malformed = 0
        public var retransmissionsAbsorbed = 0
    }

    static let allowed: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .info, .update]
    static let allowHeader = allowed.map(\.rawValue).joined(separator: ", ")
    static let t1: TimeAmount = .milliseconds(500)
    static let t2: TimeAmount = .seconds(4)

    let controller: CallController
    var advertised: Advertised
    let userAgent = "callbridge/0.1"
    private var transactions: [String: ServerTransaction] = [:]
    private var dialogs: [String: Dialog] = [:]
    public private(set) var counters = Counters()
    /// Told when a call starts or ends (tests, logs).
    public var onCallEvent: (@Sendable (String) -> Void)?

    public init(controller: CallController, advertised: Advertised) {
        self.controller = controller
        self.advertised = advertised
    }

    public var dialogCount: Int { dialogs.count }

    // MARK: Entry point

    public func handle(_ inbound: SIPInbound, _ connection: SIPConnection) {
        switch inbound {
        case .malformed(let error):
            counters.malformed += 1
            // RFC 3261 §16.3/§18: answer what can be answered (400 with the reason); drop the rest.
            if error.canRespond, let response = error.makeResponse(toTag: SIPIdentifiers.makeTag()) {
                respondStateless(response, on: connection)
            }
        case .message(.response):
            break   // we send no requests yet that expect responses here
        case .message(.request(var request)):
            counters.requests[request.method.rawValue, default: 0] += 1
            request.stampTopVia(from: connection.source)
            handle(request, connection)
        }
    }

    private func handle(_ request: SIPRequest, _ connection: SIPConnection) {
        guard let via = try? request.headers.topVia else { return }   // unanswerable: drop (§18.2.1)
        let branch = via.branch ?? ""
        if request.method == .ack {
            handleACK(request, branch: branch)
            return
        }
        let key = Self.transactionKey(branch: branch, method: request.method, request: request, via: via)
        if let existing = transactions[key] {
            // A retransmission: resend what we last answered (§17.2.1, §17.2.2).
            counters.retransmissionsAbsorbed += 1
            if let last = existing.lastResponse { connection.send(last) }
            return
        }
        let transaction = ServerTransaction(key: key, method: request.method, request: request, connection: connection)
        transactions[key] = transaction

        if let unsupported = unsupportedRequirements(request), request.method != .cancel {
            var response = request.makeResponse(statusCode: 420, toTag: SIPIdentifiers.makeTag())
            response.headers.append(.unsupported, unsupported.joined(separator: ", "))
            send(response, in: transaction)
            return
        }
        switch request.method {
        case .invite: handleINVITE(request, transaction)
        case .bye: handleBYE(request, transaction)
        case .cancel: handleCANCEL(request, transaction, branch: branch)
        case .options: send(withCapabilities(request.makeResponse(statusCode: 200, toTag: existingOrNewTag(request))), in: transaction)
        case .info, .update: handleInDialog(request, transaction)
        case .register, .subscribe, .notify, .publish, .message, .refer, .prack:
            var response = request.makeResponse(statusCode: 405, toTag: SIPIdentifiers.makeTag())
            response.headers.append(.allow, Self.allowHeader)
            send(response, in: transaction)
        default:
            var response = request.makeResponse(statusCode: 501, toTag: SIPIdentifiers.makeTag())
            response.headers.append(.allow, Self.allowHeader)
            send(response, in: transaction)
        }
    }

    // MARK: INVITE

    private func handleINVITE(_ request: SIPRequest, _ transaction: ServerTransaction) {
        if let toTag = (try? request.headers.to)??.tag {
            // re-INVITE: answer with the session as it is (hold/resume keep the same media).
            guard let dialog = dialog(for: request, localTag: toTag) else {
                send(request.makeResponse(statusCode: 481, toTag: toTag), in: transaction)
                return
            }
            var response = request.makeResponse(statusCode: 200, toTag: dialog.localTag, body: Array(dialog.localSDP.utf8), contentType: .sdp)
            response = withContact(withCapabilities(response), transaction.connection)
            send(response, in: transaction)
            startRetransmitting(response, dialog: dialog)
            return
        }
        send(request.makeResponse(statusCode: 100), in: transaction)
        let requestURI = request.uri.sipURI
        let user = requestURI?.user ?? ""
        let from = (try? request.headers.from) ?? nil
        let displayName = from?.displayName ?? from?.uri.sipURI?.user ?? "Guest"
        guard let contentType = (try? request.headers.contentType) ?? nil, contentType.matches(.sdp), !request.body.isEmpty else {
            // We do not do offer-less INVITEs (offer in the ACK) yet.
            var response = request.makeResponse(statusCode: 488, reasonPhrase: "Not Acceptable Here (an SDP offer is required)", toTag: SIPIdentifiers.makeTag())
            response.headers.append(.warning, "399 callbridge \"an SDP offer is required in the INVITE\"")
            send(response, in: transaction)
            return
        }
        let localTag = SIPIdentifiers.makeTag()
        switch controller.join(user: user, displayName: displayName, offer: String(decoding: request.body, as: UTF8.self)) {
        case .success(let answer):
            var response = request.makeResponse(statusCode: 200, toTag: localTag, body: Array(answer.sdp.utf8), contentType: .sdp)
            response = withContact(withCapabilities(response), transaction.connection)
            let callID = (try? request.headers.callID) ?? nil ?? ""
            let dialog = Dialog(callID: callID, localTag: localTag, remoteTag: from?.tag, legID: answer.legID,
                                localSDP: answer.sdp, connection: transaction.connection)
            dialogs[dialog.key] = dialog
            send(response, in: transaction)
            startRetransmitting(response, dialog: dialog)
            onCallEvent?("joined leg \(answer.legID) to \(answer.space.uri) from \(transaction.connection.kind.rawValue) \(transaction.connection.source)")
        case .failure(let rejection):
            let status = rejection.status
            var response = request.makeResponse(statusCode: status.code, reasonPhrase: status.reason, toTag: localTag)
            response.headers.append(.warning, "399 callbridge \"\(rejection.detail.replacingOccurrences(of: "\"", with: "'"))\"")
            if status.code == 503 { response.headers.append(.retryAfter, "5") }
            send(response, in: transaction)
            onCallEvent?("rejected INVITE for \(user): \(status.code) \(rejection.detail)")
        }
    }

    /// RFC 3261 §13.3.1.4: over UDP the UAS resends its 2xx (T1, doubling to T2) until the
    /// ACK arrives; after 64·T1 without one it ends the call.
    private func startRetransmitting(_ response: SIPResponse, dialog: Dialog) {
        dialog.acknowledged = false
        dialog.pending2xx = response.serialized()
        guard !dialog.connection.isReliable else { return }
        scheduleRetransmit(dialog: dialog, interval: Self.t1, elapsed: .zero)
    }

    private func scheduleRetransmit(dialog: Dialog, interval: TimeAmount, elapsed: TimeAmount) {
        dialog.retransmitTask = dialog.connection.eventLoop.scheduleTask(in: interval) { [self] in
            guard !dialog.acknowledged, let bytes = dialog.pending2xx, dialogs[dialog.key] === dialog else { return }
            let total = elapsed + interval
            if total >= Self.t1 * 64 {
                onCallEvent?("no ACK for leg \(dialog.legID): ending the call")
                endDialog(dialog)
                return
            }
            dialog.connection.send(bytes)
            scheduleRetransmit(dialog: dialog, interval: min(interval * 2, Self.t2), elapsed: total)
        }
    }

    private func handleACK(_ request: SIPRequest, branch: String) {
        // ACK to a non-2xx final response belongs to the INVITE transaction (§17.2.1).
        if let transaction = transactions[Self.transactionKey(branch: branch, method: .invite, request: request, via: nil)],
           let status = transaction.finalStatus, status >= 300 {
            transaction.acknowledged = true
            return
        }
        guard let toTag = (try? request.headers.to)??.tag, let dialog = dialog(for: request, localTag: toTag) else { return }
        dialog.acknowledged = true
        dialog.retransmitTask?.cancel()
    }

    // MARK: Other methods

    private func handleBYE(_ request: SIPRequest, _ transaction: ServerTransaction) {
        guard let toTag = (try? request.headers.to)??.tag, let dialog = dialog(for: request, localTag: toTag) else {
            send(request.makeResponse(statusCode: 481), in: transaction)
            return
        }
        send(request.makeResponse(statusCode: 200), in: transaction)
        endDialog(dialog)
        onCallEvent?("BYE: leg \(dialog.legID) left")
    }

    private func handleCANCEL(_ request: SIPRequest, _ transaction: ServerTransaction, branch: String) {
        // CANCEL matches the INVITE transaction with the same branch (§9.2). We answer INVITEs
        // at once, so the INVITE already has its final response and the CANCEL changes nothing.
        let inviteKey = Self.transactionKey(branch: branch, method: .invite, request: request, via: nil)
        guard transactions[inviteKey] != nil else {
            send(request.makeResponse(statusCode: 481), in: transaction)
            return
        }
        send(request.makeResponse(statusCode: 200, toTag: existingOrNewTag(request)), in: transaction)
    }

    private func handleInDialog(_ request: SIPRequest, _ transaction: ServerTransaction) {
        guard let toTag = (try? request.headers.to)??.tag, let dialog = dialog(for: request, localTag: toTag) else {
            send(request.makeResponse(statusCode: 481), in: transaction)
            return
        }
        if request.method == .update, !request.body.isEmpty {
            // Session refresh with an offer: answer with our unchanged session.
            send(request.makeResponse(statusCode: 200, body: Array(dialog.localSDP.utf8), contentType: .sdp), in: transaction)
        } else {
            send(request.makeResponse(statusCode: 200), in: transaction)
        }
    }

    // MARK: Helpers

    private func endDialog(_ dialog: Dialog) {
        dialog.retransmitTask?.cancel()
        dialogs[dialog.key] = nil
        controller.hangUp(legID: dialog.legID)
    }

    private func dialog(for request: SIPRequest, localTag: String) -> Dialog? {
        guard let callID = (try? request.headers.callID) ?? nil else { return nil }
        return dialogs[Dialog.key(callID: callID, localTag: localTag)]
    }

    private func existingOrNewTag(_ request: SIPRequest) -> String {
        ((try? request.headers.to) ?? nil)?.tag ?? SIPIdentifiers.makeTag()
    }

    private func unsupportedRequirements(_ request: SIPRequest) -> [String]? {
        guard let required = try? request.headers.require, !required.isEmpty else { return nil }
        let unknown = required.filter { !["timer"].contains($0.lowercased()) }
        return unknown.isEmpty ? nil : unknown
    }

    private func withCapabilities(_ response: SIPResponse) -> SIPResponse {
        var response = response
        response.headers.append(.allow, Self.allowHeader)
        response.headers.append(.accept, "application/sdp")
        response.headers.append(.supported, "timer")
        response.headers.append(.server, userAgent)
        return response
    }

    private func withContact(_ response: SIPResponse, _ connection: SIPConnection) -> SIPResponse {
        var response = response
        let port: Int?
        switch connection.kind {
        case .udp: port = advertised.udpPort
        case .tcp: port = advertised.tcpPort
        case .tls: port = advertised.tlsPort
        }
        let scheme = connection.kind == .tls ? "sips" : "sip"
        let transport = connection.kind == .udp ? "" : ";transport=\(connection.kind.rawValue.lowercased())"
        response.headers.append(.contact, "<\(scheme):callbridge@\(advertised.host):\(port ?? 5060)\(transport)>")
        return response
    }

    private func send(_ response: SIPResponse, in transaction: ServerTransaction) {
        counters.responses[response.statusCode, default: 0] += 1
        let bytes = response.serialized()
        transaction.connection.send(bytes)
        guard response.statusCode >= 200 else {
            transaction.lastResponse = bytes
            return
        }
        transaction.lastResponse = bytes
        transaction.finalStatus = response.statusCode
        // Keep the transaction to absorb retransmissions: 64·T1 over UDP (Timers H/J);
        // streams do not retransmit, so a short grace period is enough.
        let linger: TimeAmount = transaction.connection.isReliable ? .seconds(2) : Self.t1 * 64
        let key = transaction.key
        transaction.connection.eventLoop.scheduleTask(in: linger) { [self] in
            if transactions[key] === transaction { transactions[key] = nil }
        }
    }

    private func respondStateless(_ response: SIPResponse, on connection: SIPConnection) {
        counters.responses[response.statusCode, default: 0] += 1
        connection.send(response.serialized())
    }

    /// RFC 3261 §17.2.3: branch (with the magic cookie) + sent-by + method; CANCEL has its own
    /// transaction; ACK matches the INVITE's.
    static func transactionKey(branch: String, method: SIPMethod, request: SIPRequest, via: SIPVia?) -> String {
        let sentBy = via.map { "\($0.host):\($0.port ?? 0)" } ?? ((try? request.headers.topVia).flatMap { $0 }.map { "\($0.host):\($0.port ?? 0)" } ?? "")
        let m = method == .ack ? SIPMethod.invite : method
        return branch + "|" + sentBy + "|" + m.rawValue
    }
}

final class ServerTransaction {
    let key: String
    let method: SIPMethod
    let request: SIPRequest
    let connection: SIPConnection
    var lastResponse: [UInt8]?
    var finalStatus: Int?
    var acknowledged = false

    init(key: String, method: SIPMethod, request: SIPRequest, connection: SIPConnection) {
        self.key = key
        self.method = method
        self.request = request
        self.connection = connection
    }
}

final class Dialog {
    let callID: String
    let localTag: String
    let remoteTag: String?
    let legID: Int
    let localSDP: String
    let connection: SIPConnection
    var acknowledged = false
    var pending2xx: [UInt8]?
    var retransmitTask: Scheduled<Void>?

    init(callID: String, localTag: String, remoteTag: String?, legID: Int, localSDP: String, connection: SIPConnection) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.legID = legID
        self.localSDP = localSDP
        self.connection = connection
    }

    var key: String { Self.key(callID: callID, localTag: localTag) }
    static func key(callID: String, localTag: String) -> String { callID + ";" + localTag }
}
