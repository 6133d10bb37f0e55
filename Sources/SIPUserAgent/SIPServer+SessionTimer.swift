import NIOCore
import SIP

/// Session timers (RFC 4028) on the UAS side, for every dialog-refreshing request we answer
/// (INVITE, re-INVITE, UPDATE).
extension SIPServer {
    /// §8.1 / §9: 422 with our Min-SE when the request asks for a shorter interval.
    func sessionIntervalTooSmall(_ request: SIPRequest, toTag: String?) -> SIPResponse? {
        guard let asked = (try? request.headers.sessionExpires) ?? nil, asked.seconds < sessionTimers.minimum else { return nil }
        var response = request.makeResponse(statusCode: 422, toTag: toTag)
        response.headers.append(.minSE, String(sessionTimers.minimum))
        return response
    }

    /// §9: choose the interval and refresher, write them into the 2xx, and (re)arm the timer.
    /// The caller's interval is taken (it is at least our Min-SE); with none we ask for ours.
    /// The refresher is what the caller named, else the caller when it supports timers, else
    /// us (a UAC without timer support cannot refresh, §9).
    func negotiateSessionTimer(_ request: SIPRequest, response: inout SIPResponse, dialog: Dialog) {
        let callerSupports = ((try? request.headers.supported) ?? []).contains { $0.lowercased() == "timer" }
            || ((try? request.headers.require) ?? []).contains { $0.lowercased() == "timer" }
        let asked = (try? request.headers.sessionExpires) ?? nil
        let minSE = ((try? request.headers.minSE) ?? nil) ?? 0
        let interval = asked?.seconds ?? max(sessionTimers.interval, minSE)
        var refresher: SIPSessionExpires.Refresher = asked?.refresher ?? (callerSupports ? .uac : .uas)
        if !callerSupports { refresher = .uas }
        response.headers.append(.sessionExpires, SIPSessionExpires(seconds: interval, refresher: refresher).description)
        // §9: Require: timer tells the caller it must refresh (or that we will).
        if callerSupports { response.headers.append(.require, "timer") }
        // Whoever sent the request is the UAC of this transaction; if it is our peer, "uas" is us.
        armSessionTimer(dialog, interval: interval, weRefresh: refresher == .uas)
    }

    /// After a 2xx to a refresh or INVITE we sent: the peer's Session-Expires names who refreshes
    /// (we were the UAC of that transaction).
    func adoptSessionTimer(from response: SIPResponse, dialog: Dialog) {
        guard let expires = (try? response.headers.sessionExpires) ?? nil else {
            dialog.sessionTimer?.cancel()
            dialog.sessionInterval = nil
            return
        }
        armSessionTimer(dialog, interval: expires.seconds, weRefresh: (expires.refresher ?? .uac) == .uac)
    }

    /// The refresher refreshes at half the interval (§7.2); the other side, if nothing came,
    /// sends BYE at the interval minus min(32 s, interval/3) (§10).
    func armSessionTimer(_ dialog: Dialog, interval: UInt32, weRefresh: Bool) {
        dialog.sessionTimer?.cancel()
        dialog.sessionInterval = interval
        let seconds = Int64(interval)
        let delay: TimeAmount = weRefresh ? .seconds(seconds / 2) : .seconds(seconds - min(32, seconds / 3))
        dialog.sessionTimer = eventLoop.scheduleTask(in: delay) { [self] in
            guard !dialog.ended else { return }
            if weRefresh {
                sendSessionRefresh(dialog)
            } else {
                onCallEvent?("session timer expired for leg \(dialog.legID): ending the call")
                sendBYE(dialog, reason: "session timer expired")
            }
        }
    }

    /// A refresh we send: a re-INVITE with our description unchanged (every endpoint takes
    /// re-INVITE; UPDATE support varies). 481/408 or no answer end the call (§10).
    func sendSessionRefresh(_ dialog: Dialog) {
        guard let sdp = controller.refreshOffer(legID: dialog.legID) else { return }
        var extra = SIPHeaders()
        extra.append(.sessionExpires, SIPSessionExpires(seconds: dialog.sessionInterval ?? sessionTimers.interval, refresher: .uac).description)
        extra.append(.minSE, String(sessionTimers.minimum))
        sendInDialogINVITE(dialog, sdp: sdp, headers: extra) { [self] response in
            if response.isSuccess {
                adoptSessionTimer(from: response, dialog: dialog)
            } else if response.statusCode == 481 || response.statusCode == 408 {
                sendBYE(dialog, reason: "session refresh failed (\(response.statusCode))")
            } else {
                // Any other failure leaves the session as it was; try again at the next half.
                armSessionTimer(dialog, interval: dialog.sessionInterval ?? sessionTimers.interval, weRefresh: true)
            }
        } onTimeout: { [self] in
            sendBYE(dialog, reason: "session refresh unanswered")
        }
        onCallEvent?("session refresh sent for leg \(dialog.legID)")
    }
}
