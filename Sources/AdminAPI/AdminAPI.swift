import Control
import Engine
import Foundation
import Mixer
import Store

/// What the API needs from SIP signalling: placing calls and ending them with a BYE. The
/// executable adapts `SIPServer` to it, so this target does not depend on SIP.
public protocol CallSignalling: Sendable {
    /// Calls `target` (a SIP URI) into the space reached by `spaceURI`; the new leg's id once
    /// it answered, or why it failed.
    func dialOut(to target: String, spaceURI: String) async -> Result<Int, DialOutFailure>
    /// Sends BYE for the leg and removes it.
    func hangUp(legID: Int)
}

public struct DialOutFailure: Error, Sendable {
    public var reason: String
    public init(_ reason: String) { self.reason = reason }
}

/// The CMS-compatible REST API (`/api/v1`), without the HTTP server around it: requests in,
/// responses out. Form-encoded requests, XML responses (JSON with `Accept:
/// application/json`), `failureDetails` on 4xx, `offset`/`limit`/`filter` on lists,
/// `Location` on create. Every configuration change is one store transaction followed by a
/// reload of the live dial plan, so calls see it at once.
public final class AdminAPI: Sendable {
    public let store: ConfigStore
    public let directory: SpaceDirectory
    public let controller: CallController
    public let signalling: (any CallSignalling)?
    public let statistics: LegStatisticsMonitor?
    public let authenticator: Authenticator
    public let metrics: BridgeMetrics?
    let alarms: AlarmMonitor
    public let softwareVersion: String
    let startedAt = Date()

    public init(store: ConfigStore, directory: SpaceDirectory, controller: CallController, signalling: (any CallSignalling)?,
                statistics: LegStatisticsMonitor?, metrics: BridgeMetrics? = nil, softwareVersion: String,
                certificateExpiry: Date? = nil) {
        self.store = store
        self.directory = directory
        self.controller = controller
        self.signalling = signalling
        self.statistics = statistics
        self.metrics = metrics
        self.softwareVersion = softwareVersion
        authenticator = Authenticator(store: store)
        alarms = AlarmMonitor(certificateExpiry: certificateExpiry)
    }

    public static let prefix = "/api/v1"

    /// Answers one request. Never throws: every failure is a 4xx/5xx with a reason.
    public func handle(_ request: APIRequest) async -> APIResponse {
        let path = request.path
        if let page = WebAdmin.page(path: path), request.method == "GET" || request.method == "HEAD" {
            return APIResponse(status: 200, headers: [("Content-Type", page.contentType), ("Cache-Control", "no-cache")],
                               body: Array(page.body.utf8))
        }
        guard path == "/metrics" || path == Self.prefix || path.hasPrefix(Self.prefix + "/") else {
            return render(APIFailure.named("notFound", status: 404, "no such resource: \(path.prefix(200))"), request)
        }
        if path == Self.prefix + "/openapi.json" && request.method == "GET" {
            return APIResponse(status: 200, headers: [("Content-Type", "application/json")], body: Array(OpenAPIDocument.json.utf8))
        }
        let outcome = authenticator.check(request.headers["authorization"])
        if outcome == .throttled {
            var response = render(APIFailure.named("tooManyAttempts", status: 429, "too many wrong passwords; try again in a second"), request)
            response.headers.append(("Retry-After", "1"))
            return response
        }
        guard case .user = outcome else {
            var response = render(APIFailure.named("authenticationRequired", status: 401,
                                                   "HTTP basic authentication with an admin user is required"), request)
            // The web admin signs in with its own form; a browser's dialog would get in its way.
            if request.headers["x-requested-with"] == nil { response.headers.append(("WWW-Authenticate", "Basic realm=\"callbridge\"")) }
            return response
        }
        if path == "/metrics" {
            guard request.method == "GET" else { return methodNotAllowed(request, allowed: "GET") }
            return APIResponse(status: 200, headers: [("Content-Type", "text/plain; version=0.0.4")],
                               body: metrics?.render(api: self) ?? [])
        }
        do {
            let segments = try Self.segments(of: String(path.dropFirst(Self.prefix.count)))
            return try await route(request, segments)
        } catch let failure as APIFailure {
            return render(failure, request)
        } catch {
            return render(APIFailure.named("internalError", status: 500, "\(error)"), request)
        }
    }

    static func segments(of path: String) throws(APIFailure) -> [String] {
        var out: [String] = []
        for part in path.split(separator: "/", omittingEmptySubsequences: true) {
            guard let decoded = part.removingPercentEncoding else { throw .named("badRequest", "bad percent-encoding in the path") }
            out.append(decoded)
        }
        return out
    }

    private func route(_ request: APIRequest, _ s: [String]) async throws -> APIResponse {
        let m = request.method
        if let spec = ObjectSpec.all.first(where: { $0.plural == s.first }) {
            switch (m, s.count) {
            case ("GET", 1): return try list(spec, request)
            case ("POST", 1): return try create(spec, request)
            case ("GET", 2): return try get(spec, id: s[1], request)
            case ("PUT", 2): return try update(spec, id: s[1], request)
            case ("DELETE", 2): return try delete(spec, id: s[1], request)
            case (_, 1): return methodNotAllowed(request, allowed: "GET, POST")
            case (_, 2): return methodNotAllowed(request, allowed: "GET, PUT, DELETE")
            default: break
            }
        }
        switch s.first {
        case "calls":
            switch (m, s.count) {
            case ("GET", 1): return try listCalls(request)
            case ("GET", 2): return try getCall(id: s[1], request)
            case ("DELETE", 2): return try deleteCall(id: s[1], request)
            case ("GET", 3) where s[2] == "callLegs": return try listCallLegs(request, call: s[1])
            case ("POST", 3) where s[2] == "callLegs": return try await dialOut(call: s[1], request)
            case (_, 1): return methodNotAllowed(request, allowed: "GET")
            case (_, 2): return methodNotAllowed(request, allowed: "GET, DELETE")
            case (_, 3) where s[2] == "callLegs": return methodNotAllowed(request, allowed: "GET, POST")
            default: break
            }
        case "callLegs":
            switch (m, s.count) {
            case ("GET", 1): return try listCallLegs(request, call: nil)
            case ("GET", 2): return try getCallLeg(id: s[1], request)
            case ("PUT", 2): return try updateCallLeg(id: s[1], request)
            case ("DELETE", 2): return try deleteCallLeg(id: s[1], request)
            case ("POST", 3) where s[2] == "generateKeyframe": return try generateKeyframe(id: s[1], request)
            case (_, 1): return methodNotAllowed(request, allowed: "GET")
            case (_, 2): return methodNotAllowed(request, allowed: "GET, PUT, DELETE")
            case (_, 3) where s[2] == "generateKeyframe": return methodNotAllowed(request, allowed: "POST")
            default: break
            }
        case "participants":
            switch (m, s.count) {
            case ("GET", 1): return try listParticipants(request)
            case ("GET", 2): return try getParticipant(id: s[1], request)
            case (_, 1), (_, 2): return methodNotAllowed(request, allowed: "GET")
            default: break
            }
        case "system":
            guard s.count >= 2 else { break }
            let rest = s.dropFirst().joined(separator: "/")
            switch (m, rest) {
            case ("GET", "status"): return try systemStatus(request)
            case ("GET", "load"): return try systemLoad(request)
            case ("GET", "alarms"): return try systemAlarms(request)
            case ("GET", "configuration/cluster"): return try clusterConfiguration(request)
            case ("PUT", "configuration/cluster"): return try updateClusterConfiguration(request)
            case (_, "status"), (_, "load"), (_, "alarms"): return methodNotAllowed(request, allowed: "GET")
            case (_, "configuration/cluster"): return methodNotAllowed(request, allowed: "GET, PUT")
            default: break
            }
        default:
            break
        }
        throw APIFailure.named("notFound", status: 404, "no such resource: /api/v1/\(s.joined(separator: "/").prefix(200))")
    }

    // MARK: Rendering

    func render(_ element: APIElement, _ request: APIRequest, status: Int = 200) -> APIResponse {
        if request.wantsJSON {
            return APIResponse(status: status, headers: [("Content-Type", "application/json")], body: Array(element.jsonDocument.utf8))
        }
        return APIResponse(status: status, headers: [("Content-Type", "application/xml")], body: Array(element.xmlDocument.utf8))
    }

    func render(_ failure: APIFailure, _ request: APIRequest) -> APIResponse {
        render(failure.element, request, status: failure.status)
    }

    func methodNotAllowed(_ request: APIRequest, allowed: String) -> APIResponse {
        var response = render(APIFailure.named("methodNotAllowed", status: 405, "\(request.method) is not allowed here (\(allowed))"), request)
        response.headers.append(("Allow", allowed))
        return response
    }

    func ok(_ request: APIRequest, location: String? = nil) -> APIResponse {
        var response = APIResponse(status: 200)
        if let location { response.headers.append(("Location", location)) }
        return response
    }

    // MARK: Parameters

    /// The body's form parameters (or the query's, for clients that send them there), each
    /// at most once, all known to `allowed`.
    func parameters(_ request: APIRequest, allowed: Set<String>) throws(APIFailure) -> [String: String] {
        var text = ""
        if !request.body.isEmpty {
            let type = (request.headers["content-type"] ?? "").lowercased()
            guard type.hasPrefix("application/x-www-form-urlencoded") else {
                throw .named("unsupportedMediaType", status: 415,
                             "send parameters as application/x-www-form-urlencoded (got '\(type.prefix(80))')")
            }
            guard let body = String(validating: request.body, as: UTF8.self) else {
                throw .named("badRequest", "the request body is not valid UTF-8")
            }
            text = body
        }
        if !request.query.isEmpty { text += (text.isEmpty ? "" : "&") + request.query }
        let pairs: [(String, String)]
        do { pairs = try FormDecoding.decode(text) } catch { throw .named("badRequest", error.reason) }
        var out: [String: String] = [:]
        for (key, value) in pairs {
            guard allowed.contains(key) else {
                throw .parameter(key, "unrecognisedParameter", "'\(key.prefix(60))' is not a parameter of this request")
            }
            guard out[key] == nil else { throw .parameter(key, "duplicateParameter", "'\(key)' is given twice") }
            out[key] = value
        }
        return out
    }

    /// The largest offset or limit a list takes (SQLite's and PostgreSQL's 32-bit LIMIT range).
    public static let largestPageValue = Int(Int32.max)

    struct Page {
        var offset = 0
        var limit: Int?
        var filter: String?
    }

    func page(_ request: APIRequest) throws(APIFailure) -> (Page, [String: String]) {
        let parameters = try self.parameters(request, allowed: ["offset", "limit", "filter"])
        var page = Page()
        func number(_ name: String) throws(APIFailure) -> Int? {
            guard let text = parameters[name] else { return nil }
            guard let value = Int(text), (0...Self.largestPageValue).contains(value) else {
                throw .parameter(name, "invalidValue", "\(name) must be an integer in 0…\(Self.largestPageValue)")
            }
            return value
        }
        page.offset = try number("offset") ?? 0
        page.limit = try number("limit")
        if let filter = parameters["filter"] {
            guard filter.count <= 200, !filter.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }) else {
                throw .parameter("filter", "invalidValue", "filter is at most 200 printable characters")
            }
            page.filter = filter
        }
        return (page, parameters)
    }

    static func window<T>(_ items: [T], _ page: Page) -> [T] {
        let start = min(items.count, page.offset)
        let end = page.limit.map { min(items.count, start + $0) } ?? items.count
        return Array(items[start..<end])
    }
}
