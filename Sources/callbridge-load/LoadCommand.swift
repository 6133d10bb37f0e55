import ArgumentParser
import Dispatch
import Foundation
import Glibc
import MediaCore

/// `callbridge-load`: dials real SIP legs with real media into a bridge on this machine and
/// reports what it sustains (legs, frame rates, legs per core of the bridge's CPU).
@main
struct LoadCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbridge-load",
        abstract: "Dial SIP legs with real H.264 and audio into a bridge on loopback and measure what it sustains.",
        subcommands: [Fixed.self, Ramp.self])
}

struct CommonOptions: ParsableArguments {
    @Option(help: "The bridge's SIP address (UDP), loopback only.")
    var bridge: String = "127.0.0.1:5060"
    @Option(help: "The space (URI user part) every leg dials.")
    var space: String = "1000"
    @Option(help: "What each leg sends and asks to receive: 1080p, 720p or 480p (30 fps).")
    var resolution: String = "720p"
    @Option(help: "Audio codec: opus, pcmu or pcma.")
    var audio: String = "opus"
    @Flag(help: "Audio-only legs (no video m-line).")
    var audioOnly = false
    @Flag(help: "Offer SDES-SRTP (required) instead of plain RTP.")
    var srtp = false
    @Flag(help: "SIP over TLS (to the bridge's SIP port + 1) instead of UDP.")
    var tls = false
    @Option(help: "New calls per second.")
    var callRate: Double = 5
    @Option(help: "Legs whose video and audio are decoded and verified (markers, tones).")
    var sample: Int = 2
    @Option(help: "Media worker threads of this tool.")
    var mediaWorkers: Int = 1
    @Option(help: "The bridge's process id, for its CPU time (/proc/<pid>/stat) and legs per core.")
    var bridgePid: Int32?
    @Option(help: "Frame rate every leg must receive for a leg count to hold.")
    var threshold: Double = 28
    @Option(help: "Write the JSON report here ('-' for standard output).")
    var json: String?
    @Option(help: "Write an SVG plot of frame rate and bridge CPU against legs here.")
    var svg: String?
    @Option(help: "Write 90 raw 4:2:0 pictures that the first sampled leg receives (after 3 s) here.")
    var recordYuv: String?
    @Option(help: "Write leg 0's one-second H.264 loop (Annex B: what the bridge decodes) here.")
    var writeLoop: String?

    func loadOptions() throws -> LoadOptions {
        let parts = bridge.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]), let address = SocketAddress(host: String(parts[0]), port: port) else {
            throw ValidationError("--bridge must be host:port")
        }
        guard parts[0] == "127.0.0.1" || parts[0] == "::1" || parts[0] == "localhost" else {
            throw ValidationError("--bridge must be on loopback (127.0.0.1): this tool sends real load")
        }
        guard let resolution = LoadOptions.Resolution(rawValue: resolution) else { throw ValidationError("--resolution must be 1080p, 720p or 480p") }
        guard let audio = LoadOptions.Audio(rawValue: audio) else { throw ValidationError("--audio must be opus, pcmu or pcma") }
        guard callRate > 0, sample >= 0, mediaWorkers >= 1 else { throw ValidationError("--call-rate > 0, --sample ≥ 0, --media-workers ≥ 1") }
        var options = LoadOptions(bridge: address)
        options.space = space
        options.resolution = resolution
        options.audio = audio
        options.video = !audioOnly
        options.srtp = srtp
        options.tls = tls
        options.callsPerSecond = callRate
        options.sampledLegs = sample
        options.mediaWorkers = mediaWorkers
        options.bridgePID = bridgePid
        options.recordPath = recordYuv
        options.loopPath = writeLoop
        return options
    }

    func write(_ report: LoadReport) throws {
        print(report.table())
        if let json {
            let text = try report.json()
            if json == "-" { print(text) } else { try text.write(toFile: json, atomically: true, encoding: .utf8) }
        }
        if let svg { try report.svg().write(toFile: svg, atomically: true, encoding: .utf8) }
    }
}

/// Ctrl-C / SIGTERM: stop adding legs and measuring; the run hangs up and reports.
enum Interrupt {
    nonisolated(unsafe) static var requested = false
    nonisolated(unsafe) static var sources: [DispatchSourceSignal] = []

    static func install() {
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler { requested = true }
            source.resume()
            sources.append(source)
        }
    }

    /// Sleeps up to `seconds`, returning early on an interrupt.
    static func sleep(_ seconds: Double) {
        let end = Date().addingTimeInterval(seconds)
        while !requested, Date() < end { usleep(20_000) }
    }
}

extension LoadCommand {
    struct Fixed: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Hold N legs for a while and report what they received.")
        @Argument(help: "Legs to dial.") var legs: Int
        @Option(help: "Seconds to hold the legs once all are up.") var duration: Double = 10
        @OptionGroup var common: CommonOptions

        func run() throws {
            guard legs >= 1, legs <= 500, duration > 0, duration <= 3600 else { throw ValidationError("1…500 legs, 0…3600 s") }
            Interrupt.install()
            let options = try common.loadOptions()
            let run = try LoadRun(options: options)
            try run.prepare(legs: legs)
            var stopReason = "held \(legs) legs for \(duration) s"
            for _ in 0..<legs where !Interrupt.requested {
                if !run.addLeg() { stopReason = "a call failed: \(run.rejections.last ?? "")"; break }
                Interrupt.sleep(1 / options.callsPerSecond)
            }
            Interrupt.sleep(2)   // every leg past its first IDR
            run.beginHold()
            let end = Date().addingTimeInterval(duration)
            while !Interrupt.requested, Date() < end {
                Interrupt.sleep(min(1, max(0.05, end.timeIntervalSinceNow)))
                progress(run.measure())
            }
            let rates = run.holdRates()
            let minimum = rates.min() ?? 0
            if Interrupt.requested { stopReason = "interrupted" }
            FileHandle.standardError.write("\n".data(using: .utf8)!)
            let held = run.legs.count == legs && minimum >= common.threshold && !Interrupt.requested ? legs : 0
            let report = run.finish(mode: "fixed", held: held, minimumFPS: minimum, meanFPS: average(rates) ?? 0,
                                    bridgeCores: average(run.samples.compactMap(\.bridgeCores)),
                                    threshold: common.threshold, stopReason: stopReason)
            try common.write(report)
            if held != legs || !report.verified || run.failedCalls > 0 { throw ExitCode(1) }
        }
    }

    struct Ramp: ParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Add legs until a leg's frame rate falls below the threshold or the bridge refuses; report the largest N that held.")
        @Option(help: "Seconds to let a new leg settle before measuring.") var settle: Double = 2
        @Option(help: "Seconds of measurement per leg count.") var window: Double = 3
        @Option(help: "Stop at this many legs.") var maximumLegs: Int = 64
        @Option(help: "Legs added per step (audio-only ramps go faster with 10).") var step: Int = 1
        @Option(help: "Stop after this many seconds in all.") var maximumSeconds: Double = 600
        @OptionGroup var common: CommonOptions

        func run() throws {
            guard maximumLegs >= 1, maximumLegs <= 500, settle >= 0, window >= 1, step >= 1 else { throw ValidationError("bad ramp bounds") }
            Interrupt.install()
            let options = try common.loadOptions()
            let run = try LoadRun(options: options)
            var held = 0
            var heldSample: LoadSample?
            var stopReason = "reached --maximum-legs \(maximumLegs)"
            while run.legs.count < maximumLegs {
                if Interrupt.requested { stopReason = "interrupted"; break }
                if run.elapsed > maximumSeconds { stopReason = "reached --maximum-seconds"; break }
                let target = min(maximumLegs, run.legs.count + step)
                try run.prepare(legs: target)
                var added = true
                while run.legs.count < target {
                    guard run.addLeg() else { added = false; break }
                    if run.legs.count < target { Interrupt.sleep(1 / options.callsPerSecond) }
                }
                guard added else {
                    stopReason = run.refusedByBridge ? "the bridge refused leg \(run.legs.count + 1) (503)"
                        : run.bridgeUnresponsive ? "the bridge stopped answering" : "a call failed"
                    break
                }
                Interrupt.sleep(settle)
                run.restartWindows()
                Interrupt.sleep(window)
                let s = run.measure()
                progress(s)
                if s.minimumFPS < common.threshold {
                    stopReason = String(format: "leg count %d: a leg received %.1f fps (< %.1f)", s.legs, s.minimumFPS, common.threshold)
                    break
                }
                held = s.legs
                heldSample = s
            }
            FileHandle.standardError.write("\n".data(using: .utf8)!)
            let report = run.finish(mode: "ramp", held: held, minimumFPS: heldSample?.minimumFPS ?? 0,
                                    meanFPS: heldSample?.meanFPS ?? 0, bridgeCores: heldSample?.bridgeCores,
                                    threshold: common.threshold, stopReason: stopReason)
            try common.write(report)
        }
    }
}

func progress(_ s: LoadSample) {
    let cores = s.bridgeCores.map { String(format: "%.2f", $0) } ?? "n/a"
    let line = String(format: "\r%6.1f s  legs %3d  fps min %5.1f mean %5.1f", s.seconds, s.legs, s.minimumFPS, s.meanFPS)
        + "  bridge CPU \(cores) cores   "
    FileHandle.standardError.write(line.data(using: .utf8)!)
}

/// The `q` quantile of sorted values (nearest rank).
func percentile(_ sorted: [Double], _ q: Double) -> Double? {
    sorted.isEmpty ? nil : sorted[min(sorted.count - 1, Int(Double(sorted.count) * q))]
}

func average(_ values: [Double]) -> Double? { values.isEmpty ? nil : values.reduce(0, +) / Double(values.count) }
