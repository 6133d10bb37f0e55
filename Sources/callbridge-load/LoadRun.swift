import Codecs
import Control
import Engine
import Foundation
import MediaCore
import SDP
import Synchronization

/// Everything a run needs to know (from the command line).
struct LoadOptions: Sendable {
    enum Resolution: String, Sendable, CaseIterable {
        case p1080 = "1080p", p720 = "720p", p480 = "480p"
        var size: (width: Int, height: Int) {
            switch self {
            case .p1080: return (1920, 1080)
            case .p720: return (1280, 720)
            case .p480: return (848, 480)
            }
        }
        /// The H.264 level that makes the bridge pick this size for us.
        var level: H264Level {
            switch self {
            case .p1080: return .level4
            case .p720: return .level3_1
            case .p480: return .level3
            }
        }
    }

    enum Audio: String, Sendable, CaseIterable {
        case opus, pcmu, pcma
        var sdpCodec: SDPCodec { self == .opus ? .opus : self == .pcmu ? .pcmu : .pcma }
    }

    var bridge: SocketAddress
    var host = "127.0.0.1"
    var space = "1000"
    var resolution = Resolution.p720
    var audio = Audio.opus
    var video = true
    var srtp = false
    var tls = false
    var callsPerSecond = 5.0
    var sampledLegs = 2
    var mediaWorkers = 1
    var bridgePID: Int32?
    var verify = true
    var recordPath: String?
    var loopPath: String?
}

/// One measurement: legs up, their delivered frame rates, the bridge's CPU.
struct LoadSample: Codable {
    var seconds: Double
    var legs: Int
    var minimumFPS: Double
    var meanFPS: Double
    var bridgeCores: Double?
}

/// Dials legs, keeps their media running, measures, verifies, hangs up.
final class LoadRun {
    let options: LoadOptions
    let caller: SIPCaller
    let engine: MediaEngine
    private(set) var legs: [LoadLeg] = []
    private(set) var samples: [LoadSample] = []
    private(set) var failedCalls = 0
    private(set) var rejections: [String] = []
    private(set) var refusedByBridge = false
    private(set) var bridgeUnresponsive = false
    private var loops: [Int: EncodedVideoLoop] = [:]
    let sendLog = SendLog()
    /// Filled from the engine's event pump thread.
    private final class Events: Sendable {
        let statistics = Mutex<[Int: MediaLegStatistics]>([:])
    }
    private let events = Events()
    private let started = Date()
    private var cpu: BridgeCPU?

    init(options: LoadOptions) throws {
        self.options = options
        caller = try SIPCaller(bridge: options.bridge, host: options.host, transport: options.tls ? .tls : .udp)
        engine = try MediaEngine(workerCount: options.mediaWorkers, spreadsSpaces: true, degradesUnderLoad: false)
        engine.onEvent { [events] _, event in
            if case .statistics(let id, let stats) = event { events.statistics.withLock { $0[id] = stats } }
        }
        if let pid = options.bridgePID { cpu = BridgeCPU(pid: pid) }
    }

    var elapsed: Double { Date().timeIntervalSince(started) }

    /// Encodes leg `index`'s loop (about 30 encodes at the leg's size; done before dialing).
    private func loop(for index: Int) throws -> EncodedVideoLoop {
        if let loop = loops[index] { return loop }
        let size = options.resolution.size
        let log = sendLog
        let made = try LoadMarker.encodeLoop(forLeg: index, width: size.width, height: size.height) { frame, now in
            log.record(leg: index, frame: frame, at: now)
        }
        loops[index] = made
        if index == 0, let path = options.loopPath {
            try Data(made.accessUnits.joined()).write(to: URL(fileURLWithPath: path))
        }
        return made
    }

    /// Prepares the loops of legs 0..<count before any call (so start-up encoding does not
    /// distort the first measurements).
    func prepare(legs count: Int) throws {
        guard options.video else { return }
        for index in 0..<count { _ = try loop(for: index) }
    }

    /// Dials one more leg; false when the bridge refused (503 and the like) or did not answer.
    @discardableResult
    func addLeg() -> Bool {
        let index = legs.count
        let leg = LoadLeg(index: index, sampled: index < options.sampledLegs, sendLog: sendLog)
        do {
            if index == 0, leg.sampled, let path = options.recordPath { try leg.probe.record(to: path, frames: 90) }
            let loop = options.video ? try loop(for: index) : nil
            let reservation = try PortReservation(host: options.host)
            let local = LoadLeg.local(reservation: reservation, options: options)
            let version = SDPSessionVersion.random(address: options.host)
            let offer = try SDPNegotiator.offer(local: local, origin: version.origin)
            switch caller.invite(user: options.space, displayName: "load \(index)", offer: offer.serialized()) {
            case .noAnswer:
                reservation.release()
                bridgeUnresponsive = true
                failedCalls += 1
                rejections.append("leg \(index): no answer from the bridge")
                return false
            case .rejected(let status, let reason, _):
                reservation.release()
                if status == 503 || status == 486 { refusedByBridge = true } else { failedCalls += 1 }
                rejections.append("leg \(index): \(status) \(reason)")
                return false
            case .answered(let dialog, let sdp):
                leg.dialog = dialog
                let answer = try SessionDescription(parsing: sdp)
                let session = try SDPNegotiator.apply(answer: answer, toOffer: offer, local: local)
                reservation.release()
                let configuration = leg.configuration(session: session, local: local, loop: loop, options: options)
                let worker = engine.workerFor(space: nil)
                let media = try MediaLeg(configuration, for: worker,
                                         videoSink: leg.sampled ? leg.probe.videoSink : nil,
                                         audioSink: leg.sampled ? leg.probe.audioSink : nil)
                engine.attach(media, on: worker)
                leg.joinedAt = elapsed
                leg.lastSampleAt = elapsed
                legs.append(leg)
                for each in legs { each.probe.legCount.withLock { $0 = legs.count } }
                return true
            }
        } catch {
            failedCalls += 1
            rejections.append("leg \(index): \(error)")
            if let dialog = leg.dialog { caller.bye(dialog) }
            return false
        }
    }

    /// Collects every leg's statistics and each leg's frame rate since the last sample.
    func measure() -> LoadSample {
        events.statistics.withLock { $0.removeAll() }
        engine.requestStatistics()
        let deadline = Date().addingTimeInterval(1)
        while Date() < deadline, events.statistics.withLock({ $0.count }) < legs.count { usleep(5_000) }
        let now = elapsed
        let all = events.statistics.withLock { $0 }
        var rates: [Double] = []
        for leg in legs {
            guard let stats = all[leg.legID] else { continue }
            leg.latest = stats
            // Audio-only legs: 20 ms packets, scaled so that full rate reads 30 like video.
            let frames = options.video ? stats.video.framesReceived : stats.audio.packetsReceived * 30 / 50
            let window = now - leg.lastSampleAt
            if window > 0.2 { leg.fps = Double(frames - leg.lastFrames) / window }
            leg.lastFrames = frames
            leg.lastSampleAt = now
            rates.append(leg.fps)
        }
        let sample = LoadSample(seconds: now, legs: legs.count, minimumFPS: rates.min() ?? 0,
                                meanFPS: rates.isEmpty ? 0 : rates.reduce(0, +) / Double(rates.count),
                                bridgeCores: cpu?.coresSinceLastCall())
        samples.append(sample)
        return sample
    }

    /// Marks the start of a hold: `holdRates` measures each leg from here (one long window:
    /// per-second rates swing with delivery bursts, a frame rate is about the whole hold).
    func beginHold() {
        _ = measure()
        samples.removeLast()
        for leg in legs {
            leg.holdStartFrames = leg.lastFrames
            leg.holdStartAt = leg.lastSampleAt
        }
    }

    /// Each leg's frame rate since `beginHold`, as of the last `measure`.
    func holdRates() -> [Double] {
        legs.map { leg in
            let seconds = leg.lastSampleAt - leg.holdStartAt
            return seconds > 0 ? Double(leg.lastFrames - leg.holdStartFrames) / seconds : 0
        }
    }

    /// Resets the frame-rate windows (after adding legs, so a window holds only steady state).
    func restartWindows() { _ = measure(); samples.removeLast() }

    /// Totals over every leg's last statistics: (lost, worst jitter, keyframes, frames).
    func receiveTotals() -> (lost: Int, jitter: Double, keyframes: Int, frames: Int) {
        var lost = 0, jitter = 0.0, keyframes = 0, frames = 0
        for stats in legs.compactMap(\.latest) {
            lost += Int(stats.video.packetsLost + stats.audio.packetsLost)
            jitter = max(jitter, stats.video.jitterMilliseconds, stats.audio.jitterMilliseconds)
            keyframes += stats.video.keyframesReceived
            frames += stats.video.framesReceived
        }
        return (lost, jitter, keyframes, frames)
    }

    /// Stamp latencies seen by the sampled legs (ms), sorted.
    func latencies() -> [Double] { legs.flatMap { $0.probe.latencies.withLock { $0 } }.sorted() }

    func checks() -> [LegCheck] {
        legs.filter(\.sampled).map { LegCheck.evaluate($0, legs: legs.count) }
    }

    /// Verifies the sampled legs, collects the totals, hangs every leg up and builds the report.
    /// `held` legs at `bridgeCores` give the legs per core.
    func finish(mode: String, held: Int, minimumFPS: Double, meanFPS: Double, bridgeCores: Double?,
                threshold: Double, stopReason: String) -> LoadReport {
        let checks = options.verify ? self.checks() : []
        let totals = receiveTotals()
        let latencies = self.latencies()
        hangUpAll()
        return LoadReport(mode: mode, resolution: options.resolution.rawValue, audio: options.audio.rawValue,
                          video: options.video, space: options.space, sustainedLegs: held, thresholdFPS: threshold,
                          minimumFPS: minimumFPS, meanFPS: meanFPS,
                          bridgeCores: bridgeCores, legsPerCore: held > 0 ? bridgeCores.map { Double(held) / max($0, 0.01) } : nil,
                          packetsLost: totals.lost, maximumJitterMilliseconds: totals.jitter,
                          keyframesReceived: totals.keyframes, framesReceived: totals.frames,
                          latencyMillisecondsMedian: percentile(latencies, 0.5), latencyMillisecondsP95: percentile(latencies, 0.95),
                          latencySamples: latencies.count,
                          failedCalls: failedCalls, refusedByBridge: refusedByBridge,
                          bridgeUnresponsive: bridgeUnresponsive, stopReason: stopReason,
                          problems: rejections, checks: checks, samples: samples)
    }

    /// BYE on every leg (each bounded to 2 s), then the media engine stops.
    func hangUpAll() {
        var unanswered = 0
        for leg in legs {
            // Once BYEs go unanswered the bridge is gone or stuck: send the rest, wait briefly.
            if let dialog = leg.dialog, !caller.bye(dialog, seconds: unanswered > 0 ? 0.1 : 2) {
                unanswered += 1
            }
            engine.detach(legID: leg.legID)
        }
        if unanswered > 0 {
            bridgeUnresponsive = true
            rejections.append("\(unanswered) BYE\(unanswered == 1 ? "" : "s") not answered")
        }
        engine.shutdown()
        caller.close()
    }
}

/// The bridge process's CPU time from /proc/<pid>/stat (utime + stime), as cores in use
/// between calls.
final class BridgeCPU {
    let pid: Int32
    private var lastTicks: Double?
    private var lastAt = Date()
    private let ticksPerSecond = Double(sysconf(Int32(_SC_CLK_TCK)))

    init(pid: Int32) {
        self.pid = pid
        lastTicks = ticks()
    }

    func ticks() -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command name: state is field 3; utime and stime are fields 14, 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return user + system
    }

    func coresSinceLastCall() -> Double? {
        let now = Date()
        guard let current = ticks() else { return nil }
        defer { lastTicks = current; lastAt = now }
        guard let last = lastTicks else { return nil }
        let wall = now.timeIntervalSince(lastAt)
        return wall > 0 ? (current - last) / ticksPerSecond / wall : nil
    }
}
