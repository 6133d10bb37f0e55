import Control
import Foundation
import NIOCore
import SIP
import SIPTransport

/// The UAC half: requests the bridge sends (BYE, re-INVITE for session refresh, dial-out
/// INVITE and its ACK/CANCEL) and the client transactions that carry them (RFC 3261 §17.1).
extension SIPServer {
    // MARK: Public API (any thread)

    /// Ends a call from the bridge's side: BYE to the endpoint, leg released.
    public func hangUp(legID: Int) {
        eventLoop.execute { [self] in
            guard let dialog = legDialogs[legID] else { return }
            sendBYE(dialog, reason: "hung up by the bridge")
        }
    }

    /// Sends BYE on every dialog (shutdown); the future completes when each BYE got a final
    /// response or timed out, or after `limit`, whichever is first.
    public func hangUpAll(limit: TimeAmount = .seconds(2)) -> EventLoopFuture<Void> {
        eventLoop.flatSubmit { [self] in
            let open = Array(dialogs.values)
            guard !open.isEmpty else { return eventLoop.makeSucceededVoidFuture() }
            let promise = eventLoop.makePromise(of: Void.self)
            var remaining = open.count
            let finish = { (_: Bool) in
                remaining -= 1
                if remaining == 0 { promise.succeed() }
            }
            for dialog in open { sendBYE(dialog, reason: "bridge shutting down", completion: finish) }
            eventLoop.scheduleTask(in: limit) { promise.succeed() }
            return promise.futureResult
        }
    }

    public enum DialOutResult: Sendable, Equatable {
        case answered(legID: Int)
        case rejected(status: Int, reason: String)
        case failed(String)
    }

    /// Calls `target` (a sip:/sips: URI; `;transport=tcp|tls` picks the transport) into the
    /// space with URI `spaceURI`. The callee's 2xx answer joins it like any participant.
    public func dialOut(to target: String, spaceURI: String, displayName: String? = nil,
                        completion: @escaping @Sendable (DialOutResult) -> Void) {
        eventLoop.execute { [self] in
            guard let uri = SIPURI(target) else { return completion(.failed("'\(target)' is not a SIP URI")) }
            let kind: SIPTransportKind
            switch uri.parameters["transport"]?.lowercased() {
            case "tcp": kind = .tcp
            case "tls": kind = .tls
            case nil, "udp": kind = uri.scheme == .sips ? .tls : .udp
            case let other?: return completion(.failed("transport '\(other)' is not supported"))
            }
            guard let connector else { return completion(.failed("no transport for outgoing calls")) }
            let call: CallController.DialOut
            switch controller.prepareDialOut(spaceURI: spaceURI, displayName: displayName ?? uri.user ?? "Guest", remote: target) {
            case .success(let prepared): call = prepared
            case .failure(let rejection): return completion(.failed(rejection.detail))
            }
            let host = uri.host.description.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
            let port = Int(uri.port ?? (kind == .tls ? 5061 : 5060))
            connector(kind, host, port).whenComplete { [self] result in
                switch result {
                case .failure(let error):
                    controller.abandonDialOut(call)
                    completion(.failed("cannot reach \(host):\(port) over \(kind.rawValue): \(error)"))
                case .success(let connection):
                    sendDialOutINVITE(call, to: uri, connection: connection, completion: completion)
                }
            }
        }
    }

    // MARK: Dial-out

    private func sendDialOutINVITE(_ call: CallController.DialOut, to uri: SIPURI, connection: SIPConnection,
                                   completion: @escaping @Sendable (DialOutResult) -> Void) {
        let localTag = SIPIdentifiers.makeTag()
        let callID = SIPIdentifiers.makeCallID(host: advertised.host)
        var fromURI = contact(for: connection.kind, user: call.space.uri).uri.sipURI!
        fromURI.parameters = SIPParameters()
        fromURI.port = nil
        let from = SIPNameAddress(displayName: call.space.name, uri: fromURI)
        let to = SIPNameAddress(uri: uri)
        var extra = SIPHeaders()
        extra.append(.allow, Self.allowHeader)
        extra.append(.userAgent, userAgent)
        extra.append(.minSE, String(sessionTimers.minimum))
        let invite = SIPRequest(method: .invite, target: .sip(uri), via: newVia(connection.kind),
                                from: from.with(tag: localTag), to: to, callID: callID, cseq: 1,
                                contact: contact(for: connection.kind, user: call.space.uri), supported: ["timer"],
                                additionalHeaders: extra, body: Array(call.offerSDP.utf8), contentType: .sdp)
        var answered = false
        startClientTransaction(invite, on: connection) { [self] response in
            if response.isProvisional {
                if response.statusCode == 180 || response.statusCode == 183 { onCallEvent?("dial-out to \(uri): ringing") }
                return
            }
            if !response.isSuccess {
                controller.abandonDialOut(call)
                onCallEvent?("dial-out to \(uri): \(response.statusCode) \(response.reasonPhrase)")
                completion(.rejected(status: response.statusCode, reason: response.reasonPhrase))
                return
            }
            guard !answered else { return }
            answered = true
            let remoteTag = ((try? response.headers.to) ?? nil)?.tag
            let target = ((try? response.headers.contacts) ?? []).first?.uri ?? .sip(uri)
            let routeSet = Array(((try? response.headers.recordRoute) ?? []).reversed())
            let dialog = Dialog(callID: callID, localTag: localTag, remoteTag: remoteTag, legID: call.legID, isOutbound: true,
                                localParty: from, remoteParty: to, remoteTarget: target, routeSet: routeSet,
                                localSequence: 1, connection: connection)
            dialog.acknowledged = true
            if let ack = try? invite.makeACK(for2xx: response, via: newVia(connection.kind), routeSet: routeSet) {
                dialog.ackFor2xx = ack.serialized()
                connection.send(ack.serialized())
            }
            switch controller.completeDialOut(call, answer: String(decoding: response.body, as: UTF8.self)) {
            case .success:
                add(dialog)
                adoptSessionTimer(from: response, dialog: dialog)
                onCallEvent?("dial-out leg \(call.legID) to \(uri) answered, joined \(call.space.uri)")
                completion(.answered(legID: call.legID))
            case .failure(let rejection):
                // §13.2.2.4: an unusable answer is still ACKed; then the call is ended.
                legDialogs[dialog.legID] = dialog
                dialogs[dialog.key] = dialog
                sendBYE(dialog, reason: "unusable SDP answer: \(rejection.detail)")
                completion(.failed(rejection.detail))
            }
        } onTimeout: { [self] in
            controller.abandonDialOut(call)
            connection.send(invite.makeCANCEL().serialized())
            onCallEvent?("dial-out to \(uri): no answer")
            completion(.failed("no answer from \(uri)"))
        }
    }

    // MARK: In-dialog requests

    func newVia(_ kind: SIPTransportKind) -> SIPVia {
        var parameters = SIPParameters()
        parameters.set("rport")
        return SIPVia(transport: kind.rawValue, host: SIPHost(advertised.host, allowBareIPv6: true) ?? .ipv4("127.0.0.1"),
                      port: UInt16(advertisedPort(kind)), branch: SIPIdentifiers.makeBranch(), parameters: parameters)
    }

    /// A request within `dialog` (§12.2.1.1): remote target, route set, tags, next CSeq.
    func makeRequest(_ method: SIPMethod, in dialog: Dialog, headers: SIPHeaders = SIPHeaders(),
                     body: [UInt8] = [], contentType: SIPMediaType? = nil) -> SIPRequest {
        dialog.localSequence += 1
        let kind = dialog.connection.kind
        return SIPRequest(method: method, target: dialog.remoteTarget, via: newVia(kind),
                          from: dialog.localParty.with(tag: dialog.localTag), to: dialog.remoteParty.with(tag: dialog.remoteTag),
                          callID: dialog.callID, cseq: dialog.localSequence, routeSet: dialog.routeSet,
                          contact: method == .invite || method == .update ? contact(for: kind) : nil,
                          supported: method == .invite || method == .update ? ["timer"] : [],
                          additionalHeaders: headers, body: body, contentType: contentType)
    }

    /// BYE (§15.1.1): the leg is released at once; the BYE's own transaction runs on.
    func sendBYE(_ dialog: Dialog, reason: String, completion: ((Bool) -> Void)? = nil) {
        guard !dialog.ended else {
            completion?(false)
            return
        }
        var headers = SIPHeaders()
        headers.append(.reason, "SIP;cause=200;text=\"\(reason.replacingOccurrences(of: "\"", with: "'"))\"")
        let bye = makeRequest(.bye, in: dialog, headers: headers)
        endDialog(dialog)
        onCallEvent?("sent BYE for leg \(dialog.legID) (\(reason))")
        startClientTransaction(bye, on: dialog.connection) { response in
            if response.isFinal { completion?(response.isSuccess) }
        } onTimeout: {
            completion?(false)
        }
    }

    /// A re-INVITE we send in a dialog (§14.1), ACKed on 2xx; one at a time.
    func sendInDialogINVITE(_ dialog: Dialog, sdp: String, headers: SIPHeaders,
                            onFinal: @escaping (SIPResponse) -> Void, onTimeout: @escaping () -> Void) {
        guard !dialog.inviteInProgress else { return }
        dialog.inviteInProgress = true
        let invite = makeRequest(.invite, in: dialog, headers: headers, body: Array(sdp.utf8), contentType: .sdp)
        startClientTransaction(invite, on: dialog.connection) { [self] response in
            guard response.isFinal else { return }
            dialog.inviteInProgress = false
            if response.isSuccess, let ack = try? invite.makeACK(for2xx: response, via: newVia(dialog.connection.kind),
                                                                 routeSet: dialog.routeSet) {
                dialog.ackFor2xx = ack.serialized()
                dialog.connection.send(ack.serialized())
            }
            onFinal(response)
        } onTimeout: {
            dialog.inviteInProgress = false
            onTimeout()
        }
    }

    // MARK: Client transactions

    static func clientKey(branch: String, method: SIPMethod) -> String { branch + "|" + method.rawValue }

    func startClientTransaction(_ request: SIPRequest, on connection: SIPConnection,
                                onResponse: @escaping (SIPResponse) -> Void, onTimeout: @escaping () -> Void) {
        let branch = ((try? request.headers.topVia) ?? nil)?.branch ?? ""
        let key = Self.clientKey(branch: branch, method: request.method)
        let transaction = ClientTransaction(request: request, connection: connection, key: key,
                                            onResponse: onResponse, onTimeout: onTimeout)
        clientTransactions[key] = transaction
        counters.requestsSent[request.method.rawValue, default: 0] += 1
        connection.send(transaction.bytes)
        scheduleClientTimer(transaction, interval: Self.t1, elapsed: .zero)
    }

    /// Timer A/E retransmissions (UDP only; E capped at T2, A doubling) and the give-up timer:
    /// 64·T1 (B/F), or `ringingTimeout` for an INVITE that got a provisional response.
    private func scheduleClientTimer(_ transaction: ClientTransaction, interval: TimeAmount, elapsed: TimeAmount) {
        transaction.timer = eventLoop.scheduleTask(in: interval) { [self] in
            guard !transaction.completed else { return }
            let total = elapsed + interval
            let limit = transaction.isInvite && transaction.provisional ? Self.ringingTimeout : Self.t1 * 64
            if total >= limit {
                transaction.completed = true
                clientTransactions[transaction.key] = nil
                transaction.onTimeout()
                return
            }
            let resend = !transaction.connection.isReliable && !(transaction.isInvite && transaction.provisional)
            if resend { transaction.connection.send(transaction.bytes) }
            var next = interval * 2
            if !transaction.isInvite { next = transaction.provisional ? Self.t2 : min(next, Self.t2) }
            if transaction.isInvite && transaction.provisional { next = .seconds(1) }
            scheduleClientTimer(transaction, interval: next, elapsed: total)
        }
    }

    /// Responses to requests we sent (§17.1.3: matched by the top Via branch and CSeq method).
    func handleResponse(_ response: SIPResponse, _ connection: SIPConnection) {
        guard let via = (try? response.headers.topVia) ?? nil, let branch = via.branch,
              let cseq = (try? response.headers.cseq) ?? nil else { return }
        counters.responsesReceived[response.statusCode, default: 0] += 1
        let key = Self.clientKey(branch: branch, method: cseq.method)
        guard let transaction = clientTransactions[key] else {
            // A retransmitted 2xx to an INVITE whose transaction is over: ACK it again (§13.2.2.4).
            if cseq.method == .invite, response.isSuccess, let callID = (try? response.headers.callID) ?? nil,
               let fromTag = ((try? response.headers.from) ?? nil)?.tag,
               let dialog = dialogs[Dialog.key(callID: callID, localTag: fromTag)], let ack = dialog.ackFor2xx {
                dialog.connection.send(ack)
            } else if let done = completedInvites[key] {
                connection.send(done)   // a retransmitted non-2xx final: ACK again (§17.1.1.2)
            }
            return
        }
        if response.isProvisional {
            transaction.provisional = true
            transaction.onResponse(response)
            return
        }
        transaction.completed = true
        transaction.timer?.cancel()
        clientTransactions[key] = nil
        if transaction.isInvite && !response.isSuccess {
            let ack = transaction.request.makeACK(forNon2xx: response).serialized()
            transaction.connection.send(ack)
            completedInvites[key] = ack
            eventLoop.scheduleTask(in: Self.t1 * 64) { [self] in completedInvites[key] = nil }
        }
        transaction.onResponse(response)
    }
}
