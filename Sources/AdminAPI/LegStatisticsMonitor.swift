import Engine
import Foundation
import Synchronization

/// Asks every worker for its legs' statistics once a second and keeps the latest per leg,
/// with rates from the last two samples, for `GET /callLegs/<id>`, `/metrics` and alarms.
/// Runs on its own timer queue; the engine's event pump delivers the answers.
public final class LegStatisticsMonitor: Sendable {
    public struct Sample: Sendable {
        public var statistics: MediaLegStatistics
        public var at: Date
        /// Per second, from the previous sample (0 until there are two).
        public var videoFramesReceivedRate = 0.0
        public var videoFramesSentRate = 0.0
        public var videoBitsReceivedRate = 0.0
        public var videoBitsSentRate = 0.0
        public var audioBitsReceivedRate = 0.0
        public var audioBitsSentRate = 0.0
    }

    struct WorkerState: Sendable {
        var load = 0.0
        var degradation = 0
        var overloadedSince: Date?
    }

    private let samples = Mutex<[Int: Sample]>([:])
    /// Totals of legs that ended, so counters in /metrics never go backwards.
    private let finished = Mutex<MediaLegStatistics>(MediaLegStatistics())
    let workers: Mutex<[WorkerState]>
    private let engine: MediaEngine
    // Created once, cancelled once; DispatchSource is thread-safe but not marked Sendable.
    private nonisolated(unsafe) let timer: DispatchSourceTimer

    public init(engine: MediaEngine, interval: TimeInterval = 1) {
        self.engine = engine
        workers = Mutex([WorkerState](repeating: WorkerState(), count: engine.workers.count))
        timer = DispatchSource.makeTimerSource(queue: DispatchQueue(label: "callbridge.admin.statistics"))
        engine.onEvent { [weak self] index, event in self?.receive(index, event) }
        timer.schedule(deadline: .now() + interval, repeating: interval)
        timer.setEventHandler { [weak self] in self?.poll() }
        timer.resume()
    }

    public func stop() { timer.cancel() }

    private func poll() {
        engine.requestStatistics()
        workers.withLock { states in
            for (index, worker) in engine.workers.enumerated() where index < states.count {
                states[index].load = worker.load
            }
        }
    }

    private func receive(_ index: Int, _ event: WorkerEvent) {
        switch event {
        case .statistics(let legID, let stats):
            let now = Date()
            samples.withLock { all in
                var sample = Sample(statistics: stats, at: now)
                if let previous = all[legID] {
                    let seconds = now.timeIntervalSince(previous.at)
                    if seconds > 0.2 {
                        func rate(_ a: Int, _ b: Int) -> Double { Double(max(0, a - b)) / seconds }
                        sample.videoFramesReceivedRate = rate(stats.video.framesReceived, previous.statistics.video.framesReceived)
                        sample.videoFramesSentRate = rate(stats.video.framesEncoded, previous.statistics.video.framesEncoded)
                        sample.videoBitsReceivedRate = 8 * rate(stats.video.bytesReceived, previous.statistics.video.bytesReceived)
                        sample.videoBitsSentRate = 8 * rate(stats.video.bytesSent, previous.statistics.video.bytesSent)
                        sample.audioBitsReceivedRate = 8 * rate(stats.audio.bytesReceived, previous.statistics.audio.bytesReceived)
                        sample.audioBitsSentRate = 8 * rate(stats.audio.bytesSent, previous.statistics.audio.bytesSent)
                    } else {
                        return
                    }
                }
                all[legID] = sample
            }
        case .detached(let legID, let stats):
            samples.withLock { _ = $0.removeValue(forKey: legID) }
            finished.withLock { total in total.add(stats) }
        case .degradationChanged(let workerIndex, let level, let load):
            workers.withLock { states in
                guard workerIndex < states.count else { return }
                states[workerIndex].degradation = level
                states[workerIndex].load = load
                if level >= MediaWorker.maximumDegradationLevel {
                    if states[workerIndex].overloadedSince == nil { states[workerIndex].overloadedSince = Date() }
                } else {
                    states[workerIndex].overloadedSince = nil
                }
            }
        default:
            break
        }
    }

    public func sample(legID: Int) -> Sample? { samples.withLock { $0[legID] } }

    /// Live legs' latest statistics plus every ended leg's final ones.
    public var totals: MediaLegStatistics {
        var total = finished.withLock { $0 }
        for sample in samples.withLock({ Array($0.values) }) { total.add(sample.statistics) }
        return total
    }

    public var workerStates: [(load: Double, degradation: Int, overloadedSince: Date?)] {
        workers.withLock { $0.map { ($0.load, $0.degradation, $0.overloadedSince) } }
    }
}

extension MediaLegStatistics {
    mutating func add(_ other: MediaLegStatistics) {
        video.add(other.video)
        audio.add(other.audio)
    }
}

extension MediaLegStatistics.Stream {
    mutating func add(_ o: Self) {
        packetsReceived += o.packetsReceived
        bytesReceived += o.bytesReceived
        packetsLost += o.packetsLost
        packetsSent += o.packetsSent
        bytesSent += o.bytesSent
        framesReceived += o.framesReceived
        framesDecoded += o.framesDecoded
        decodeErrors += o.decodeErrors
        framesEncoded += o.framesEncoded
        keyframesReceived += o.keyframesReceived
        keyframesSent += o.keyframesSent
        keyframeRequestsSent += o.keyframeRequestsSent
        keyframeRequestsReceived += o.keyframeRequestsReceived
        nacksSent += o.nacksSent
        nacksReceived += o.nacksReceived
        for (reason, count) in o.drops { drops[reason, default: 0] += count }
    }
}
