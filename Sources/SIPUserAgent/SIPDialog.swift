import NIOCore
import SIP
import SIPTransport

/// A server transaction (RFC 3261 §17.2): the request, where to answer, and the last
/// response, resent when the request is retransmitted.
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

/// A client transaction (RFC 3261 §17.1) for a request the bridge sends: retransmitted over
/// UDP (Timer A/E), given up after 64·T1 without a final response (Timer B/F), or, for an
/// INVITE that got a provisional response, after `ringingTimeout`.
final class ClientTransaction {
    let key: String
    let request: SIPRequest
    let bytes: [UInt8]
    let connection: SIPConnection
    let onResponse: (SIPResponse) -> Void
    let onTimeout: () -> Void
    var timer: Scheduled<Void>?
    var provisional = false
    var completed = false
    /// For a non-2xx final response to an INVITE: the ACK, resent if the response is (§17.1.1.2).
    var ackForFinal: [UInt8]?

    init(request: SIPRequest, connection: SIPConnection, key: String,
         onResponse: @escaping (SIPResponse) -> Void, onTimeout: @escaping () -> Void) {
        self.request = request
        self.bytes = request.serialized()
        self.connection = connection
        self.key = key
        self.onResponse = onResponse
        self.onTimeout = onTimeout
    }

    var isInvite: Bool { request.method == .invite }
}

/// One call's dialog (RFC 3261 §12), inbound (the endpoint called us) or outbound (dial-out),
/// with its session timer (RFC 4028).
final class Dialog {
    let callID: String
    let localTag: String
    var remoteTag: String?
    let legID: Int
    let isOutbound: Bool
    /// From/To without tags, as this side writes them in requests it sends (§12.2.1.1).
    let localParty: SIPNameAddress
    let remoteParty: SIPNameAddress
    var remoteTarget: SIPAnyURI
    var routeSet: [SIPNameAddress]
    var localSequence: UInt32
    var remoteSequence: UInt32?
    let connection: SIPConnection
    var acknowledged = false
    var pending2xx: [UInt8]?
    var retransmitTask: Scheduled<Void>?
    /// Outbound calls: the ACK for the 2xx, resent when the 2xx is retransmitted (§13.2.2.4).
    var ackFor2xx: [UInt8]?
    /// RFC 4028: the negotiated interval; the pending refresh or expiry.
    var sessionInterval: UInt32?
    var sessionTimer: Scheduled<Void>?
    /// An INVITE we sent in this dialog and have no final response to yet (§14.1: no second).
    var inviteInProgress = false
    var ended = false

    init(callID: String, localTag: String, remoteTag: String?, legID: Int, isOutbound: Bool,
         localParty: SIPNameAddress, remoteParty: SIPNameAddress, remoteTarget: SIPAnyURI,
         routeSet: [SIPNameAddress], localSequence: UInt32, connection: SIPConnection) {
        self.callID = callID
        self.localTag = localTag
        self.remoteTag = remoteTag
        self.legID = legID
        self.isOutbound = isOutbound
        self.localParty = localParty
        self.remoteParty = remoteParty
        self.remoteTarget = remoteTarget
        self.routeSet = routeSet
        self.localSequence = localSequence
        self.connection = connection
    }

    var key: String { Self.key(callID: callID, localTag: localTag) }
    static func key(callID: String, localTag: String) -> String { callID + ";" + localTag }

    func cancelTimers() {
        retransmitTask?.cancel()
        sessionTimer?.cancel()
    }
}

extension SIPNameAddress {
    /// The same party without a tag (dialog From/To are rebuilt with the dialog's tags).
    var withoutTag: SIPNameAddress {
        var copy = self
        copy.tag = nil
        return copy
    }

    func with(tag: String?) -> SIPNameAddress {
        var copy = self
        copy.tag = tag
        return copy
    }
}
