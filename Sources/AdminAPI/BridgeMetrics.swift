import Control
import CoreMetrics
import Engine
import Foundation
import Prometheus
import Synchronization

/// `/metrics` in Prometheus text format: swift-metrics handles backed by a swift-prometheus
/// registry of our own (not the process-wide bootstrap, so tests can run several bridges).
/// Gauges and counters are brought up to date from the engine and the statistics monitor
/// when scraped; SIP transactions are counted as they complete.
public final class BridgeMetrics: Sendable {
    private let registry = PrometheusCollectorRegistry()
    private let factory: PrometheusMetricsFactory
    private let legs: CoreMetrics.Gauge
    private let calls: CoreMetrics.Gauge
    private let mediaLoad: CoreMetrics.Gauge
    private let workerLoad: [CoreMetrics.Gauge]
    private let workerDegradation: [CoreMetrics.Gauge]
    private var counters: [(name: String, help: String, value: @Sendable (MediaLegStatistics) -> Int)] { Self.counterDefinitions }
    private static let counterDefinitions: [(name: String, help: String, value: @Sendable (MediaLegStatistics) -> Int)] = [
        ("callbridge_video_frames_encoded_total", "Video frames sent to legs", { $0.video.framesEncoded }),
        ("callbridge_video_frames_decoded_total", "Video frames decoded from legs", { $0.video.framesDecoded }),
        ("callbridge_packets_dropped_total", "RTP/RTCP packets dropped (malformed, SRTP failure, late)", { $0.video.dropsTotal + $0.audio.dropsTotal }),
        ("callbridge_packets_lost_total", "RTP packets lost in transit (from sequence gaps)", { Int($0.video.packetsLost + $0.audio.packetsLost) }),
        ("callbridge_keyframe_requests_sent_total", "PLI/FIR sent to legs", { $0.video.keyframeRequestsSent }),
        ("callbridge_keyframe_requests_received_total", "PLI/FIR received from legs", { $0.video.keyframeRequestsReceived }),
        ("callbridge_video_decode_errors_total", "Access units the decoder rejected", { $0.video.decodeErrors }),
    ]
    private let counterHandles: [CoreMetrics.Counter]
    private let counterLast = Mutex<[Int]>([])
    private let sipCounters = Mutex<[String: CoreMetrics.Counter]>([:])

    public init(workers: Int) {
        let factory = PrometheusMetricsFactory(registry: registry)
        self.factory = factory
        legs = CoreMetrics.Gauge(label: "callbridge_call_legs", factory: factory)
        calls = CoreMetrics.Gauge(label: "callbridge_calls", factory: factory)
        mediaLoad = CoreMetrics.Gauge(label: "callbridge_media_processing_load_percent", factory: factory)
        workerLoad = (0..<workers).map { CoreMetrics.Gauge(label: "callbridge_worker_load_ratio", dimensions: [("worker", String($0))], factory: factory) }
        workerDegradation = (0..<workers).map {
            CoreMetrics.Gauge(label: "callbridge_worker_degradation_level", dimensions: [("worker", String($0))], factory: factory)
        }
        counterHandles = Self.counterDefinitions.map { CoreMetrics.Counter(label: $0.name, factory: factory) }
        counterLast.withLock { $0 = [Int](repeating: 0, count: Self.counterDefinitions.count) }
    }

    /// Counts a SIP transaction we answered (method, final status).
    /// RFC 3261 and extension methods we label; anything else a peer invents is "other", so
    /// SIP input cannot grow the metric set without bound.
    static let labelledMethods: Set<String> = ["INVITE", "ACK", "BYE", "CANCEL", "OPTIONS", "REGISTER", "UPDATE", "INFO",
                                               "PRACK", "SUBSCRIBE", "NOTIFY", "REFER", "MESSAGE", "PUBLISH"]

    public func sipTransaction(method: String, status: Int) {
        let method = Self.labelledMethods.contains(method) ? method : "other"
        let status = (100...699).contains(status) ? status : 0
        let key = "\(method) \(status)"
        let counter = sipCounters.withLock { all in
            if let existing = all[key] { return existing }
            let made = CoreMetrics.Counter(label: "callbridge_sip_transactions_total",
                               dimensions: [("method", method), ("status", String(status))], factory: factory)
            all[key] = made
            return made
        }
        counter.increment()
    }

    func render(api: AdminAPI) -> [UInt8] {
        legs.record(api.controller.activeLegs)
        calls.record(api.controller.conferenceInfos.count)
        mediaLoad.record(api.mediaProcessingLoad)
        for (index, worker) in api.controller.engine.workers.enumerated() where index < workerLoad.count {
            workerLoad[index].record(worker.load)
            workerDegradation[index].record(worker.degradation)
        }
        if let totals = api.statistics?.totals {
            counterLast.withLock { last in
                for (index, counter) in counters.enumerated() {
                    let value = counter.value(totals)
                    if value > last[index] { counterHandles[index].increment(by: value - last[index]) }
                    last[index] = max(last[index], value)
                }
            }
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(4096)
        registry.emit(into: &buffer)
        return buffer
    }
}
