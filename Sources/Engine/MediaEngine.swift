import Dispatch
import Glibc
import MediaCore
import Synchronization

/// The media plane as the control plane sees it: a fixed set of pinned workers, placement of
/// legs on them, and one event pump that drains every worker's event ring. Legs of one space
/// go to the same worker (its room mixes and composes them); a new space goes to the worker
/// with the fewest legs.
public final class MediaEngine: Sendable {
    public let workers: [MediaWorker]

    private struct State {
        var legCount: [Int]
        var spaceWorker: [Int: Int] = [:]
        var spaceLegs: [Int: Int] = [:]
        var legPlacement: [Int: (worker: Int, space: Int?)] = [:]
        var handlers: [@Sendable (Int, WorkerEvent) -> Void] = []
        var pumping = true
    }

    private let state: Mutex<State>
    private let pumpDone = DispatchSemaphore(value: 0)

    /// - Parameter workerCount: 0 = one per allowed CPU.
    public init(workerCount: Int = 0) throws(SystemError) {
        let cpus = CPUAffinity.allowedCPUs()
        let count = workerCount > 0 ? workerCount : max(1, cpus.count)
        var workers: [MediaWorker] = []
        for index in 0..<count {
            let cpu = cpus.isEmpty ? nil : cpus[index % cpus.count]
            workers.append(try MediaWorker(.init(index: index, cpu: cpu)))
        }
        self.workers = workers
        state = Mutex(State(legCount: [Int](repeating: 0, count: count)))
        for worker in workers { worker.start() }
        DispatchQueue.global().async { [self] in
            pumpEvents()
            pumpDone.signal()
        }
    }

    /// Receives every worker event on the pump thread: (worker index, event).
    public func onEvent(_ handler: @escaping @Sendable (Int, WorkerEvent) -> Void) {
        state.withLock { $0.handlers.append(handler) }
    }

    /// The worker a leg of `space` should be built for (call before creating the `MediaLeg`).
    public func workerFor(space: Int?) -> MediaWorker {
        let index: Int = state.withLock { s in
            if let space, let index = s.spaceWorker[space] { return index }
            return s.legCount.indices.min { s.legCount[$0] < s.legCount[$1] } ?? 0
        }
        return workers[index]
    }

    /// Hands a leg built with `workerFor(space:)` to its worker.
    @discardableResult
    public func attach(_ leg: MediaLeg, on worker: MediaWorker) -> Bool {
        let index = worker.configuration.index
        let space = leg.configuration.spaceID
        state.withLock { s in
            s.legCount[index] += 1
            s.legPlacement[leg.id] = (index, space)
            if let space {
                s.spaceWorker[space] = index
                s.spaceLegs[space, default: 0] += 1
            }
        }
        return worker.send(.attach(leg))
    }

    /// Stops a leg; its final statistics arrive as a `.detached` event.
    public func detach(legID: Int) {
        let worker: Int? = state.withLock { s in
            guard let p = s.legPlacement.removeValue(forKey: legID) else { return nil }
            s.legCount[p.worker] -= 1
            if let space = p.space {
                s.spaceLegs[space, default: 1] -= 1
                if s.spaceLegs[space] == 0 { s.spaceLegs[space] = nil; s.spaceWorker[space] = nil }
            }
            return p.worker
        }
        if let worker { workers[worker].send(.detach(legID: legID)) }
    }

    /// Sends `command` to the worker that owns `legID`; false when the leg is unknown.
    @discardableResult
    public func send(_ command: WorkerCommand, toLeg legID: Int) -> Bool {
        guard let index = state.withLock({ $0.legPlacement[legID]?.worker }) else { return false }
        return workers[index].send(command)
    }

    public func requestStatistics() {
        for worker in workers { worker.send(.reportStatistics) }
    }

    public var activeLegs: Int { state.withLock { $0.legCount.reduce(0, +) } }

    /// Mean busy fraction of the workers over their last second (0…1; CMS
    /// `mediaProcessingLoad` is derived from it).
    public var load: Double { workers.map(\.load).reduce(0, +) / Double(max(1, workers.count)) }

    /// Stops every worker (releasing their legs) and the pump.
    public func shutdown() {
        for worker in workers { worker.send(.stop) }
        for worker in workers { worker.join() }
        state.withLock { $0.pumping = false }
        pumpDone.wait()
    }

    /// Control-plane polling of the workers' event rings (every 5 ms when idle).
    private func pumpEvents() {
        while state.withLock({ $0.pumping }) {
            var any = false
            for worker in workers {
                while let event = worker.events.pop() {
                    any = true
                    let handlers = state.withLock { $0.handlers }
                    for handler in handlers { handler(worker.configuration.index, event) }
                }
            }
            if !any { usleep(5_000) }
        }
        // Final events (stopped/detached) after the workers joined.
        for worker in workers {
            while let event = worker.events.pop() {
                let handlers = state.withLock { $0.handlers }
                for handler in handlers { handler(worker.configuration.index, event) }
            }
        }
    }
}
