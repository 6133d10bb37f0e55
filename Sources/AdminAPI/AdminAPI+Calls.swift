import Control
import Engine
import Foundation
import Mixer
import SDP
import Store

/// calls, callLegs, participants: what is live now (nothing here is stored).
extension AdminAPI {
    func conference(for leg: LegInfo) -> ConferenceInfo? {
        controller.conferenceInfos.first { $0.spaceID == leg.spaceID }
    }

    func callElement(_ call: ConferenceInfo, detailed: Bool) -> APIElement {
        let legs = controller.legInfos.filter { $0.spaceID == call.spaceID }
        var children: [APIElement] = [APIElement("name", value: .string(call.name))]
        if let key = call.spaceKey { children.append(APIElement("coSpace", value: .string(key))) }
        children.append(APIElement("numParticipantsLocal", value: .integer(legs.count)))
        if detailed {
            children.append(APIElement("durationSeconds", value: .integer(Int(Date().timeIntervalSince(call.startedAt)))))
        }
        return APIElement("call", attributes: [("id", .string(call.id))], children: children)
    }

    func listCalls(_ request: APIRequest) throws -> APIResponse {
        let (page, _) = try self.page(request)
        var calls = controller.conferenceInfos
        if let filter = page.filter?.lowercased(), !filter.isEmpty { calls = calls.filter { $0.name.lowercased().contains(filter) } }
        return render(APIElement("calls", attributes: [("total", .integer(calls.count))],
                                 children: Self.window(calls, page).map { callElement($0, detailed: false) }, itemName: "call"), request)
    }

    func call(id: String) throws(APIFailure) -> ConferenceInfo {
        guard let call = controller.conferenceInfos.first(where: { $0.id == id }) else {
            throw .named("callDoesNotExist", status: 404, "no active call with id '\(id.prefix(100))'")
        }
        return call
    }

    func getCall(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        return render(callElement(try call(id: id), detailed: true), request)
    }

    /// Ends a call: every leg gets a BYE.
    func deleteCall(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        let call = try self.call(id: id)
        for leg in controller.legInfos where leg.spaceID == call.spaceID { hangUp(leg.id) }
        return ok(request)
    }

    func hangUp(_ legID: Int) {
        if let signalling { signalling.hangUp(legID: legID) } else { controller.hangUp(legID: legID) }
    }

    func leg(id: String) throws(APIFailure) -> LegInfo {
        guard let number = Int(id), let leg = controller.legInfo(id: number) else {
            throw .named("callLegDoesNotExist", status: 404, "no call leg with id '\(id.prefix(100))'")
        }
        return leg
    }

    func legElement(_ leg: LegInfo, detailed: Bool) -> APIElement {
        var children: [APIElement] = [
            APIElement("name", value: .string(leg.displayName)),
            APIElement("remoteParty", value: .string(leg.remote)),
            APIElement("direction", value: .string(leg.direction.rawValue)),
        ]
        if let call = conference(for: leg) { children.append(APIElement("call", value: .string(call.id))) }
        if let key = leg.spaceKey { children.append(APIElement("coSpace", value: .string(key))) }
        guard detailed else { return APIElement("callLeg", attributes: [("id", .string(String(leg.id)))], children: children) }
        children.append(APIElement("configuration", children: [
            APIElement("chosenLayout", value: .string(leg.layout.rawValue)),
            APIElement("qualityMain", value: .string(leg.qualityMain.rawValue)),
            APIElement("rxAudioMute", value: .bool(leg.mutes.rxAudio)),
            APIElement("txAudioMute", value: .bool(leg.mutes.txAudio)),
            APIElement("rxVideoMute", value: .bool(leg.mutes.rxVideo)),
            APIElement("txVideoMute", value: .bool(leg.mutes.txVideo)),
        ]))
        var status: [APIElement] = [
            APIElement("state", value: .string("connected")),
            APIElement("durationSeconds", value: .integer(Int(Date().timeIntervalSince(leg.startedAt)))),
        ]
        let sample = statistics?.sample(legID: leg.id)
        if let audio = leg.session.audio {
            let stats = sample?.statistics.audio
            status.append(APIElement("rxAudio", children: [
                APIElement("codec", value: .string(audio.codec.description)),
                APIElement("packetsReceived", value: .integer(stats?.packetsReceived ?? 0)),
                APIElement("packetsLost", value: .integer(Int(stats?.packetsLost ?? 0))),
                APIElement("jitter", value: .double(stats?.jitterMilliseconds ?? 0)),
                APIElement("bitRate", value: .integer(Int(sample?.audioBitsReceivedRate ?? 0))),
            ]))
            status.append(APIElement("txAudio", children: [
                APIElement("codec", value: .string(audio.codec.description)),
                APIElement("packetsSent", value: .integer(stats?.packetsSent ?? 0)),
                APIElement("bitRate", value: .integer(Int(sample?.audioBitsSentRate ?? 0))),
            ]))
        }
        if let video = leg.session.video {
            let stats = sample?.statistics.video
            status.append(APIElement("rxVideo", children: [
                APIElement("codec", value: .string("h264")),
                APIElement("frameRate", value: .double(sample?.videoFramesReceivedRate ?? 0)),
                APIElement("framesReceived", value: .integer(stats?.framesReceived ?? 0)),
                APIElement("framesDecoded", value: .integer(stats?.framesDecoded ?? 0)),
                APIElement("packetsLost", value: .integer(Int(stats?.packetsLost ?? 0))),
                APIElement("jitter", value: .double(stats?.jitterMilliseconds ?? 0)),
                APIElement("bitRate", value: .integer(Int(sample?.videoBitsReceivedRate ?? 0))),
                APIElement("keyframeRequestsSent", value: .integer(stats?.keyframeRequestsSent ?? 0)),
                APIElement("droppedPackets", value: .integer(stats?.dropsTotal ?? 0)),
            ]))
            status.append(APIElement("txVideo", children: [
                APIElement("codec", value: .string("h264")),
                APIElement("width", value: .integer(video.video?.maxWidth ?? 0)),
                APIElement("height", value: .integer(video.video?.maxHeight ?? 0)),
                APIElement("frameRate", value: .double(sample?.videoFramesSentRate ?? 0)),
                APIElement("framesEncoded", value: .integer(stats?.framesEncoded ?? 0)),
                APIElement("bitRate", value: .integer(Int(sample?.videoBitsSentRate ?? 0))),
                APIElement("keyframesSent", value: .integer(stats?.keyframesSent ?? 0)),
            ]))
        }
        children.append(APIElement("status", children: status))
        return APIElement("callLeg", attributes: [("id", .string(String(leg.id)))], children: children)
    }

    func listCallLegs(_ request: APIRequest, call callID: String?) throws -> APIResponse {
        let (page, _) = try self.page(request)
        var legs = controller.legInfos
        if let callID {
            let call = try self.call(id: callID)
            legs = legs.filter { $0.spaceID == call.spaceID }
        }
        if let filter = page.filter?.lowercased(), !filter.isEmpty {
            legs = legs.filter { $0.displayName.lowercased().contains(filter) || $0.remote.lowercased().contains(filter) }
        }
        return render(APIElement("callLegs", attributes: [("total", .integer(legs.count))],
                                 children: Self.window(legs, page).map { legElement($0, detailed: false) }, itemName: "callLeg"), request)
    }

    func getCallLeg(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        return render(legElement(try leg(id: id), detailed: true), request)
    }

    static let legFields: [FieldSpec] = [
        FieldSpec("chosenLayout", .choice(ObjectSpec.layouts), clearable: false, "Layout the leg is sent from now on."),
        FieldSpec("rxAudioMute", .bool, clearable: false, "Others do not hear the leg."),
        FieldSpec("txAudioMute", .bool, clearable: false, "The leg hears silence."),
        FieldSpec("rxVideoMute", .bool, clearable: false, "Others see a black pane instead of the leg."),
        FieldSpec("txVideoMute", .bool, clearable: false, "The leg is sent a black picture."),
        FieldSpec("qualityMain", .choice(ObjectSpec.qualities), clearable: false,
                  "Largest picture the leg is sent from now on (not above what was negotiated at join)."),
    ]

    static let remoteField = FieldSpec("remote", .sipURI(maximumLength: 512), required: true, "SIP URI to call, e.g. sip:alice@127.0.0.1:5070")

    /// Changes a live leg: layout and mutes take effect within one frame slot.
    func updateCallLeg(id: String, _ request: APIRequest) throws -> APIResponse {
        let parameters = try self.parameters(request, allowed: Set(Self.legFields.map(\.name)))
        var parsed: [String: StoreValue] = [:]
        for field in Self.legFields {
            guard let text = parameters[field.name] else { continue }
            parsed[field.name] = try field.parse(text)
        }
        let leg = try self.leg(id: id)
        if let layout = parsed["chosenLayout"]?.text.flatMap(LayoutName.init) {
            controller.setLayout(legID: leg.id, layout)
        }
        if let quality = parsed["qualityMain"]?.text.flatMap(QualityMain.init) {
            controller.setQualityMain(legID: leg.id, quality)
        }
        var mutes = leg.mutes
        var mutesChanged = false
        if let b = parsed["rxAudioMute"]?.bool { mutes.rxAudio = b; mutesChanged = true }
        if let b = parsed["txAudioMute"]?.bool { mutes.txAudio = b; mutesChanged = true }
        if let b = parsed["rxVideoMute"]?.bool { mutes.rxVideo = b; mutesChanged = true }
        if let b = parsed["txVideoMute"]?.bool { mutes.txVideo = b; mutesChanged = true }
        if mutesChanged { controller.setMutes(legID: leg.id, mutes) }
        return ok(request)
    }

    func deleteCallLeg(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        hangUp(try leg(id: id).id)
        return ok(request)
    }

    func generateKeyframe(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        controller.requestKeyframe(legID: try leg(id: id).id)
        return ok(request)
    }

    /// Calls a SIP URI into the call's space (CMS: POST /calls/<id>/callLegs, remote=…).
    func dialOut(call callID: String, _ request: APIRequest) async throws -> APIResponse {
        let parameters = try self.parameters(request, allowed: ["remote"])
        guard let text = parameters["remote"] else {
            throw APIFailure.parameter("remote", "parameterMissing", "remote (the SIP URI to call) is required")
        }
        guard let remote = try Self.remoteField.parse(text)?.text else {
            throw APIFailure.parameter("remote", "invalidValue", "remote cannot be empty")
        }
        let call = try self.call(id: callID)
        guard let space = directory.space(id: call.spaceID) else {
            throw APIFailure.named("callDoesNotExist", status: 404, "the call's space no longer exists")
        }
        guard let signalling else { throw APIFailure.named("dialOutUnavailable", status: 503, "this bridge has no SIP signalling") }
        switch await signalling.dialOut(to: remote, spaceURI: space.uri) {
        case .success(let legID): return ok(request, location: "\(Self.prefix)/callLegs/\(legID)")
        case .failure(let failure): throw APIFailure.named("dialOutFailed", status: 502, failure.reason)
        }
    }

    // MARK: participants (one per leg here; CMS keeps them apart for multi-leg participants)

    func participantElement(_ leg: LegInfo) -> APIElement {
        var children: [APIElement] = [APIElement("name", value: .string(leg.displayName))]
        if let call = conference(for: leg) { children.append(APIElement("call", value: .string(call.id))) }
        children.append(APIElement("callLeg", value: .string(String(leg.id))))
        children.append(APIElement("remoteParty", value: .string(leg.remote)))
        return APIElement("participant", attributes: [("id", .string(String(leg.id)))], children: children)
    }

    func listParticipants(_ request: APIRequest) throws -> APIResponse {
        let (page, _) = try self.page(request)
        var legs = controller.legInfos
        if let filter = page.filter?.lowercased(), !filter.isEmpty { legs = legs.filter { $0.displayName.lowercased().contains(filter) } }
        return render(APIElement("participants", attributes: [("total", .integer(legs.count))],
                                 children: Self.window(legs, page).map(participantElement), itemName: "participant"), request)
    }

    func getParticipant(id: String, _ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        guard let number = Int(id), let leg = controller.legInfo(id: number) else {
            throw APIFailure.named("participantDoesNotExist", status: 404, "no participant with id '\(id.prefix(100))'")
        }
        return render(participantElement(leg), request)
    }
}
