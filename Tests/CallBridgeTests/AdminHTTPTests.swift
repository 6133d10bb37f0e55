import Foundation
import MediaAnalysis
import Testing

/// Runs `callbridge <arguments>` to completion with `input` on stdin; (exit status, output).
func runCallbridge(_ arguments: [String], input: String = "") throws -> (Int32, String) {
    try runProcess(BinaryUnderTest.executableURL.path, arguments, input: input)
}

@Suite("Admin REST API over HTTPS (real binary, curl)", .serialized)
struct AdminHTTPTests {
    struct Family {
        var plural: String
        var singular: String
        var create: [(String, String)]
        var update: [(String, String)]
        /// Field → value after the update.
        var expect: [(String, String)]
    }

    static let families = [
        Family(plural: "coSpaces", singular: "coSpace",
               create: [("name", "Sales"), ("uri", "sales"), ("callId", "5550"), ("defaultLayout", "speakerOnly")],
               update: [("name", "Sales & Marketing <EU>"), ("defaultLayout", "allEqual")],
               expect: [("name", "Sales & Marketing <EU>"), ("uri", "sales"), ("callId", "5550"), ("defaultLayout", "allEqual")]),
        Family(plural: "callLegProfiles", singular: "callLegProfile",
               create: [("defaultLayout", "telepresence"), ("qualityMain", "max720p30"), ("rxAudioMute", "true")],
               update: [("qualityMain", "max480p30"), ("sipMediaEncryption", "required")],
               expect: [("defaultLayout", "telepresence"), ("qualityMain", "max480p30"), ("rxAudioMute", "true"),
                        ("sipMediaEncryption", "required")]),
        Family(plural: "callProfiles", singular: "callProfile", create: [("participantLimit", "10")],
               update: [("participantLimit", "20")], expect: [("participantLimit", "20")]),
        Family(plural: "inboundDialPlanRules", singular: "inboundDialPlanRule",
               create: [("domain", "127.0.0.1"), ("priority", "5")], update: [("priority", "7"), ("resolveToCoSpaces", "true")],
               expect: [("domain", "127.0.0.1"), ("priority", "7"), ("resolveToCoSpaces", "true")]),
    ]

    static func value(_ any: Any?) -> String? {
        switch any {
        case let s as String: return s
        case let b as Bool: return b ? "true" : "false"
        case let i as Int: return String(i)
        default: return nil
        }
    }

    static func xmlEscaped(_ s: String) -> String {
        s.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;").replacingOccurrences(of: ">", with: "&gt;")
    }

    /// Create, read, update, list, delete for every object family, once reading XML and once JSON.
    @Test func crudForEveryObjectInXMLAndJSON() throws {
        let (bridge, _) = try BinaryUnderTest.serve()
        defer { bridge.stop() }
        let port = try #require(bridge.adminPort, "admin port in \(bridge.output.suffix(500))")
        let password = try #require(bridge.adminPassword)
        for json in [false, true] {
            let client = AdminClient(port: port, password: password, json: json, scratch: bridge.directory)
            for family in Self.families {
                var create = family.create
                if family.plural == "coSpaces" && json { create = create.map { $0.0 == "uri" ? ("uri", "sales-json") : $0.0 == "callId" ? ("callId", "5551") : $0 } }
                let created = try client.request("POST", "/api/v1/\(family.plural)", create)
                #expect(created.status == 200, "create \(family.singular): \(created.status) \(created.body)")
                let location = try #require(created.location, "Location on create")
                #expect(location.hasPrefix("/api/v1/\(family.plural)/"))
                #expect(try client.request("PUT", location, family.update).status == 200)
                let read = try client.request("GET", location)
                #expect(read.status == 200)
                var expect = family.expect
                if family.plural == "coSpaces" && json { expect = expect.map { $0.0 == "uri" ? ("uri", "sales-json") : $0.0 == "callId" ? ("callId", "5551") : $0 } }
                if json {
                    #expect(read.headers["content-type"] == "application/json")
                    let object = client.jsonObject(read)?[family.singular] as? [String: Any]
                    #expect(object?["id"] as? String == created.id)
                    for (field, value) in expect { #expect(Self.value(object?[field]) == value, "\(family.singular).\(field) in \(read.body)") }
                } else {
                    #expect(read.headers["content-type"] == "application/xml")
                    #expect(read.body.contains("<\(family.singular) id=\"\(created.id!)\">"), "\(read.body)")
                    for (field, value) in expect {
                        #expect(read.body.contains("<\(field)>\(Self.xmlEscaped(value))</\(field)>"), "\(family.singular).\(field) in \(read.body)")
                    }
                }
                let list = try client.request("GET", "/api/v1/\(family.plural)?limit=50")
                #expect(list.status == 200 && list.body.contains(created.id!), "listed: \(list.body.prefix(300))")
                #expect(try client.request("DELETE", location).status == 200)
                let gone = try client.request("GET", location)
                #expect(gone.status == 404 && gone.body.contains("\(family.singular)DoesNotExist"), "\(gone.status) \(gone.body)")
            }
        }
        // offset/limit/filter over HTTP.
        let client = AdminClient(port: port, password: password, scratch: bridge.directory)
        for i in 0..<4 { try client.request("POST", "/api/v1/coSpaces", [("uri", "page\(i)"), ("name", "Paging \(i)")]) }
        let page = try client.request("GET", "/api/v1/coSpaces?filter=paging&offset=1&limit=2")
        #expect(page.body.contains("total=\"4\"") && page.body.contains("Paging 1") && page.body.contains("Paging 2")
                && !page.body.contains("Paging 0") && !page.body.contains("Paging 3"), "\(page.body)")
        let openapi = AdminClient(port: port, user: nil, password: nil, scratch: bridge.directory)
        let document = try openapi.request("GET", "/api/v1/openapi.json")
        #expect(document.status == 200 && document.body.contains("\"openapi\" : \"3.0.3\""))
    }

    @Test func badRequestsAndCredentialsOverHTTPS() throws {
        let (bridge, _) = try BinaryUnderTest.serve()
        defer { bridge.stop() }
        let port = try #require(bridge.adminPort)
        let password = try #require(bridge.adminPassword)
        let client = AdminClient(port: port, password: password, scratch: bridge.directory)
        let cases: [(String, String, [(String, String)], Int, String)] = [
            ("POST", "/api/v1/coSpaces", [("uri", "9000"), ("colour", "red")], 400, "unrecognisedParameter"),
            ("POST", "/api/v1/coSpaces", [("uri", "9000"), ("defaultLayout", "mosaic")], 400, "parameter=\"defaultLayout\""),
            ("POST", "/api/v1/coSpaces", [("name", "no uri")], 400, "parameterMissing"),
            ("POST", "/api/v1/callProfiles", [("participantLimit", "ten")], 400, "parameter=\"participantLimit\""),
            ("POST", "/api/v1/callLegProfiles", [("txVideoMute", "yes")], 400, "parameter=\"txVideoMute\""),
            ("PUT", "/api/v1/coSpaces/not-an-id", [("name", "x")], 404, "coSpaceDoesNotExist"),
            ("DELETE", "/api/v1/inboundDialPlanRules/not-an-id", [], 404, "inboundDialPlanRuleDoesNotExist"),
        ]
        for (method, path, form, status, expected) in cases {
            let reply = try client.request(method, path, form)
            #expect(reply.status == status && reply.body.contains("<failureDetails>") && reply.body.contains(expected),
                    "\(method) \(path) \(form): \(reply.status) \(reply.body)")
        }
        let spaces = try client.request("GET", "/api/v1/coSpaces")
        #expect(spaces.body.contains("total=\"1\""), "nothing partial stored: \(spaces.body)")
        let anonymous = AdminClient(port: port, user: nil, password: nil, scratch: bridge.directory)
        let none = try anonymous.request("GET", "/api/v1/coSpaces")
        #expect(none.status == 401 && none.headers["www-authenticate"]?.contains("Basic") == true)
        let wrong = AdminClient(port: port, password: "not-the-password", scratch: bridge.directory)
        #expect(try wrong.request("GET", "/api/v1/system/status").status == 401)
        #expect(try wrong.request("POST", "/api/v1/coSpaces", [("uri", "sneaky")]).status == 401)
        #expect(try client.request("GET", "/api/v1/coSpaces").body.contains("total=\"1\""))
        #expect(try anonymous.request("GET", "/metrics").status == 401)
        #expect(bridge.process.isRunning, "the bridge is still up")
    }

    /// MMP-like CLI verbs act on the store; a bridge started on it uses what they set.
    @Test func cliVerbsConfigureTheNextStart() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("callbridge-cli-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let data = directory.appendingPathComponent("var").path
        let base = ["admin"]
        func cli(_ arguments: [String], input: String = "") throws -> (Int32, String) {
            let (verb, rest) = (arguments[0], Array(arguments.dropFirst()))
            return try runCallbridge(base + [verb] + rest + ["--data-directory", data], input: input)
        }
        var (status, output) = try runCallbridge(["admin", "user", "add", "ops", "--password-stdin", "--data-directory", data], input: "long-enough-pw\n")
        #expect(status == 0, "\(output)")
        (status, output) = try runCallbridge(["admin", "user", "add", "short", "--password-stdin", "--data-directory", data], input: "abc\n")
        #expect(status != 0 && output.contains("8 characters"), "\(output)")
        (status, output) = try runCallbridge(["admin", "user", "add", "spare", "--password-stdin", "--data-directory", data], input: "spare-password\n")
        #expect(status == 0, "\(output)")
        (status, output) = try runCallbridge(["admin", "user", "list", "--data-directory", data])
        #expect(output.contains("ops\tadmin") && output.contains("spare\tadmin") && !output.contains("short"), "\(output)")
        (status, output) = try runCallbridge(["admin", "user", "del", "spare", "--data-directory", data])
        #expect(status == 0, "\(output)")
        (status, output) = try runCallbridge(["admin", "user", "del", "spare", "--data-directory", data])
        #expect(status != 0 && output.contains("no user"), "\(output)")
        let sipPort = Int(MediaLoopCommandTests.freePort()), adminPort = Int(MediaLoopCommandTests.freePort())
        (status, output) = try cli(["callbridge", "listen", "127.0.0.1:\(sipPort)"])
        #expect(status == 0, "\(output)")
        (status, output) = try cli(["webadmin", "listen", "127.0.0.1", "\(adminPort)"])
        #expect(status == 0, "\(output)")
        (status, output) = try cli(["pki", "selfsigned", "labcert"])
        #expect(status == 0 && output.contains("labcert.crt"), "\(output)")
        (status, output) = try cli(["webadmin", "certs", "\(data)/certs/labcert.key", "\(data)/certs/labcert.crt"])
        #expect(status == 0, "\(output)")
        (status, output) = try cli(["webadmin", "certs", "/nonexistent.key", "/nonexistent.crt"])
        #expect(status != 0 && output.contains("cannot read"), "\(output)")
        (status, output) = try runCallbridge(["admin", "version"])
        #expect(status == 0 && output.hasPrefix("callbridge "), "\(output)")
        (status, output) = try cli(["status"])
        #expect(output.contains("127.0.0.1:\(sipPort)") && output.contains("127.0.0.1:\(adminPort)") && output.contains("labcert.crt")
                && output.contains("users: ops") && output.contains("not running"), "\(output)")

        let bridge = try BinaryUnderTest(["serve", "--data-directory", data, "--workers", "1"])
        defer { bridge.stop() }
        #expect(bridge.waitForOutput("ready", seconds: 30), "\(bridge.output)")
        #expect(bridge.output.contains("udp:127.0.0.1:\(sipPort)"), "SIP on the stored address: \(bridge.output.suffix(600))")
        #expect(bridge.adminPort == adminPort, "admin on the stored port")
        #expect(bridge.adminPassword == nil, "no default admin once a user exists")
        let ops = AdminClient(port: adminPort, user: "ops", password: "long-enough-pw", scratch: directory)
        #expect(try ops.request("GET", "/api/v1/system/status").status == 200)
        let spare = AdminClient(port: adminPort, user: "spare", password: "spare-password", scratch: directory)
        #expect(try spare.request("GET", "/api/v1/system/status").status == 401, "a deleted user is refused")
        // The stored certificate is the one served.
        let (_, served) = try runProcess("/usr/bin/openssl", ["s_client", "-connect", "127.0.0.1:\(adminPort)", "-servername", "localhost"], input: "")
        #expect(served.contains("CN = labcert") || served.contains("CN=labcert"), "served certificate: \(served.prefix(600))")
        (status, output) = try cli(["status"])
        #expect(output.contains("bridge: running"), "\(output)")
    }
}

/// Runs a program to completion (`seconds` at most) with `input` on stdin; (exit status, combined output).
func runProcess(_ path: String, _ arguments: [String], input: String, seconds: Double = 30) throws -> (Int32, String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    let stdin = Pipe(), stdout = Pipe()
    process.standardInput = stdin
    process.standardOutput = stdout
    process.standardError = stdout
    try process.run()
    stdin.fileHandleForWriting.write(Data(input.utf8))
    try stdin.fileHandleForWriting.close()
    let deadline = Date().addingTimeInterval(seconds)
    while process.isRunning && Date() < deadline { usleep(20_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: stdout.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
}
