import Dispatch
import Glibc
import MediaCore
import Synchronization

/// The media plane as the control plane sees it: a fixed set of pinned workers, placement of
/// legs on them, and one event pump that drains every worker's event ring. A new leg goes to
/// the worker with the fewest legs, so one space spreads over all workers (CMS behaviour);
/// each worker's room for that space learns the participants on the others
/// (`memberJoined`/`memberLeft`) and the workers lend each other decoded pictures and audio
/// through `WorkerLink`s. `spreadsSpaces: false` keeps a space on the worker of its first leg.
public final class MediaEngine: Sendable {
    public let workers: [MediaWorker]

    private struct State {
        var legCount: [Int]
        var spaceWorker: [Int: Int] = [:]
        /// Every participant of each space and the worker it is on.
        var spaceMembers: [Int: [RemoteMember]] = [:]
        var legPlacement: [Int: (worker: Int, space: Int?)] = [:]
        var handlers: [@Sendable (Int, WorkerEvent) -> Void] = []
        var pumping = true
    }

    private let state: Mutex<State>
    private let pumpDone = DispatchSemaphore(value: 0)
    public let spreadsSpaces: Bool

    /// - Parameters:
    ///   - workerCount: 0 = one per allowed CPU.
    ///   - spreadsSpaces: place each leg on the least-loaded worker (true), or every leg of a
    ///     space on its first leg's worker (false: no cross-worker traffic, less balance).
    ///   - degradesUnderLoad: see `MediaWorker.Configuration.degradesUnderLoad`.
    public init(workerCount: Int = 0, spreadsSpaces: Bool = true, degradesUnderLoad: Bool = true) throws(SystemError) {
        self.spreadsSpaces = spreadsSpaces
        let cpus = CPUAffinity.allowedCPUs()
        let count = workerCount > 0 ? workerCount : max(1, cpus.count)
        var workers: [MediaWorker] = []
        for index in 0..<count {
            let cpu = cpus.isEmpty ? nil : cpus[index % cpus.count]
            workers.append(try MediaWorker(.init(index: index, cpu: cpu, degradesUnderLoad: degradesUnderLoad)))
        }
        self.workers = workers
        for worker in workers {
            worker.outbound = [WorkerLink?](repeating: nil, count: count)
            worker.inbound = [WorkerLink?](repeating: nil, count: count)
        }
        for from in 0..<count {
            for to in 0..<count where from != to {
                let link = WorkerLink(from: from, to: to)
                workers[from].outbound[to] = link
                workers[to].inbound[from] = link
            }
        }
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
            if !spreadsSpaces, let space, let index = s.spaceWorker[space] { return index }
            return s.legCount.indices.min { s.legCount[$0] < s.legCount[$1] } ?? 0
        }
        return workers[index]
    }

    /// Hands a leg built with `workerFor(space:)` to its worker.
    @discardableResult
    public func attach(_ leg: MediaLeg, on worker: MediaWorker) -> Bool {
        let index = worker.configuration.index
        let space = leg.configuration.spaceID
        // Under the lock: every command push comes from here, so each worker's command ring
        // keeps its single producer, and membership commands arrive in the order decided.
        return state.withLock { s in
            // A full command ring refuses the leg before any bookkeeping records it.
            guard worker.send(.attach(leg)) else { return false }
            s.legCount[index] += 1
            s.legPlacement[leg.id] = (index, space)
            guard let space else { return true }
            if s.spaceWorker[space] == nil { s.spaceWorker[space] = index }
            let others = s.spaceMembers[space] ?? []
            let joined = RemoteMember(legID: leg.id, displayName: leg.configuration.displayName, worker: index)
            var told: [Int] = []
            for other in others where other.worker != index {
                _ = worker.send(.memberJoined(spaceID: space, other))
                if !told.contains(other.worker) {
                    told.append(other.worker)
                    _ = workers[other.worker].send(.memberJoined(spaceID: space, joined))
                }
            }
            s.spaceMembers[space, default: []].append(joined)
            return true
        }
    }

    /// Stops a leg; its final statistics arrive as a `.detached` event.
    public func detach(legID: Int) {
        state.withLock { s in
            guard let p = s.legPlacement.removeValue(forKey: legID) else { return }
            s.legCount[p.worker] -= 1
            workers[p.worker].send(.detach(legID: legID))
            guard let space = p.space else { return }
            s.spaceMembers[space]?.removeAll { $0.legID == legID }
            let remaining = s.spaceMembers[space] ?? []
            if remaining.isEmpty {
                s.spaceMembers[space] = nil
                s.spaceWorker[space] = nil
                return
            }
            var told: [Int] = []
            for other in remaining where other.worker != p.worker && !told.contains(other.worker) {
                told.append(other.worker)
                workers[other.worker].send(.memberLeft(spaceID: space, legID: legID))
            }
        }
    }

    /// Sends `command` to the worker that owns `legID`; false when the leg is unknown.
    @discardableResult
    public func send(_ command: WorkerCommand, toLeg legID: Int) -> Bool {
        state.withLock { s in
            guard let index = s.legPlacement[legID]?.worker else { return false }
            return workers[index].send(command)
        }
    }

    public func requestStatistics() {
        state.withLock { _ in for worker in workers { worker.send(.reportStatistics) } }
    }

    public var activeLegs: Int { state.withLock { $0.legCount.reduce(0, +) } }

    /// Mean busy fraction of the workers over their last second (0…1; CMS
    /// `mediaProcessingLoad` is derived from it).
    public var load: Double { workers.map(\.load).reduce(0, +) / Double(max(1, workers.count)) }

    /// Stops every worker (releasing their legs) and the pump.
    public func shutdown() {
        state.withLock { _ in for worker in workers { worker.send(.stop) } }
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
