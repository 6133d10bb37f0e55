import Foundation

/// The end of a run: a human table, JSON for scripts, an SVG plot of frame rate and bridge CPU
/// against legs.
struct LoadReport: Codable {
    var mode: String
    var resolution: String
    var audio: String
    var video: Bool
    var space: String
    /// The largest number of legs that held (every leg ≥ the threshold frame rate).
    var sustainedLegs: Int
    var thresholdFPS: Double
    var minimumFPS: Double
    var meanFPS: Double
    /// Bridge CPU cores in use at `sustainedLegs`, and legs per core from it.
    var bridgeCores: Double?
    var legsPerCore: Double?
    /// Over every leg, what it received from the bridge: RTP packets lost (RFC 3550 A.3),
    /// the worst interarrival jitter (A.8), keyframes, and video frames.
    var packetsLost: Int
    var maximumJitterMilliseconds: Double
    var keyframesReceived: Int
    var framesReceived: Int
    /// From the per-frame stamps: sender → bridge → decoded at a sampled leg, in ms.
    var latencyMillisecondsMedian: Double?
    var latencyMillisecondsP95: Double?
    var latencySamples: Int
    var failedCalls: Int
    var refusedByBridge: Bool
    var bridgeUnresponsive: Bool
    var stopReason: String
    var problems: [String]
    var checks: [LegCheck]
    var samples: [LoadSample]

    var verified: Bool {
        checks.allSatisfy { $0.markersVerified != false && $0.tonesVerified != false }
    }

    func table() -> String {
        func f(_ v: Double?, _ digits: Int = 1) -> String { v.map { String(format: "%.\(digits)f", $0) } ?? "n/a" }
        var lines = [
            "callbridge-load \(mode): \(video ? resolution : "audio only") + \(audio), space \(space)",
            "  legs sustained      \(sustainedLegs) (threshold \(f(thresholdFPS)) fps)",
            "  frame rate          min \(f(minimumFPS)) / mean \(f(meanFPS)) fps",
            "  bridge CPU          \(f(bridgeCores, 2)) cores",
            "  received            \(framesReceived) frames, \(keyframesReceived) keyframes, \(packetsLost) packets lost, jitter ≤ \(f(maximumJitterMilliseconds)) ms",
            "  legs per core       \(f(legsPerCore, 2))",
"  latency (stamps)    median \(f(latencyMillisecondsMedian, 0)) ms, p95 \(f(latencyMillisecondsP95, 0)) ms (\(latencySamples) readings)",
            "  failed calls        \(failedCalls)\(refusedByBridge ? " (bridge refused a call: 503)" : "")\(bridgeUnresponsive ? " (bridge stopped answering)" : "")",
            "  stopped because     \(stopReason)",
        ]
        for check in checks {
            let markers = check.markersVerified.map { $0 ? "verified" : "FAILED (missing \(check.missingMarkers), own seen \(check.ownMarkerSeen))" } ?? "not checked"
            let tones = check.tonesVerified.map { $0 ? "verified" : "FAILED (missing \(check.missingTones), own heard \(check.ownToneHeard))" } ?? "not checked"
            lines.append("  leg \(check.leg) (sampled)      \(check.picturesDecoded) pictures \(check.width)×\(check.height); markers \(markers); tones \(tones)")
        }
        for problem in problems { lines.append("  ! \(problem)") }
        return lines.joined(separator: "\n")
    }

    func json() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        return String(decoding: try encoder.encode(self), as: UTF8.self)
    }

    /// Frame rate (left axis, 0–35 fps) and bridge CPU cores (right axis) against legs.
    func svg() -> String {
        let width = 640.0, height = 360.0, left = 50.0, right = 50.0, top = 20.0, bottom = 40.0
        let plotW = width - left - right, plotH = height - top - bottom
        let maxLegs = Double(max(1, samples.map(\.legs).max() ?? 1))
        let maxCores = max(0.5, (samples.compactMap(\.bridgeCores).max() ?? 1) * 1.2)
        func x(_ legs: Int) -> Double { left + plotW * Double(legs) / maxLegs }
        func yFPS(_ fps: Double) -> Double { top + plotH * (1 - min(fps, 35) / 35) }
        func yCores(_ c: Double) -> Double { top + plotH * (1 - c / maxCores) }
        func polyline(_ points: [(Double, Double)], _ color: String) -> String {
            let list = points.map { String(format: "%.1f,%.1f", $0.0, $0.1) }.joined(separator: " ")
            return "<polyline fill=\"none\" stroke=\"\(color)\" stroke-width=\"2\" points=\"\(list)\"/>"
        }
        var out = ["<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"\(Int(width))\" height=\"\(Int(height))\" font-family=\"sans-serif\" font-size=\"11\">",
                   "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>",
                   "<text x=\"\(left)\" y=\"14\">callbridge-load \(mode): \(video ? resolution : "audio") — min fps (blue), bridge CPU cores (red)</text>",
                   "<line x1=\"\(left)\" y1=\"\(top + plotH)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>",
                   "<line x1=\"\(left)\" y1=\"\(top)\" x2=\"\(left)\" y2=\"\(top + plotH)\" stroke=\"black\"/>",
                   "<line x1=\"\(left + plotW)\" y1=\"\(top)\" x2=\"\(left + plotW)\" y2=\"\(top + plotH)\" stroke=\"black\"/>"]
        for fps in stride(from: 0.0, through: 35, by: 5) {
            out.append("<text x=\"\(left - 28)\" y=\"\(yFPS(fps) + 4)\">\(Int(fps))</text>")
        }
        out.append("<line x1=\"\(left)\" y1=\"\(yFPS(thresholdFPS))\" x2=\"\(left + plotW)\" y2=\"\(yFPS(thresholdFPS))\" stroke=\"#88f\" stroke-dasharray=\"4 3\"/>")
        for step in 0...4 {
            let c = maxCores * Double(step) / 4
            out.append("<text x=\"\(left + plotW + 4)\" y=\"\(yCores(c) + 4)\">\(String(format: "%.2f", c))</text>")
        }
        let tick = max(1, Int(maxLegs) / 10)
        for legs in stride(from: 0, through: Int(maxLegs), by: tick) {
            out.append("<text x=\"\(x(legs) - 4)\" y=\"\(top + plotH + 16)\">\(legs)</text>")
        }
        out.append("<text x=\"\(left + plotW / 2 - 10)\" y=\"\(height - 6)\">legs</text>")
        out.append(polyline(samples.map { (x($0.legs), yFPS($0.minimumFPS)) }, "#22f"))
        let cpu = samples.compactMap { s in s.bridgeCores.map { (x(s.legs), yCores($0)) } }
        if !cpu.isEmpty { out.append(polyline(cpu, "#d22")) }
        out.append("</svg>")
        return out.joined(separator: "\n")
    }
}
