import Control
import Foundation
import SDP
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
        public var finalRetransmissions = 0
        public var requestsSent: [String: Int] = [:]
        public var responsesReceived: [Int: Int] = [:]
    }

    /// RFC 4028 session timer settings.
    public struct SessionTimerPolicy: Sendable {
        /// Interval we ask for when the caller names none (CMS uses 1800 s).
        public var interval: UInt32 = 1800
        /// Our Min-SE; RFC 4028 §5 does not allow less than 90 s on the wire.
        public var minimum: UInt32 = 90
        public init() {}
    }

    static let allowed: [SIPMethod] = [.invite, .ack, .bye, .cancel, .options, .info, .update]
    static let allowHeader = allowed.map(\.rawValue).joined(separator: ", ")
    static let t1: TimeAmount = .milliseconds(500)
    static let t2: TimeAmount = .seconds(4)
    /// How long a dial-out may ring before we CANCEL it.
    static let ringingTimeout: TimeAmount = .seconds(60)

    let controller: CallController
    var advertised: Advertised
    let eventLoop: EventLoop
    public var sessionTimers = SessionTimerPolicy()
    let userAgent = "callbridge/0.1"
    var transactions: [String: ServerTransaction] = [:]
    var clientTransactions: [String: ClientTransaction] = [:]
    /// ACKs for non-2xx finals to our INVITEs, kept 64·T1 to answer retransmissions.
    var completedInvites: [String: [UInt8]] = [:]
    var dialogs: [String: Dialog] = [:]
    var legDialogs: [Int: Dialog] = [:]
    public internal(set) var counters = Counters()
    /// Told when a call starts or ends, DTMF arrives, … (tests, logs).
    public var onCallEvent: (@Sendable (String) -> Void)?
    /// Every final response we send to a request: (method, status). Feeds /metrics.
    public var onTransactionCompleted: (@Sendable (String, Int) -> Void)?
    /// Opens flows for requests we originate (dial-out); set by whoever owns the transports.
    public var connector: (@Sendable (SIPTransportKind, String, Int) -> EventLoopFuture<SIPConnection>)?

    /// - Parameter eventLoop: the transport loop; every method runs there (public ones that
    ///   may be called from elsewhere hop to it).
    public init(controller: CallController, advertised: Advertised, eventLoop: EventLoop) {
        self.controller = controller
        self.advertised = advertised
        self.eventLoop = eventLoop
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
        case .message(.response(let response)):
            handleResponse(response, connection)
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
            handleReINVITE(request, transaction, localTag: toTag)
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
        // RFC 4028 §8.1: an interval below our Min-SE is refused before anything is built.
        if let tooShort = sessionIntervalTooSmall(request, toTag: localTag) {
            send(tooShort, in: transaction)
            return
        }
        let domain = request.uri.sipURI.map { $0.host.description.trimmingCharacters(in: CharacterSet(charactersIn: "[]")) }
        let remote = from.map { $0.uri.description } ?? ""
        switch controller.join(user: user, domain: domain, displayName: displayName, remote: remote,
                               offer: String(decoding: request.body, as: UTF8.self)) {
        case .success(let answer):
            var response = request.makeResponse(statusCode: 200, toTag: localTag, body: Array(answer.sdp.utf8), contentType: .sdp)
            response = withContact(withCapabilities(response), transaction.connection, secure: request.uri.sipURI?.scheme == .sips)
            let callID = (try? request.headers.callID) ?? nil ?? ""
            let to = ((try? request.headers.to) ?? nil) ?? SIPNameAddress(uri: request.uri)
            let remoteTarget = ((try? request.headers.contacts) ?? []).first?.uri ?? from?.uri ?? request.uri
            let dialog = Dialog(callID: callID, localTag: localTag, remoteTag: from?.tag, legID: answer.legID, isOutbound: false,
                                localParty: to.withoutTag, remoteParty: (from ?? to).withoutTag, remoteTarget: remoteTarget,
                                routeSet: (try? request.headers.recordRoute) ?? [], localSequence: 0,
                                connection: transaction.connection)
            dialog.remoteSequence = ((try? request.headers.cseq) ?? nil)?.sequenceNumber
            add(dialog)
            negotiateSessionTimer(request, response: &response, dialog: dialog)
            send(response, in: transaction)
            startRetransmitting(response, dialog: dialog)
            onCallEvent?("joined leg \(answer.legID) to \(answer.space.uri) from \(transaction.connection.kind.rawValue) \(transaction.connection.source): \(Self.mediaSummary(answer.session))")
        case .failure(let rejection):
            let status = rejection.status
            var response = request.makeResponse(statusCode: status.code, reasonPhrase: status.reason, toTag: localTag)
            response.headers.append(.warning, "399 callbridge \"\(rejection.detail.replacingOccurrences(of: "\"", with: "'"))\"")
            if status.code == 503 { response.headers.append(.retryAfter, "5") }
            send(response, in: transaction)
            onCallEvent?("rejected INVITE for \(user): \(status.code) \(rejection.detail)")
        }
    }

    /// A re-INVITE (RFC 3261 §14.2): hold, resume, a session refresh (RFC 4028), new address
    /// or keys. With an offer we answer it and apply the change to the live leg; without one
    /// we offer our current description (the answer comes in the ACK). A failure leaves the
    /// session as it was.
    private func handleReINVITE(_ request: SIPRequest, _ transaction: ServerTransaction, localTag: String) {
        guard let dialog = dialog(for: request, localTag: localTag) else {
            send(request.makeResponse(statusCode: 481), in: transaction)
            return
        }
        if let stale = staleSequence(request, dialog) {
            send(stale, in: transaction)
            return
        }
        if dialog.inviteInProgress {
            // §14.2: our own re-INVITE is still pending; the peer retries after a random wait.
            var response = request.makeResponse(statusCode: 491)
            response.headers.append(.retryAfter, "2")
            send(response, in: transaction)
            return
        }
        if let tooShort = sessionIntervalTooSmall(request, toTag: nil) {
            send(tooShort, in: transaction)
            return
        }
        let sdp: String
        if request.body.isEmpty {
            sdp = controller.localDescription(legID: dialog.legID) ?? ""
        } else {
            switch controller.reoffer(legID: dialog.legID, offer: String(decoding: request.body, as: UTF8.self)) {
            case .success(let answer):
                sdp = answer
                onCallEvent?("re-INVITE: leg \(dialog.legID) \(Self.directionSummary(answer))")
            case .failure(let rejection):
                var response = request.makeResponse(statusCode: rejection.status.code, reasonPhrase: rejection.status.reason)
                response.headers.append(.warning, "399 callbridge \"\(rejection.detail.replacingOccurrences(of: "\"", with: "'"))\"")
                send(response, in: transaction)
                return
            }
        }
        var response = request.makeResponse(statusCode: 200, toTag: dialog.localTag, body: Array(sdp.utf8), contentType: .sdp)
        response = withContact(withCapabilities(response), transaction.connection, secure: request.uri.sipURI?.scheme == .sips)
        negotiateSessionTimer(request, response: &response, dialog: dialog)
        send(response, in: transaction)
        startRetransmitting(response, dialog: dialog)
    }

    /// "video H264 mode 1 SRTP, audio opus SRTP": what was agreed, for logs and tests.
    static func mediaSummary(_ session: NegotiatedSession) -> String {
        session.streams.map { stream in
            var text = "\(stream.kind) \(stream.codec.encodingName)"
            if let video = stream.video { text += " mode \(video.packetizationMode.rawValue) up to \(video.maxWidth)x\(video.maxHeight)" }
            if stream.isEncrypted { text += " SRTP" }
            return text
        }.joined(separator: ", ")
    }

    /// "sendrecv", "recvonly" … of our answer's m-lines, for logs and tests.
    static func directionSummary(_ sdp: String) -> String {
        let directions = ["sendrecv", "sendonly", "recvonly", "inactive"]
        let found = sdp.split(whereSeparator: \.isNewline).compactMap { line -> String? in
            let text = String(line)
            return directions.first { text == "a=" + $0 }
        }
        return found.isEmpty ? "sendrecv" : found.joined(separator: ",")
    }

    /// RFC 3261 §12.2.2: a request with a CSeq lower than the last one is out of order (500).
    private func staleSequence(_ request: SIPRequest, _ dialog: Dialog) -> SIPResponse? {
        guard let sequence = ((try? request.headers.cseq) ?? nil)?.sequenceNumber else { return nil }
        if let last = dialog.remoteSequence, sequence <= last, request.method != .ack {
            var response = request.makeResponse(statusCode: 500, reasonPhrase: "Server Internal Error (CSeq out of order)")
            response.headers.append(.retryAfter, "1")
            return response
        }
        dialog.remoteSequence = sequence
        return nil
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
                // §13.3.1.4: no ACK means the call failed; the UAS ends it with a BYE.
                onCallEvent?("no ACK for leg \(dialog.legID): ending the call")
                sendBYE(dialog, reason: "no ACK")
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
        if let stale = staleSequence(request, dialog) {
            send(stale, in: transaction)
            return
        }
        switch request.method {
        case .update: handleUPDATE(request, transaction, dialog)
        default: handleINFO(request, transaction, dialog)
        }
    }

    /// UPDATE (RFC 3311): a session refresh (RFC 4028) or a new offer before or after the
    /// call is answered; answered like a re-INVITE but without ACK.
    private func handleUPDATE(_ request: SIPRequest, _ transaction: ServerTransaction, _ dialog: Dialog) {
        if let tooShort = sessionIntervalTooSmall(request, toTag: nil) {
            send(tooShort, in: transaction)
            return
        }
        var response: SIPResponse
        if request.body.isEmpty {
            response = request.makeResponse(statusCode: 200)
        } else {
            switch controller.reoffer(legID: dialog.legID, offer: String(decoding: request.body, as: UTF8.self)) {
            case .success(let answer):
                response = request.makeResponse(statusCode: 200, body: Array(answer.utf8), contentType: .sdp)
                onCallEvent?("UPDATE: leg \(dialog.legID) \(Self.directionSummary(answer))")
            case .failure(let rejection):
                response = request.makeResponse(statusCode: rejection.status.code, reasonPhrase: rejection.status.reason)
                response.headers.append(.warning, "399 callbridge \"\(rejection.detail.replacingOccurrences(of: "\"", with: "'"))\"")
                send(response, in: transaction)
                return
            }
        }
        response = withContact(withCapabilities(response), transaction.connection, secure: request.uri.sipURI?.scheme == .sips)
        negotiateSessionTimer(request, response: &response, dialog: dialog)
        send(response, in: transaction)
    }

    /// Legacy INFO (RFC 2976 usage, no Info-Package): DTMF relay (`application/dtmf-relay`,
    /// `application/dtmf`) and picture fast update (`application/media_control+xml`, the
    /// keyframe request room systems send). Anything else is 415 with what we accept.
    private func handleINFO(_ request: SIPRequest, _ transaction: ServerTransaction, _ dialog: Dialog) {
        let body = String(decoding: request.body, as: UTF8.self)
        guard let type = (try? request.headers.contentType) ?? nil, !request.body.isEmpty else {
            send(request.makeResponse(statusCode: 200), in: transaction)   // empty INFO: a keep-alive
            return
        }
        let subtype = type.subtype.lowercased()
        if type.type.lowercased() == "application", subtype == "media_control+xml" {
            guard body.contains("picture_fast_update") else {
                send(request.makeResponse(statusCode: 400, reasonPhrase: "Bad Request (no picture_fast_update in media_control)"), in: transaction)
                return
            }
            controller.requestKeyframe(legID: dialog.legID)
            send(request.makeResponse(statusCode: 200), in: transaction)
            onCallEvent?("INFO: picture fast update for leg \(dialog.legID)")
        } else if type.type.lowercased() == "application", subtype == "dtmf-relay" || subtype == "dtmf" {
            guard let digit = Self.dtmfDigit(in: body, relay: subtype == "dtmf-relay") else {
                send(request.makeResponse(statusCode: 400, reasonPhrase: "Bad Request (no DTMF signal in body)"), in: transaction)
                return
            }
            send(request.makeResponse(statusCode: 200), in: transaction)
            onCallEvent?("INFO: DTMF \(digit) from leg \(dialog.legID)")
        } else {
            var response = request.makeResponse(statusCode: 415)
            response.headers.append(.accept, "application/dtmf-relay, application/dtmf, application/media_control+xml")
            send(response, in: transaction)
        }
    }

    /// `Signal=5` (dtmf-relay) or a bare digit (application/dtmf): 0–9, *, #, A–D.
    static func dtmfDigit(in body: String, relay: Bool) -> Character? {
        var value = body.trimmingCharacters(in: .whitespacesAndNewlines)
        if relay {
            guard let line = body.split(whereSeparator: \.isNewline).first(where: { $0.lowercased().hasPrefix("signal") }),
                  let equals = line.firstIndex(of: "=") else { return nil }
            value = line[line.index(after: equals)...].trimmingCharacters(in: .whitespaces)
        }
        guard value.count == 1, let c = value.uppercased().first, "0123456789*#ABCD".contains(c) else { return nil }
        return c
    }

    // MARK: Helpers

    func add(_ dialog: Dialog) {
        dialogs[dialog.key] = dialog
        legDialogs[dialog.legID] = dialog
    }

    func endDialog(_ dialog: Dialog) {
        guard !dialog.ended else { return }
        dialog.ended = true
        dialog.cancelTimers()
        dialogs[dialog.key] = nil
        legDialogs[dialog.legID] = nil
        controller.hangUp(legID: dialog.legID)
    }

    func dialog(for request: SIPRequest, localTag: String) -> Dialog? {
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

    func withCapabilities(_ response: SIPResponse) -> SIPResponse {
        var response = response
        response.headers.append(.allow, Self.allowHeader)
        response.headers.append(.accept, "application/sdp")
        response.headers.append(.supported, "timer")
        response.headers.append(.server, userAgent)
        return response
    }

    func withContact(_ response: SIPResponse, _ connection: SIPConnection, secure: Bool = false) -> SIPResponse {
        var response = response
        response.headers.append(.contact, contact(for: connection.kind, secure: secure).description)
        return response
    }

    func advertisedPort(_ kind: SIPTransportKind) -> Int {
        switch kind {
        case .udp: return advertised.udpPort ?? 5060
        case .tcp: return advertised.tcpPort ?? 5060
        case .tls: return advertised.tlsPort ?? 5061
        }
    }

    /// Our Contact for a flow: the address we really listen on for that transport.
    /// `sip:…;transport=tls` over TLS: RFC 3261 §8.1.1.8 asks for `sips:` only when the
    /// request was addressed to a sips: URI, and several endpoints (baresip 1.0) cannot send
    /// to a sips: Contact at all.
    func contact(for kind: SIPTransportKind, user: String = "callbridge", secure: Bool = false) -> SIPNameAddress {
        var parameters = SIPParameters()
        if kind != .udp { parameters.set("transport", to: kind.rawValue.lowercased()) }
        let uri = SIPURI(scheme: secure && kind == .tls ? .sips : .sip, user: user, host: SIPHost(advertised.host, allowBareIPv6: true) ?? .ipv4("127.0.0.1"),
                         port: UInt16(advertisedPort(kind)), parameters: parameters)
        return SIPNameAddress(uri: uri)
    }

    func send(_ response: SIPResponse, in transaction: ServerTransaction) {
        counters.responses[response.statusCode, default: 0] += 1
        let bytes = response.serialized()
        transaction.connection.send(bytes)
        guard response.statusCode >= 200 else {
            transaction.lastResponse = bytes
            return
        }
        transaction.lastResponse = bytes
        if transaction.finalStatus == nil { onTransactionCompleted?(transaction.method.rawValue, response.statusCode) }
        transaction.finalStatus = response.statusCode
        // Keep the transaction to absorb retransmissions: 64·T1 over UDP (Timers H/J);
        // streams do not retransmit, so a short grace period is enough.
        let linger: TimeAmount = transaction.connection.isReliable ? .seconds(2) : Self.t1 * 64
        let key = transaction.key
        transaction.connection.eventLoop.scheduleTask(in: linger) { [self] in
            if transactions[key] === transaction { transactions[key] = nil }
        }
        // Timer G (§17.2.1): over UDP a non-2xx final to an INVITE is resent until the ACK.
        if transaction.method == .invite, response.statusCode >= 300, !transaction.connection.isReliable {
            retransmitFinal(transaction, interval: Self.t1, elapsed: .zero)
        }
    }

    private func retransmitFinal(_ transaction: ServerTransaction, interval: TimeAmount, elapsed: TimeAmount) {
        transaction.connection.eventLoop.scheduleTask(in: interval) { [self] in
            let total = elapsed + interval
            // Timer H: give up after 64·T1 without an ACK.
            guard !transaction.acknowledged, total < Self.t1 * 64, let bytes = transaction.lastResponse else { return }
            transaction.connection.send(bytes)
            counters.finalRetransmissions += 1
            retransmitFinal(transaction, interval: min(interval * 2, Self.t2), elapsed: total)
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

