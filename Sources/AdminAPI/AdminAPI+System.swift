import Control
import Engine
import Foundation
import Store
import Synchronization

/// system/status, system/load, system/alarms and the load limit.
extension AdminAPI {
    func systemStatus(_ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        return render(APIElement("status", children: [
            APIElement("softwareVersion", value: .string(softwareVersion)),
            APIElement("uptimeSeconds", value: .integer(Int(Date().timeIntervalSince(startedAt)))),
            APIElement("activated", value: .bool(true)),
            APIElement("clusterEnabled", value: .bool(false)),
            APIElement("callLegsActive", value: .integer(controller.activeLegs)),
            APIElement("callLegsMaxActive", value: .integer(controller.maximumActiveLegs)),
            APIElement("callsActive", value: .integer(controller.conferenceInfos.count)),
            APIElement("mediaWorkers", value: .integer(controller.engine.workers.count)),
        ]), request)
    }

    /// Mean busy share of the media workers over their last second, in percent.
    public var mediaProcessingLoad: Int { Int((controller.engine.load * 100).rounded()) }

    func systemLoad(_ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        let workers = controller.engine.workers.map { worker in
            APIElement("worker", attributes: [("index", .integer(worker.configuration.index))], children: [
                APIElement("load", value: .integer(Int((worker.load * 100).rounded()))),
                APIElement("degradation", value: .integer(worker.degradation)),
            ])
        }
        return render(APIElement("load", children: [
            APIElement("mediaProcessingLoad", value: .integer(mediaProcessingLoad)),
            APIElement("loadLimit", value: .integer(Int((controller.loadLimit * 100).rounded()))),
            APIElement("workers", children: workers, itemName: "worker"),
        ]), request)
    }

    func systemAlarms(_ request: APIRequest) throws -> APIResponse {
        let (page, _) = try self.page(request)
        let active = alarms.active(api: self)
        return render(APIElement("alarms", attributes: [("total", .integer(active.count))],
                                 children: Self.window(active, page).map { alarm in
            APIElement("alarm", attributes: [("id", .string(alarm.id))], children: [
                APIElement("type", value: .string(alarm.type)),
                APIElement("activeTimeSeconds", value: .integer(Int(Date().timeIntervalSince(alarm.since)))),
                APIElement("description", value: .string(alarm.description)),
            ])
        }, itemName: "alarm"), request)
    }

    func clusterConfiguration(_ request: APIRequest) throws -> APIResponse {
        _ = try parameters(request, allowed: [])
        return render(APIElement("cluster", children: [
            APIElement("loadLimit", value: .integer(Int((controller.loadLimit * 100).rounded()))),
            APIElement("maximumCallLegs", value: .integer(controller.maximumLegs)),
        ]), request)
    }

    static let clusterFields = [
        FieldSpec("loadLimit", .integer(1...100), clearable: false, "Media worker load (percent) above which new calls are refused with 503."),
    ]

    func updateClusterConfiguration(_ request: APIRequest) throws -> APIResponse {
        let parameters = try self.parameters(request, allowed: Set(Self.clusterFields.map(\.name)))
        guard let text = parameters["loadLimit"] else { return ok(request) }
        guard let value = try Self.clusterFields[0].parse(text)?.integer else {
            throw APIFailure.parameter("loadLimit", "invalidValue", "loadLimit cannot be empty")
        }
        try store.write { try $0.setSetting("loadLimit", String(value)) }
        controller.loadLimit = Double(value) / 100
        return ok(request)
    }
}

/// Conditions an operator should see (CMS `system/alarms`), evaluated when asked.
final class AlarmMonitor: Sendable {
    struct Alarm: Sendable {
        var id: String
        var type: String
        var since: Date
        var description: String
    }

    let certificateExpiry: Date?
    private let firstSeen = Mutex<[String: Date]>([:])

    init(certificateExpiry: Date?) { self.certificateExpiry = certificateExpiry }

    func active(api: AdminAPI) -> [Alarm] {
        var found: [(String, String, String, Date?)] = []
        if let states = api.statistics?.workerStates {
            for (index, state) in states.enumerated() where state.overloadedSince != nil {
                found.append(("worker\(index)-overloaded", "mediaWorkerOverloaded",
                              "media worker \(index) is at \(Int(state.load * 100)) % load at its last degradation step", state.overloadedSince))
            }
        }
        if let expiry = certificateExpiry, expiry.timeIntervalSinceNow < 30 * 86_400 {
            let days = Int(expiry.timeIntervalSinceNow / 86_400)
            found.append(("webadmin-certificate", expiry < Date() ? "certificateExpired" : "certificateExpiring",
                          "the web admin certificate expires in \(days) days", nil))
        }
        let legs = api.controller.activeLegs, limit = api.controller.maximumLegs
        if legs * 10 >= limit * 9 {
            found.append(("call-leg-limit", "callLegLimitNear", "\(legs) of at most \(limit) call legs are in use", nil))
        }
        let now = Date()
        return firstSeen.withLock { seen in
            let ids = Set(found.map(\.0))
            seen = seen.filter { ids.contains($0.key) }
            return found.map { id, type, description, since in
                let start = since ?? seen[id] ?? now
                if seen[id] == nil { seen[id] = start }
                return Alarm(id: id, type: type, since: start, description: description)
            }
        }
    }
}
