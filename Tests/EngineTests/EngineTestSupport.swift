import Codecs
import Engine
import Foundation
import MediaCore
import Synchronization

/// Collects what a leg's sinks see on the worker thread, for the test thread to read.
final class Recorder: Sendable {
    struct Picture: Sendable {
        let timestamp: UInt32
        let width: Int
        let height: Int
        let luma: [UInt8]   // tightly packed Y plane (a copy: the frame is only lent)
    }

    private let pictures = Mutex<[Picture]>([])
    private let samples = Mutex<[Int16]>([])
    private let frameCount = Mutex<Int>(0)
    private let startedAt = Mutex<UInt64?>(nil)
    private let firstPictureAt = Mutex<UInt64?>(nil)
    let keepEvery: Int

    /// Marks "joined now": `millisecondsToFirstPicture` counts from here.
    func markStart() { startedAt.withLock { $0 = DispatchTime.now().uptimeNanoseconds } }

    var millisecondsToFirstPicture: Int? {
        guard let start = startedAt.withLock({ $0 }), let first = firstPictureAt.withLock({ $0 }) else { return nil }
        return Int((first - start) / 1_000_000)
    }

    init(keepEvery: Int = 1) { self.keepEvery = keepEvery }

    var videoSink: @Sendable (VideoFrame, UInt32) -> Void {
        { frame, timestamp in
            let n = self.frameCount.withLock { count -> Int in count += 1; return count }
            if n == 1 { self.firstPictureAt.withLock { $0 = DispatchTime.now().uptimeNanoseconds } }
            guard n % self.keepEvery == 0 else { return }
            var luma = [UInt8](repeating: 0, count: frame.width * frame.height)
            frame.withPlane(0) { p in
                for y in 0..<p.height { for x in 0..<p.width { luma[y * p.width + x] = p[x, y] } }
            }
            self.pictures.withLock { $0.append(Picture(timestamp: timestamp, width: frame.width, height: frame.height, luma: luma)) }
        }
    }

    var audioSink: @Sendable (UnsafeBufferPointer<Int16>, Int, Int) -> Void {
        { pcm, _, channels in
            self.samples.withLock { all in
                for i in stride(from: 0, to: pcm.count, by: channels) { all.append(pcm[i]) }
            }
        }
    }

    var decodedFrames: Int { frameCount.withLock { $0 } }
    var recordedPictures: [Picture] { pictures.withLock { $0 } }
    var recordedSamples: [Int16] { samples.withLock { $0 } }
}

/// Where a test builds and attaches legs: one worker, or an engine's several.
protocol LegHost {
    /// The worker for the `index`-th leg of a test (tests spread legs by index).
    func worker(for index: Int) -> MediaWorker
    func attach(_ leg: MediaLeg, on worker: MediaWorker) throws
}

/// A real `MediaEngine` (placement, membership commands, worker links) for a test; legs go to
/// worker `index % workers`.
final class EngineHarness: LegHost {
    let engine: MediaEngine
    private final class Attached: Sendable { let ids = Mutex<Set<Int>>([]) }
    private let attached = Attached()

    init(workers: Int) throws {
        engine = try MediaEngine(workerCount: workers, degradesUnderLoad: false)
        engine.onEvent { [attached] _, event in
            if case .attached(let id, _) = event { attached.ids.withLock { _ = $0.insert(id) } }
        }
    }

    func worker(for index: Int) -> MediaWorker { engine.workers[index % engine.workers.count] }

    func attach(_ leg: MediaLeg, on worker: MediaWorker) throws {
        engine.attach(leg, on: worker)
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            if attached.ids.withLock({ $0.contains(leg.id) }) { return }
            usleep(2_000)
        }
        throw WorkerHarness.HarnessError.timeout("attach \(leg.id)")
    }

    func stop() { engine.shutdown() }
}

/// Runs a worker for the duration of a test and collects its events.
final class WorkerHarness: LegHost {
    func worker(for index: Int) -> MediaWorker { worker }
    func attach(_ leg: MediaLeg, on worker: MediaWorker) throws { try attach(leg) }

    let worker: MediaWorker
    private(set) var events: [WorkerEvent] = []

    /// Degradation off: the tests using a harness check frame rates, which must not depend on
    /// what else the machine runs (`OverloadTests` builds its own degrading workers).
    init() throws {
        worker = try MediaWorker(.init(index: 0, cpu: CPUAffinity.allowedCPUs().first, degradesUnderLoad: false))
        worker.start()
    }

    func attach(_ leg: MediaLeg) throws {
        worker.send(.attach(leg))
        guard waitFor({ if case .attached(let id, _) = $0 { return id == leg.id }; return false }, seconds: 5) else {
            throw HarnessError.timeout("attach \(leg.id)")
        }
    }

    func statistics(legID: Int) -> MediaLegStatistics? {
        events.removeAll()
        worker.send(.reportStatistics)
        var found: MediaLegStatistics?
        _ = waitFor({ if case .statistics(let id, let s) = $0, id == legID { found = s; return true }; return false }, seconds: 5)
        return found
    }

    func stop() {
        worker.send(.stop)
        worker.join()
    }

    @discardableResult
    func waitFor(_ predicate: (WorkerEvent) -> Bool, seconds: Double) -> Bool {
        let deadline = Date().addingTimeInterval(seconds)
        while Date() < deadline {
            while let event = worker.events.pop() {
                events.append(event)
                if predicate(event) { return true }
            }
            _ = worker.eventSignal.wait(timeoutMilliseconds: 50)
            worker.eventSignal.drain()
        }
        return false
    }

    enum HarnessError: Error { case timeout(String) }
}

func runFor(seconds: Double) { usleep(UInt32(seconds * 1_000_000)) }
