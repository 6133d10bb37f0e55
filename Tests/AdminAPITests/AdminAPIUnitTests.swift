import AdminAPI
import Control
import Engine
import Foundation
import MediaCore
#if canImport(FoundationXML)
import FoundationXML
#endif
import Store
import Testing

/// The API without HTTP: `AdminAPI.handle` on an in-memory store and a one-worker engine.
final class APIHarness {
    let store: ConfigStore
    let engine: MediaEngine
    let directory = SpaceDirectory([])
    let controller: CallController
    let api: AdminAPI
    static let authorization = "Basic " + Data("tester:unit-test-pw".utf8).base64EncodedString()

    init() throws {
        store = try ConfigStore(path: ":memory:")
        try ConfigurationLoader.seedIfNew(store, legacySpaces: nil)
        try store.write { try $0.setUser(name: "tester", role: "admin", passwordHash: PasswordHash.make("unit-test-pw", rounds: 1000)) }
        engine = try MediaEngine(workerCount: 1, degradesUnderLoad: false)
        controller = CallController(engine: engine, spaces: directory, mediaAddress: "127.0.0.1")
        api = AdminAPI(store: store, directory: directory, controller: controller, signalling: nil, statistics: nil,
                       softwareVersion: "test")
        try api.reload()
    }

    deinit { engine.shutdown() }

    func call(_ method: String, _ target: String, form: String? = nil, json: Bool = false, auth: String? = authorization) async -> APIResponse {
        var headers: [String: String] = [:]
        if let auth { headers["Authorization"] = auth }
        if json { headers["Accept"] = "application/json" }
        if form != nil { headers["Content-Type"] = "application/x-www-form-urlencoded" }
        return await api.handle(APIRequest(method: method, target: target, headers: headers, body: Array((form ?? "").utf8)))
    }
}

@Suite("Admin API (handler, no HTTP)")
struct AdminAPIUnitTests {
    @Test func theSeededSpaceIsListedAndDialable() async throws {
        let h = try APIHarness()
        let response = await h.call("GET", "/api/v1/coSpaces")
        #expect(response.status == 200)
        #expect(response.text.contains("<coSpaces total=\"1\">") && response.text.contains("<uri>1000</uri>"), "\(response.text)")
        #expect(h.directory.resolve(user: "1000")?.name == "Meeting 1000")
    }

    @Test func changesReachTheLiveDialPlanAtOnce() async throws {
        let h = try APIHarness()
        let profile = await h.call("POST", "/api/v1/callLegProfiles", form: "defaultLayout=speakerOnly&sipMediaEncryption=required&participantLabels=false")
        let profileID = try #require(profile.header("Location")?.split(separator: "/").last.map(String.init))
        let limit = await h.call("POST", "/api/v1/callProfiles", form: "participantLimit=3")
        let limitID = try #require(limit.header("Location")?.split(separator: "/").last.map(String.init))
        let created = await h.call("POST", "/api/v1/coSpaces", form: "uri=board&name=Board+Room&callId=4711&secondaryUri=board2&callLegProfile=\(profileID)&callProfile=\(limitID)")
        #expect(created.status == 200, "\(created.text)")
        let space = try #require(h.directory.resolve(user: "board"))
        #expect(space.name == "Board Room")
        #expect(space.defaultLayout == .speakerOnly && space.mediaEncryption == .required && !space.participantLabels)
        #expect(space.participantLimit == 3)
        #expect(h.directory.resolve(user: "4711")?.key == space.key, "callId dials the space")
        #expect(h.directory.resolve(user: "BOARD2")?.key == space.key, "secondaryUri dials it, case-insensitively")
        let id = try #require(created.header("Location")?.split(separator: "/").last.map(String.init))
        #expect(await h.call("PUT", "/api/v1/coSpaces/\(id)", form: "defaultLayout=telepresence&callId=").status == 200)
        #expect(h.directory.resolve(user: "board")?.defaultLayout == .telepresence)
        #expect(h.directory.resolve(user: "4711") == nil, "a cleared callId no longer dials")
        #expect(h.directory.resolve(user: "board")?.id == space.id, "the engine number survives edits")
        #expect(await h.call("DELETE", "/api/v1/coSpaces/\(id)").status == 200)
        #expect(h.directory.resolve(user: "board") == nil)
    }

    @Test func inboundDialPlanRulesGateDomains() async throws {
        let h = try APIHarness()
        #expect(h.directory.resolve(user: "1000", domain: "anything.example") != nil, "no rules: every domain")
        #expect(await h.call("POST", "/api/v1/inboundDialPlanRules", form: "domain=meet.example.com&priority=10").status == 200)
        #expect(await h.call("POST", "/api/v1/inboundDialPlanRules", form: "domain=*.lab.example&resolveToCoSpaces=false").status == 200)
        #expect(h.directory.resolve(user: "1000", domain: "MEET.example.com") != nil)
        #expect(h.directory.resolve(user: "1000", domain: "other.example") == nil)
        #expect(h.directory.resolve(user: "1000", domain: "a.lab.example") == nil, "a rule that does not resolve to spaces")
        #expect(h.directory.resolve(user: "1000") != nil, "no domain (dial-out): rules do not apply")
    }

    @Test func badRequestsNameTheProblemAndStoreNothing() async throws {
        let h = try APIHarness()
        let cases: [(String, String, String?, Int, String)] = [
            ("POST", "/api/v1/coSpaces", "uri=5000&colour=blue", 400, "parameter=\"colour\" error=\"unrecognisedParameter\""),
            ("POST", "/api/v1/coSpaces", "uri=5000&defaultLayout=mosaic", 400, "parameter=\"defaultLayout\" error=\"invalidValue\""),
            ("POST", "/api/v1/coSpaces", "name=No+URI", 400, "parameter=\"uri\" error=\"parameterMissing\""),
            ("POST", "/api/v1/coSpaces", "uri=5000&callId=12ab", 400, "parameter=\"callId\" error=\"invalidValue\""),
            ("POST", "/api/v1/coSpaces", "uri=1000", 409, "duplicateCoSpaceUri"),
            ("POST", "/api/v1/coSpaces", "uri=5000&callLegProfile=missing", 400, "callLegProfileDoesNotExist"),
            ("POST", "/api/v1/coSpaces", "uri=5000&uri=5001", 400, "duplicateParameter"),
            ("POST", "/api/v1/coSpaces", "uri=%ZZ", 400, "percent-encoding"),
            ("POST", "/api/v1/callProfiles", "participantLimit=many", 400, "parameter=\"participantLimit\" error=\"invalidValue\""),
            ("POST", "/api/v1/callProfiles", "participantLimit=0", 400, "parameter=\"participantLimit\""),
            ("POST", "/api/v1/callLegProfiles", "rxAudioMute=maybe", 400, "parameter=\"rxAudioMute\""),
            ("POST", "/api/v1/inboundDialPlanRules", "priority=1", 400, "parameter=\"domain\" error=\"parameterMissing\""),
            ("GET", "/api/v1/coSpaces/00000000-0000-0000-0000-000000000000", nil, 404, "coSpaceDoesNotExist"),
            ("PUT", "/api/v1/callLegProfiles/nope", "defaultLayout=allEqual", 404, "callLegProfileDoesNotExist"),
            ("DELETE", "/api/v1/callProfiles/nope", nil, 404, "callProfileDoesNotExist"),
            ("GET", "/api/v1/callLegs/99", nil, 404, "callLegDoesNotExist"),
            ("PUT", "/api/v1/callLegs/99", "chosenLayout=allEqual", 404, "callLegDoesNotExist"),
            ("PUT", "/api/v1/callLegs/99", "chosenLayout=grid", 400, "parameter=\"chosenLayout\""),
            ("GET", "/api/v1/coSpaces?limit=-1", nil, 400, "parameter=\"limit\""),
            ("GET", "/api/v1/nothing", nil, 404, "notFound"),
            ("PATCH", "/api/v1/coSpaces", nil, 405, "methodNotAllowed"),
        ]
        for (method, target, form, status, expected) in cases {
            let response = await h.call(method, target, form: form)
            #expect(response.status == status, "\(method) \(target) \(form ?? ""): \(response.status) \(response.text)")
            #expect(response.text.contains("<failureDetails>") && response.text.contains(expected),
                    "\(method) \(target) \(form ?? ""): \(response.text)")
        }
        // A non-form body is refused before anything is parsed.
        var request = APIRequest(method: "POST", target: "/api/v1/coSpaces", headers: ["Authorization": APIHarness.authorization,
                                 "Content-Type": "application/json"], body: Array("{\"uri\":\"5000\"}".utf8))
        #expect(await h.api.handle(request).status == 415)
        request.headers["content-type"] = "application/x-www-form-urlencoded"
        request.body = [0xff, 0xfe]
        #expect(await h.api.handle(request).status == 400)
        for table in ConfigTable.allCases {
            let total = try h.store.read { try $0.list(table).total }
            #expect(total == (table == .coSpaces ? 1 : 0), "\(table) unchanged: \(total)")
        }
    }

    /// URIs are unique the way the dial plan compares them (Unicode, case-insensitive).
    @Test func uriUniquenessFollowsTheDialPlansComparison() async throws {
        let h = try APIHarness()
        #expect(await h.call("POST", "/api/v1/coSpaces", form: "uri=%C3%84rzte").status == 200)
        let clash = await h.call("POST", "/api/v1/coSpaces", form: "uri=%C3%A4RZTE")
        #expect(clash.status == 409 && clash.text.contains("duplicateCoSpaceUri"), "\(clash.text)")
        let own = await h.call("POST", "/api/v1/coSpaces", form: "uri=x1&secondaryUri=X1")
        #expect(own.status == 400 && own.text.contains("duplicateValue"), "\(own.text)")
        #expect(await h.call("POST", "/api/v1/coSpaces", form: "uri=bad%EF%BF%BEchar").status == 400, "U+FFFE cannot be stored")
    }

    @Test func credentialsAreRequired() async throws {
        let h = try APIHarness()
        let none = await h.call("GET", "/api/v1/coSpaces", auth: nil)
        #expect(none.status == 401 && none.header("WWW-Authenticate")?.hasPrefix("Basic") == true)
        let wrong = await h.call("GET", "/api/v1/coSpaces", auth: "Basic " + Data("tester:nope".utf8).base64EncodedString())
        #expect(wrong.status == 401)
        #expect(await h.call("GET", "/api/v1/coSpaces", auth: "Bearer abc").status == 401)
        #expect(await h.call("GET", "/api/v1/coSpaces", auth: "Basic %%%").status == 401)
        #expect(await h.call("POST", "/api/v1/coSpaces", form: "uri=7000", auth: nil).status == 401)
        #expect(try h.store.read { try $0.list(.coSpaces).total } == 1, "an unauthenticated POST stores nothing")
        #expect(await h.call("GET", "/metrics", auth: nil).status == 401)
        #expect(await h.call("GET", "/api/v1/openapi.json", auth: nil).status == 200, "the API description is public")
        #expect(await h.call("GET", "/", auth: nil).text.contains("<title>callbridge admin</title>"), "the web admin page is public")
    }

    /// Password guessing is limited to a few checks a second (each costs ~0.1 s of a core);
    /// a client already signed in is not affected.
    @Test func wrongPasswordsAreThrottled() async throws {
        let h = try APIHarness()
        #expect(await h.call("GET", "/api/v1/system/status").status == 200)
        var statuses: [Int] = []
        for attempt in 0..<12 {
            let guess = "Basic " + Data("tester:guess\(attempt)".utf8).base64EncodedString()
            statuses.append(await h.call("GET", "/api/v1/system/status", auth: guess).status)
        }
        #expect(statuses.allSatisfy { $0 == 401 || $0 == 429 } && statuses.contains(429), "\(statuses)")
        #expect(statuses.filter { $0 == 401 }.count <= 2 * Authenticator.failuresPerSecond, "at most a few checks per second: \(statuses)")
        #expect(await h.call("GET", "/api/v1/system/status").status == 200, "the signed-in client goes on")
        let throttled = await h.call("GET", "/api/v1/coSpaces", auth: "Basic " + Data("tester:again".utf8).base64EncodedString())
        if throttled.status == 429 { #expect(throttled.header("Retry-After") == "1") }
    }

    @Test func jsonAndXMLCarryTheSameObject() async throws {
        let h = try APIHarness()
        let created = await h.call("POST", "/api/v1/callLegProfiles", form: "qualityMain=max720p30&changeLayoutAllowed=false")
        let location = try #require(created.header("Location"))
        let xml = await h.call("GET", location)
        #expect(xml.header("Content-Type") == "application/xml")
        #expect(xml.text.contains("<qualityMain>max720p30</qualityMain><changeLayoutAllowed>false</changeLayoutAllowed>"), "\(xml.text)")
        let json = await h.call("GET", location, json: true)
        #expect(json.header("Content-Type") == "application/json")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.body)) as? [String: Any])
        let profile = try #require(object["callLegProfile"] as? [String: Any])
        #expect(profile["qualityMain"] as? String == "max720p30")
        #expect(profile["changeLayoutAllowed"] as? Bool == false)
        #expect(profile["id"] as? String == location.split(separator: "/").last.map(String.init))
        let list = await h.call("GET", "/api/v1/callLegProfiles", json: true)
        let listed = try #require(try JSONSerialization.jsonObject(with: Data(list.body)) as? [String: [String: Any]])
        #expect(listed["callLegProfiles"]?["total"] as? Int == 1)
        #expect((listed["callLegProfiles"]?["callLegProfile"] as? [Any])?.count == 1, "lists are arrays even with one item")
    }

    @Test func systemObjects() async throws {
        let h = try APIHarness()
        let status = await h.call("GET", "/api/v1/system/status")
        #expect(status.text.contains("<softwareVersion>test</softwareVersion>") && status.text.contains("<callLegsActive>0</callLegsActive>"))
        let load = await h.call("GET", "/api/v1/system/load", json: true)
        let object = try #require(try JSONSerialization.jsonObject(with: Data(load.body)) as? [String: [String: Any]])
        #expect(object["load"]?["mediaProcessingLoad"] is Int && object["load"]?["loadLimit"] as? Int == 95)
        #expect(await h.call("PUT", "/api/v1/system/configuration/cluster", form: "loadLimit=80").status == 200)
        #expect(abs(h.controller.loadLimit - 0.8) < 0.001)
        #expect(await h.call("PUT", "/api/v1/system/configuration/cluster", form: "loadLimit=101").status == 400)
        #expect(abs(h.controller.loadLimit - 0.8) < 0.001, "a refused value changes nothing")
        #expect(await h.call("GET", "/api/v1/system/alarms").text.contains("<alarms total=\"0\""))
        #expect(await h.call("GET", "/api/v1/calls").text.contains("<calls total=\"0\""))
    }

    /// Seeded random requests (methods, paths, bodies, headers) never make the API answer 5xx
    /// or crash, and leave the store consistent.
    @Test func randomRequestsNeverFailTheServer() async throws {
        let h = try APIHarness()
        var rng = SplitMix64(seed: 0xC0FFEE)
        let methods = ["GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS"]
        let paths = ["/api/v1/coSpaces", "/api/v1/coSpaces/", "/api/v1/callLegProfiles/x", "/api/v1/callProfiles", "/api/v1/calls/1/callLegs",
                     "/api/v1/callLegs/1/generateKeyframe", "/api/v1/system/load", "/api/v1/system/configuration/cluster",
                     "/api/v1/inboundDialPlanRules", "/api/v1/participants/0", "/api/v1/%", "/api/v1//coSpaces//", "/metrics", "/"]
        let keys = ["uri", "name", "callId", "defaultLayout", "participantLimit", "domain", "priority", "rxAudioMute", "limit", "offset",
                    "filter", "chosenLayout", "loadLimit", "remote", "", "%", "+"]
        let values = ["", "1", "-1", "true", "allEqual", "x%20y", "%", "%G0", "\u{00e9}", String(repeating: "9", count: 300), "sip:a@b", "&&", "=="]
        for _ in 0..<600 {
            let method = methods[Int(rng.next() % UInt64(methods.count))]
            var path = paths[Int(rng.next() % UInt64(paths.count))]
            if rng.next() % 4 == 0 { path += "/" + UUID().uuidString }
            var form: [String] = []
            for _ in 0..<Int(rng.next() % 4) {
                form.append(keys[Int(rng.next() % UInt64(keys.count))] + "=" + values[Int(rng.next() % UInt64(values.count))])
            }
            let response = await h.call(method, path + (rng.next() % 3 == 0 ? "?" + form.joined(separator: "&") : ""),
                                        form: form.joined(separator: "&"), json: rng.next() % 2 == 0)
            #expect(response.status < 500, "\(method) \(path) \(form): \(response.status) \(response.text)")
        }
        #expect(h.directory.all.count == (try h.store.read { try $0.list(.coSpaces).total }))
    }

    @Test func theOpenAPICopyInTheRepositoryIsCurrent() throws {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let copy = try String(contentsOf: repository.appendingPathComponent("docs/api/openapi.json"), encoding: .utf8)
        #expect(copy == OpenAPIDocument.json, "docs/api/openapi.json is stale: run `callbridge admin openapi > docs/api/openapi.json`")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(OpenAPIDocument.json.utf8)) as? [String: Any])
        let paths = try #require(object["paths"] as? [String: Any])
        for path in ["/coSpaces", "/coSpaces/{id}", "/callLegProfiles", "/callProfiles", "/inboundDialPlanRules", "/calls",
                     "/calls/{id}/callLegs", "/callLegs/{id}", "/callLegs/{id}/generateKeyframe", "/participants",
                     "/system/status", "/system/load", "/system/alarms", "/system/configuration/cluster"] {
            #expect(paths[path] != nil, "\(path) is described")
        }
    }
}

@Suite("API response shapes")
struct APIElementTests {
    @Test func xmlAndJSONEscapeEverything() throws {
        let nasty = "a<b>&\"c\"\\\n\u{1}é\u{FFFF}"
        let element = APIElement("things", attributes: [("total", .integer(1))], children: [
            APIElement("thing", attributes: [("id", .string(nasty))], children: [APIElement("name", value: .string(nasty)),
                                                                              APIElement("on", value: .bool(true))]),
        ], itemName: "thing")
        let parser = XMLParser(data: Data(element.xmlDocument.utf8))
        #expect(parser.parse(), "well-formed XML: \(element.xmlDocument)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(element.jsonDocument.utf8)) as? [String: [String: Any]])
        let items = try #require(json["things"]?["thing"] as? [[String: Any]])
        #expect(items.first?["name"] as? String == "a<b>&\"c\"\\\n\u{1}é\u{FFFF}")
        #expect(items.first?["on"] as? Bool == true)
        #expect(json["things"]?["total"] as? Int == 1)
    }
}
