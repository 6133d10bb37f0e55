import Foundation
import MediaAnalysis
import Testing

@Suite("Admin API on live calls (real binary, baresip, curl)", .serialized)
struct AdminLiveCallTests {
    /// A space made through the API is dialled by three baresip endpoints; /calls, /callLegs
    /// and /participants list them with live statistics; a chosenLayout PUT changes the
    /// picture one of them receives within a second, a qualityMain PUT its size; DELETE on its
    /// leg hangs it up (BYE); a
    /// POST on the call's callLegs dials a fourth endpoint in; /metrics counts all of it.
    @Test func spaceCallsLegsLayoutHangUpAndDialOut() throws {
        let (bridge, port) = try BinaryUnderTest.serve(workers: 2)
        defer { bridge.stop() }
        let admin = AdminClient(port: try #require(bridge.adminPort), password: try #require(bridge.adminPassword), json: true,
                                scratch: bridge.directory)
        let created = try admin.request("POST", "/api/v1/coSpaces", [("name", "API Room"), ("uri", "apiroom"), ("defaultLayout", "allEqual")])
        #expect(created.status == 200, "\(created.body)")
        let spaceID = try #require(created.id)

        let specs: [(name: String, tone: Int, rgb: (Int, Int, Int))] = [("red", 440, (255, 0, 0)), ("green", 880, (0, 128, 0)), ("blue", 1320, (0, 0, 255))]
        let peers = try specs.map { try BaresipPeer(name: $0.name, color: $0.name, toneHz: $0.tone, in: bridge.directory,
                                                    account: ";audio_codecs=opus/48000/2") }
        defer { peers.forEach { $0.stop() } }
        for (i, peer) in peers.enumerated() {
            try peer.dial("sip:apiroom@127.0.0.1:\(port)", seconds: 90)
            #expect(bridge.waitForOutput("joined leg \(i + 1)", seconds: 20), "\(peer.name) joined: \(bridge.output.suffix(400))")
        }
        usleep(5_000_000)

        let calls = admin.jsonObject(try admin.request("GET", "/api/v1/calls"))?["calls"] as? [String: Any]
        #expect(calls?["total"] as? Int == 1, "one active call: \(String(describing: calls))")
        let call = try #require((calls?["call"] as? [[String: Any]])?.first)
        #expect(call["name"] as? String == "API Room" && call["coSpace"] as? String == spaceID && call["numParticipantsLocal"] as? Int == 3)
        let callID = try #require(call["id"] as? String)
        let legs = try #require(admin.jsonObject(try admin.request("GET", "/api/v1/calls/\(callID)/callLegs"))?["callLegs"] as? [String: Any])
        #expect(legs["total"] as? Int == 3)
        let legList = try #require(legs["callLeg"] as? [[String: Any]])
        let redLeg = try #require(legList.first { ($0["name"] as? String)?.contains("red") == true }?["id"] as? String, "red's leg in \(legList)")
        #expect((admin.jsonObject(try admin.request("GET", "/api/v1/callLegs"))?["callLegs"] as? [String: Any])?["total"] as? Int == 3)
        #expect((admin.jsonObject(try admin.request("GET", "/api/v1/participants"))?["participants"] as? [String: Any])?["total"] as? Int == 3)
        let detail = try #require(admin.jsonObject(try admin.request("GET", "/api/v1/callLegs/\(redLeg)"))?["callLeg"] as? [String: Any])
        let status = detail["status"] as? [String: Any]
        let rxVideo = status?["rxVideo"] as? [String: Any], txVideo = status?["txVideo"] as? [String: Any]
        print("red's leg: \(detail)")
        #expect((rxVideo?["frameRate"] as? Double ?? 0) > 5, "red's received frame rate is measured: \(String(describing: rxVideo))")
        #expect((txVideo?["framesEncoded"] as? Int ?? 0) > 30, "frames sent to red are counted: \(String(describing: txVideo))")
        #expect((detail["configuration"] as? [String: Any])?["chosenLayout"] as? String == "allEqual")

        func close(_ pixel: (r: Int, g: Int, b: Int, width: Int, height: Int), _ rgb: (Int, Int, Int)) -> Bool {
            abs(pixel.r - rgb.0) < 70 && abs(pixel.g - rgb.1) < 70 && abs(pixel.b - rgb.2) < 70
        }
        let red = peers[0]
        var snapshot = try red.snapshotReceived()
        var left = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.25, y: 0.5)
        var right = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.75, y: 0.5)
        #expect(close(left, specs[1].rgb) && close(right, specs[2].rgb), "allEqual: green left, blue right; saw \(left) \(right)")

        let put = try admin.request("PUT", "/api/v1/callLegs/\(redLeg)", [("chosenLayout", "speakerOnly")])
        #expect(put.status == 200, "\(put.body)")
        usleep(1_000_000)
        snapshot = try red.snapshotReceived()
        left = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.25, y: 0.5)
        right = try BaresipPeer.pixel(of: snapshot, atFractionX: 0.75, y: 0.5)
        print("after the layout PUT red sees left \(left), right \(right)")
        let speakerShown = (close(left, specs[1].rgb) && close(right, specs[1].rgb)) || (close(left, specs[2].rgb) && close(right, specs[2].rgb))
        #expect(speakerShown, "speakerOnly within a second: one participant across the picture; saw \(left) \(right)")
        let changed = try #require(admin.jsonObject(try admin.request("GET", "/api/v1/callLegs/\(redLeg)"))?["callLeg"] as? [String: Any])
        #expect((changed["configuration"] as? [String: Any])?["chosenLayout"] as? String == "speakerOnly")

        // qualityMain on the live leg: red's picture drops from 720p to 480p.
        #expect(left.width == 1280 && left.height == 720, "red negotiated 720p: \(left.width)x\(left.height)")
        #expect(try admin.request("PUT", "/api/v1/callLegs/\(redLeg)", [("qualityMain", "max480p30")]).status == 200)
        usleep(1_500_000)
        let smaller = try BaresipPeer.pixel(of: try red.snapshotReceived(), atFractionX: 0.5, y: 0.5)
        #expect(smaller.width == 848 && smaller.height == 480, "qualityMain max480p30 → 848x480, got \(smaller.width)x\(smaller.height)")
        let capped = try #require(admin.jsonObject(try admin.request("GET", "/api/v1/callLegs/\(redLeg)"))?["callLeg"] as? [String: Any])
        #expect((capped["configuration"] as? [String: Any])?["qualityMain"] as? String == "max480p30")

        #expect(try admin.request("DELETE", "/api/v1/callLegs/\(redLeg)").status == 200)
        #expect(bridge.waitForOutput("sent BYE for leg \(redLeg)", seconds: 5), "BYE to red: \(bridge.output.suffix(500))")
        let deadline = Date().addingTimeInterval(5)
        var remaining = -1
        while Date() < deadline {
            remaining = (admin.jsonObject(try admin.request("GET", "/api/v1/callLegs"))?["callLegs"] as? [String: Any])?["total"] as? Int ?? -1
            if remaining == 2 { break }
            usleep(200_000)
        }
        #expect(remaining == 2, "two legs left after the hang-up")
        #expect(try admin.request("GET", "/api/v1/callLegs/\(redLeg)").status == 404)

        // Dial-out through the API: a fourth endpoint that answers automatically.
        let yellow = try BaresipPeer(name: "yellow", color: "yellow", toneHz: 660, in: bridge.directory,
                                     account: ";answermode=auto;audio_codecs=opus/48000/2")
        defer { yellow.stop() }
        try yellow.listen(seconds: 60)
        usleep(1_000_000)
        let dialled = try admin.request("POST", "/api/v1/calls/\(callID)/callLegs", [("remote", "sip:yellow@127.0.0.1:\(yellow.sipPort)")])
        #expect(dialled.status == 200 && dialled.location?.hasPrefix("/api/v1/callLegs/") == true, "dial-out: \(dialled.status) \(dialled.body)")
        let yellowLeg = try #require(admin.jsonObject(try admin.request("GET", dialled.location ?? "/"))?["callLeg"] as? [String: Any])
        #expect(yellowLeg["direction"] as? String == "outgoing" && (yellowLeg["remoteParty"] as? String)?.contains("yellow") == true)
        let badDial = try admin.request("POST", "/api/v1/calls/\(callID)/callLegs", [("remote", "not a uri")])
        #expect(badDial.status == 400, "\(badDial.body)")

        let metrics = AdminClient(port: admin.port, password: admin.password, scratch: bridge.directory)
        let text = try metrics.request("GET", "/metrics").body
        #expect(text.contains("callbridge_call_legs 3.0"), "legs gauge: \(text.prefix(1500))")
        #expect(text.contains("callbridge_sip_transactions_total{method=\"INVITE\",status=\"200\"} 3"), "INVITEs answered: \(text.prefix(1500))")
        let encoded = text.split(separator: "\n").first { $0.hasPrefix("callbridge_video_frames_encoded_total ") }
        #expect((encoded?.split(separator: " ").last.flatMap { Int($0) } ?? 0) > 100, "frames encoded counted: \(String(describing: encoded))")
    }
}
