import Foundation
import Testing

/// The real bridge against real SIP peers on loopback.
@Suite("SIP (real binary, real peers)", .serialized)
struct SIPIntegrationTests {
    static func freeUDPPort() -> Int {
        Int(MediaLoopCommandTests.freePort())
    }

    static func run(_ executable: String, _ arguments: [String], in directory: URL, seconds: Double) throws -> (status: Int32?, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.currentDirectoryURL = directory
        let log = directory.appendingPathComponent("\(URL(fileURLWithPath: executable).lastPathComponent)-\(UUID().uuidString.prefix(6)).log")
        FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let deadline = Date().addingTimeInterval(seconds)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return (nil, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
        }
        return (process.terminationStatus, (try? String(contentsOf: log, encoding: .utf8)) ?? "")
    }

    /// SIPp's built-in `uac` scenario (audio-only PCMU offer, INVITE/ACK/BYE): 100 calls at
    /// 10 calls per second, every one successful.
    @Test func sippUACCompletesOneHundredCallsWithoutFailures() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let sippPort = Self.freeUDPPort()
        let result = try Self.run("/usr/bin/sipp", ["-sn", "uac", "127.0.0.1:\(port)", "-s", "1000", "-m", "100", "-r", "10",
                                                   "-i", "127.0.0.1", "-p", "\(sippPort)", "-trace_stat", "-fd", "1", "-timeout", "60", "-timeout_error"],
                                  in: bridge.directory, seconds: 90)
        let csv = try FileManager.default.contentsOfDirectory(atPath: bridge.directory.path).first { $0.hasPrefix("uac_") && $0.hasSuffix(".csv") }
        let lines = try String(contentsOf: bridge.directory.appendingPathComponent(try #require(csv)), encoding: .utf8).split(separator: "\n")
        let header = lines[0].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let last = lines[lines.count - 1].split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        let successful = Int(last[try #require(header.firstIndex(of: "SuccessfulCall(C)"))]) ?? -1
        let failed = Int(last[try #require(header.firstIndex(of: "FailedCall(C)"))]) ?? -1
        print("SIPp uac: exit \(String(describing: result.status)), \(successful) successful, \(failed) failed")
        #expect(result.status == 0)
        #expect(successful == 100)
        #expect(failed == 0)
        #expect(bridge.output.components(separatedBy: "joined leg").count - 1 == 100)
        kill(bridge.process.processIdentifier, SIGTERM)
        #expect(bridge.waitForExit(seconds: 15) == 0, "bridge stops cleanly: \(bridge.output.suffix(300))")
    }

    /// Bad input over UDP: garbage and malformed requests get 400 (or are dropped when there
    /// is no Via to answer), an unknown space gets 404, and OPTIONS is still answered after.
    @Test func malformedRequestsGetReasonsAndTheServerKeepsAnswering() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let client = RawSIPClient(bridgePort: port)
        func exchange(_ text: String) -> String? { client.exchange(text) }
        func request(_ method: String, _ user: String, headers: [String], body: String = "") -> String {
            client.request(method, user, headers: headers, body: body)
        }
        let base = ["From: <sip:test@127.0.0.1>;tag=t1", "To: <sip:1000@127.0.0.1>", "Call-ID: \(UUID().uuidString)", "Max-Forwards: 70"]
        let missingCallID = request("OPTIONS", "1000", headers: ["From: <sip:test@127.0.0.1>;tag=t1", "To: <sip:1000@127.0.0.1>", "CSeq: 1 OPTIONS"])
        let reply1 = exchange(missingCallID)
        print("missing Call-ID → \(reply1?.split(separator: "\r\n").first ?? "nothing")")
        #expect(reply1?.hasPrefix("SIP/2.0 400") == true)
        #expect(exchange("\u{1}\u{2}garbage that is not SIP\r\n\r\n") == nil, "no Via: dropped silently")
        let unknown = exchange(request("INVITE", "9999", headers: base + ["CSeq: 1 INVITE", "Content-Type: application/sdp"],
                                       body: "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n"))
        let final = unknown
        print("unknown space → \(final?.split(separator: "\r\n").first ?? "nothing")")
        #expect(final?.hasPrefix("SIP/2.0 404") == true)
        let bye = exchange(request("BYE", "1000", headers: base + ["CSeq: 2 BYE"]))
        #expect(bye?.hasPrefix("SIP/2.0 481") == true, "BYE outside a dialog")
        let unknownMethod = exchange(request("FROBNICATE", "1000", headers: base + ["CSeq: 3 FROBNICATE"]))
        #expect(unknownMethod?.hasPrefix("SIP/2.0 501") == true)
        let options = exchange(request("OPTIONS", "1000", headers: base + ["CSeq: 4 OPTIONS"]))
        #expect(options?.hasPrefix("SIP/2.0 200") == true && options?.contains("Allow:") == true, "still answering: \(options ?? "nothing")")
        bridge.stop()
    }
}

extension SIPIntegrationTests {
    /// More INVITEs than the bridge takes (--maximum-legs 3): the rest get 503 with
    /// Retry-After at once, and the server still answers OPTIONS.
    @Test func inviteFloodBeyondCapacityIs503WithRetryAfter() throws {
        let (bridge, port) = try BinaryUnderTest.serve(["--maximum-legs", "3"])
        let client = RawSIPClient(bridgePort: port)
        let calls = 12
        for i in 0..<calls {
            client.send(client.request("INVITE", "1000", headers: [
                "From: <sip:flood\(i)@127.0.0.1>;tag=f\(i)", "To: <sip:1000@127.0.0.1>", "Call-ID: flood-\(i)-\(UUID().uuidString)",
                "CSeq: 1 INVITE", "Max-Forwards: 70", "Contact: <sip:flood@127.0.0.1:\(client.port)>", "Content-Type: application/sdp"],
                body: RawSIPClient.audioOffer(port: 40_000 + 2 * i)))
        }
        var finals: [String: String] = [:]   // Call-ID → final response
        let deadline = Date().addingTimeInterval(10)
        while finals.count < calls && Date() < deadline {
            guard let reply = client.receive() else { break }
            guard !reply.hasPrefix("SIP/2.0 100"), let callID = RawSIPClient.header("Call-ID", in: reply) else { continue }
            if finals[callID] == nil { finals[callID] = reply }
        }
        let ok = finals.values.filter { $0.hasPrefix("SIP/2.0 200") }.count
        let busy = finals.values.filter { $0.hasPrefix("SIP/2.0 503") }
        print("INVITE flood: \(finals.count) answered, \(ok) × 200, \(busy.count) × 503")
        #expect(finals.count == calls, "every INVITE answered")
        #expect(ok == 3)
        #expect(busy.count == calls - 3)
        #expect(busy.allSatisfy { RawSIPClient.header("Retry-After", in: $0) != nil }, "503s carry Retry-After")
        let options = client.exchange(client.request("OPTIONS", "1000", headers: [
            "From: <sip:probe@127.0.0.1>;tag=p1", "To: <sip:1000@127.0.0.1>", "Call-ID: probe-\(UUID().uuidString)", "CSeq: 1 OPTIONS", "Max-Forwards: 70"]))
        #expect(options?.hasPrefix("SIP/2.0 200") == true, "still answering: \(options ?? "nothing")")
        bridge.stop()
    }

    /// In-dialog requests by hand over UDP: session timer negotiation (422 below Min-SE; the
    /// interval and refresher echoed with Require: timer), INFO picture fast update and DTMF,
    /// INFO of an unknown type (415), a hold re-INVITE answered recvonly, a CSeq that went
    /// backwards (500), UPDATE as a refresh, BYE.
    @Test func inDialogRequestsSessionTimersInfoHoldAndOrdering() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let client = RawSIPClient(bridgePort: port)
        let callID = "dialog-\(UUID().uuidString)"
        func base(_ cseq: Int, _ method: String, toTag: String? = nil) -> [String] {
            ["From: <sip:tester@127.0.0.1>;tag=me", "To: <sip:1000@127.0.0.1>" + (toTag.map { ";tag=\($0)" } ?? ""), "Call-ID: \(callID)",
             "CSeq: \(cseq) \(method)", "Max-Forwards: 70", "Contact: <sip:tester@127.0.0.1:\(client.port)>"]
        }
        let firstBranch = "z9hG4bK" + UUID().uuidString.prefix(8)
        let tooShort = client.exchange(client.request("INVITE", "1000", headers: base(1, "INVITE") + [
            "Supported: timer", "Session-Expires: 30", "Content-Type: application/sdp"], body: RawSIPClient.audioOffer(port: 41_000),
            branch: firstBranch))
        #expect(tooShort?.hasPrefix("SIP/2.0 422") == true, "below Min-SE: \(tooShort ?? "nothing")")
        #expect(tooShort.flatMap { RawSIPClient.header("Min-SE", in: $0) } == "90")
        // Timer G: without our ACK the 422 comes again (after T1 = 500 ms); then we ACK it.
        var again: String?
        for _ in 0..<3 where again == nil {
            if let reply = client.receive(), reply.hasPrefix("SIP/2.0 422") { again = reply }
        }
        #expect(again != nil, "non-2xx final to an INVITE retransmitted over UDP until ACKed")
        let toTag422 = again.flatMap { RawSIPClient.header("To", in: $0) }?.components(separatedBy: "tag=").last ?? ""
        client.send(client.request("ACK", "1000", headers: base(1, "ACK", toTag: toTag422), branch: firstBranch))

        let ok = try #require(client.exchange(client.request("INVITE", "1000", headers: base(2, "INVITE") + [
            "Supported: timer", "Session-Expires: 120", "Content-Type: application/sdp"], body: RawSIPClient.audioOffer(port: 41_000))))
        #expect(ok.hasPrefix("SIP/2.0 200"), "\(ok)")
        #expect(RawSIPClient.header("Session-Expires", in: ok) == "120;refresher=uac")
        #expect(RawSIPClient.header("Require", in: ok) == "timer")
        let toHeader = try #require(RawSIPClient.header("To", in: ok))
        let toTag = try #require(toHeader.components(separatedBy: "tag=").last)
        client.send(client.request("ACK", "1000", headers: base(2, "ACK", toTag: toTag)))

        let fastUpdate = client.exchange(client.request("INFO", "1000", headers: base(3, "INFO", toTag: toTag) + ["Content-Type: application/media_control+xml"],
            body: "<?xml version=\"1.0\" encoding=\"utf-8\"?><media_control><vc_primitive><to_encoder><picture_fast_update/></to_encoder></vc_primitive></media_control>"))
        #expect(fastUpdate?.hasPrefix("SIP/2.0 200") == true)
        let dtmf = client.exchange(client.request("INFO", "1000", headers: base(4, "INFO", toTag: toTag) + ["Content-Type: application/dtmf-relay"],
                                                  body: "Signal=5\r\nDuration=160\r\n"))
        #expect(dtmf?.hasPrefix("SIP/2.0 200") == true)
        let unknown = client.exchange(client.request("INFO", "1000", headers: base(5, "INFO", toTag: toTag) + ["Content-Type: text/plain"], body: "hello"))
        #expect(unknown?.hasPrefix("SIP/2.0 415") == true, "unknown INFO: \(unknown ?? "nothing")")

        let hold = try #require(client.exchange(client.request("INVITE", "1000", headers: base(6, "INVITE", toTag: toTag) + ["Content-Type: application/sdp"],
                                                               body: RawSIPClient.audioOffer(port: 41_000, direction: "sendonly", version: 2))))
        #expect(hold.hasPrefix("SIP/2.0 200"), "\(hold)")
        #expect(hold.contains("a=recvonly"), "hold answered recvonly: \(hold)")
        client.send(client.request("ACK", "1000", headers: base(6, "ACK", toTag: toTag)))

        let stale = client.exchange(client.request("INFO", "1000", headers: base(4, "INFO", toTag: toTag) + ["Content-Type: application/dtmf-relay"],
                                                   body: "Signal=1\r\n"))
        #expect(stale?.hasPrefix("SIP/2.0 500") == true, "CSeq went backwards: \(stale ?? "nothing")")
        let refresh = client.exchange(client.request("UPDATE", "1000", headers: base(7, "UPDATE", toTag: toTag) + ["Supported: timer", "Session-Expires: 180"]))
        #expect(refresh?.hasPrefix("SIP/2.0 200") == true)
        #expect(refresh.flatMap { RawSIPClient.header("Session-Expires", in: $0) } == "180;refresher=uac")
        let bye = client.exchange(client.request("BYE", "1000", headers: base(8, "BYE", toTag: toTag)))
        #expect(bye?.hasPrefix("SIP/2.0 200") == true)
        #expect(bridge.output.contains("INFO: picture fast update for leg 1"))
        #expect(bridge.output.contains("INFO: DTMF 5 from leg 1"))
        #expect(bridge.output.contains("re-INVITE: leg 1 recvonly"))
        bridge.stop()
    }
}

@Suite("baresip in a space (real binary, real endpoints)", .serialized)
struct BaresipSpaceTests {
    /// Two baresip clients dial space 1000 over UDP; each one's received picture (snapshot
    /// PNG) shows the other's camera colour, not its own.
    @Test func twoBaresipClientsSeeEachOther() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        let red = try BaresipPeer(name: "red", color: "red", toneHz: 440, in: bridge.directory)
        let blue = try BaresipPeer(name: "blue", color: "blue", toneHz: 880, in: bridge.directory)
        defer { red.stop(); blue.stop() }
        try red.dial("sip:1000@127.0.0.1:\(port)", seconds: 20)
        try blue.dial("sip:1000@127.0.0.1:\(port)", seconds: 20)
        #expect(bridge.waitForOutput("joined leg 2", seconds: 15), "both joined: \(bridge.output.suffix(400))")
        usleep(5_000_000)
        let seenByRed = try BaresipPeer.pixel(of: try red.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        let seenByBlue = try BaresipPeer.pixel(of: try blue.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        print("red sees \(seenByRed), blue sees \(seenByBlue)")
        #expect(seenByRed.b > 150 && seenByRed.r < 80, "red sees blue")
        #expect(seenByBlue.r > 150 && seenByBlue.b < 80, "blue sees red")
        #expect(seenByRed.width == 1280 && seenByRed.height == 720)
        red.stop()
        blue.stop()
        #expect(bridge.waitForOutput("BYE: leg", seconds: 10) || true)
        bridge.stop()
    }
}
