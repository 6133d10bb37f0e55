import Foundation
import Testing

@Suite("Web admin in headless Chromium (real binary, selenium)", .serialized)
struct AdminWebTests {
    static var repository: URL {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `tools/webadmin-check.py` signs in, watches the live status and load graph, creates,
    /// edits and deletes a space, changes the live leg's layout and hangs it up. Screenshots
    /// are kept under `.build/test-artifacts/webadmin/`.
    @Test func signsInSeesTheLiveCallManagesSpacesAndLegs() throws {
        let (bridge, port) = try BinaryUnderTest.serve()
        defer { bridge.stop() }
        let adminPort = try #require(bridge.adminPort)
        let password = try #require(bridge.adminPassword)
        let peer = try BaresipPeer(name: "webcall", color: "orange", toneHz: 500, in: bridge.directory,
                                   account: ";audio_codecs=opus/48000/2")
        defer { peer.stop() }
        try peer.dial("sip:1000@127.0.0.1:\(port)", seconds: 120)
        #expect(bridge.waitForOutput("joined leg 1", seconds: 20), "baresip joined: \(bridge.output.suffix(400))")
        let artifacts = Self.repository.appendingPathComponent(".build/test-artifacts/webadmin")
        try? FileManager.default.removeItem(at: artifacts)
        try FileManager.default.createDirectory(at: artifacts, withIntermediateDirectories: true)
        let (status, output) = try runProcess("/usr/bin/python3", [
            Self.repository.appendingPathComponent("tools/webadmin-check.py").path,
            "--url", "https://127.0.0.1:\(adminPort)", "--user", "admin", "--password", password, "--screenshots", artifacts.path,
        ], input: "", seconds: 150)
        print(output)
        #expect(status == 0, "web admin check: \(output.suffix(1500))")
        for name in ["01-signin", "02-status", "03-spaces", "04-calls", "05-done"] {
            let path = artifacts.appendingPathComponent("\(name).png").path
            let size = (try? FileManager.default.attributesOfItem(atPath: path)[.size] as? Int) ?? 0
            #expect(size > 5_000, "screenshot \(name).png kept (\(size) bytes)")
        }
        #expect(bridge.waitForOutput("sent BYE for leg 1", seconds: 5), "the browser's hang-up sent a BYE: \(bridge.output.suffix(400))")
    }
}
