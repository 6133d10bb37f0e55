import Foundation
import Testing

/// `callbridge-load` against the real bridge on loopback. The debug builds run here (tests use
/// the binaries next to the test bundle), so the legs are 480p, the bridge and the tool have
/// two media workers each and the bridge's degradation is off: the check is that the tool dials, sends, receives, verifies and hangs
/// up — capacity figures come from release builds in `Benchmarks/capacity.sh`.
@Suite("callbridge-load against the bridge (real binaries)", .serialized)
struct LoadGeneratorTests {
    static func report(_ run: BinaryUnderTest) throws -> [String: Any] {
        let text = run.output
        let start = try #require(text.firstIndex(of: "{"), "JSON report in the output: \(text.suffix(600))")
        let end = try #require(text.lastIndex(of: "}"))
        let object = try JSONSerialization.jsonObject(with: Data(text[start...end].utf8))
        return try #require(object as? [String: Any])
    }

    /// fixed 4 for 10 s: 4 legs held at ≥ 25 fps, every sampled leg sees the three others'
    /// markers and not its own and hears their tones and not its own, no call failed, and
    /// every leg ended with BYE.
    @Test func fixedFourLegsForTenSeconds() throws {
        let (bridge, port) = try BinaryUnderTest.serve(["--no-degradation"], workers: 2)
        defer { bridge.stop() }
        let load = try BinaryUnderTest(["fixed", "4", "--duration", "10", "--bridge", "127.0.0.1:\(port)",
                                        "--resolution", "480p", "--threshold", "25", "--sample", "2", "--media-workers", "2",
                                        "--bridge-pid", "\(bridge.process.processIdentifier)", "--json", "-"],
                                       executable: "callbridge-load")
        let status = load.waitForExit(seconds: 90)
        print(load.output.split(separator: "\n").filter { !$0.hasPrefix(" ") && !$0.hasPrefix("{") && !$0.hasPrefix("}") }.prefix(14).joined(separator: "\n"))
        #expect(status == 0, "callbridge-load fixed 4 exits 0: \(load.output.suffix(1500))")
        let report = try Self.report(load)
        #expect(report["sustainedLegs"] as? Int == 4)
        #expect((report["minimumFPS"] as? Double ?? 0) >= 25)
        #expect(report["failedCalls"] as? Int == 0)
        let checks = report["checks"] as? [[String: Any]] ?? []
        #expect(checks.count == 2, "two sampled legs")
        for check in checks {
            #expect(check["markersVerified"] as? Bool == true, "markers: \(check)")
            #expect(check["tonesVerified"] as? Bool == true, "tones: \(check)")
        }
        let latency = report["latencyMillisecondsMedian"] as? Double
        print("stamp latency: median \(latency ?? -1) ms from \(report["latencySamples"] ?? 0) readings")
        #expect((report["latencySamples"] as? Int ?? 0) > 0, "the per-frame stamps are read back")
        #expect(latency.map { $0 > 0 && $0 < 1000 } == true)
        #expect(bridge.waitForOutput("BYE: leg 4 left", seconds: 5), "the tool hangs up every leg: \(bridge.output.suffix(500))")
    }

    /// The same over SIP/TLS with SDES-SRTP media: 3 legs for 5 s, verified, every leg
    /// joined over TLS with SRTP on both streams.
    @Test func fixedOverTLSWithSRTP() throws {
        let (bridge, port) = try BinaryUnderTest.serve(["--no-degradation"], workers: 2)
        defer { bridge.stop() }
        let load = try BinaryUnderTest(["fixed", "3", "--duration", "5", "--bridge", "127.0.0.1:\(port)", "--tls", "--srtp",
                                        "--resolution", "480p", "--threshold", "25", "--sample", "1", "--media-workers", "2",
                                        "--json", "-"], executable: "callbridge-load")
        let status = load.waitForExit(seconds: 60)
        #expect(status == 0, "callbridge-load fixed 3 --tls --srtp exits 0: \(load.output.suffix(1500))")
        let report = try Self.report(load)
        #expect(report["sustainedLegs"] as? Int == 3)
        let joins = bridge.output.split(separator: "\n").filter { $0.contains("joined leg") }
        #expect(joins.count == 3 && joins.allSatisfy { $0.contains("from TLS") && $0.contains("video H264") && $0.components(separatedBy: "SRTP").count == 3 },
                "three TLS joins with SRTP audio and video: \(joins)")
    }

    /// ramp against a deliberately small bridge (one worker, 720p legs, degradation off so
    /// overload shows as frame rate): it stops at a finite leg count and reports it.
    @Test func rampStopsAtAFiniteCount() throws {
        let (bridge, port) = try BinaryUnderTest.serve(["--no-degradation"], workers: 1)
        defer { bridge.stop() }
        let load = try BinaryUnderTest(["ramp", "--bridge", "127.0.0.1:\(port)", "--resolution", "720p", "--maximum-legs", "12",
                                        "--settle", "1", "--window", "2", "--maximum-seconds", "80", "--sample", "0",
                                        "--bridge-pid", "\(bridge.process.processIdentifier)", "--json", "-"],
                                       executable: "callbridge-load")
        let status = load.waitForExit(seconds: 120)
        #expect(status == 0, "ramp exits 0: \(load.output.suffix(1500))")
        let report = try Self.report(load)
        let held = report["sustainedLegs"] as? Int ?? -1
        let reason = report["stopReason"] as? String ?? ""
        print("ramp: held \(held) legs; stopped because \(reason); bridge cores \(report["bridgeCores"] ?? "n/a")")
        #expect(held >= 1 && held < 12, "a one-worker bridge holds some 720p legs, not 12")
        #expect(reason.contains("fps") || reason.contains("503"), "stopped by frame rate or refusal: \(reason)")
        #expect((report["samples"] as? [Any])?.isEmpty == false)
    }
}
