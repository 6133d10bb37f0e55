import Foundation
import Testing

@Suite("Admin API under schemathesis (real binary)", .serialized)
struct AdminSchemathesisTests {
    /// schemathesis (PyPI, installed by tools/install-deps.sh) generates requests from
    /// /api/v1/openapi.json, valid and invalid, and runs its checks: no 5xx, status codes,
    /// content types, headers and JSON bodies as documented, authentication enforced, deleted
    /// objects gone, unsupported methods refused. Left out: positive_data_acceptance, which
    /// cannot know that a generated callLegProfile id must exist or a uri must be unused
    /// (400/409 by design), and negative_data_rejection, whose "invalid" form bodies and
    /// queries serialize to valid ones here (an extra property it cannot encode is sent as
    /// nothing). Both were run by hand; what they found that was real is fixed (filters with
    /// control characters, page values beyond 32 bits, empty values for live settings).
    @Test func findsNoServerErrorsAndNoSpecMismatch() throws {
        let tool = AdminWebTests.repository.appendingPathComponent(".build-tools/schemathesis/bin/schemathesis").path
        try #require(FileManager.default.isExecutableFile(atPath: tool), "run tools/install-deps.sh test to install schemathesis")
        let (bridge, _) = try BinaryUnderTest.serve()
        defer { bridge.stop() }
        let port = try #require(bridge.adminPort)
        let password = try #require(bridge.adminPassword)
        let (status, output) = try runProcess(tool, [
            "run", "https://127.0.0.1:\(port)/api/v1/openapi.json", "--tls-verify", "false", "--auth", "admin:\(password)",
            "--checks", "all", "--exclude-checks", "positive_data_acceptance,negative_data_rejection", "--max-examples", "25", "--seed", "20261202",
            "--workers", "1", "--no-color",
        ], input: "", seconds: 240)
        print(output.suffix(3000))
        #expect(status == 0, "schemathesis: \(output.suffix(2500))")
        #expect(!output.contains("Server error"), "no 5xx")
        #expect(bridge.process.isRunning, "the bridge survived the fuzzing")
    }
}
