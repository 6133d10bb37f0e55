import CSystemShims
import Glibc
import MediaCore
import Synchronization

/// One pinned media thread: it owns an epoll loop, the sockets and codecs of the legs placed
/// on it, a packet buffer pool and a 5 ms tick. The control plane talks to it only through
/// `commands` (woken by an eventfd when the ring turns non-empty) and reads `events` back.
/// No locks are shared between workers; nothing here awaits or hops threads per packet.
public final class MediaWorker: @unchecked Sendable {
    public struct Configuration: Sendable {
        public var index: Int
        /// CPU to pin to; nil leaves the thread unpinned (tests on busy machines).
        public var cpu: Int?
        public var tickNanoseconds: Int64 = 5_000_000
        public var packetBuffers: Int = 8192
        public var packetBufferSize: Int = 1600   // MTU + SRTP trailer, rounded to 64
        /// Lower frame rate, size and preset when overloaded (CMS behaviour). Off keeps the
        /// negotiated quality whatever the load: for measurements at a fixed quality, and for
        /// tests whose frame-rate checks must not depend on what else the machine runs.
        public var degradesUnderLoad = true
        public init(index: Int, cpu: Int?, degradesUnderLoad: Bool = true) {
            self.index = index
            self.cpu = cpu
            self.degradesUnderLoad = degradesUnderLoad
        }
    }

    public let configuration: Configuration
    public let commands = SPSCRing<WorkerCommand>(minimumCapacity: 256)
    public let events = SPSCRing<WorkerEvent>(minimumCapacity: 1024)
    private let wakeup: WakeupEvent
    /// Signalled when an event is queued, for a control plane that wants to wait on it.
    public let eventSignal: WakeupEvent

    // Owned by the worker thread once started.
    let pool: PacketBufferPool
    let receiveBatch = ReceiveBatch(capacity: 32)
    private let epoll: Int32
    private let timer: PeriodicTimer
    private var legs: [MediaLeg?] = []
    private var rooms: [Room] = []
    private var thread: pthread_t?
    private var running = false
    public private(set) var pinnedCPU: Int?
    public private(set) var ticks = 0
    public private(set) var lateTicks = 0
    /// Busy fraction of the last 1 s window in basis points (10000 = always busy), published
    /// for the control plane (CMS `mediaProcessingLoad` derives from it).
    private let loadBasisPoints = Atomic<Int>(0)
    public var load: Double { Double(loadBasisPoints.load(ordering: .relaxed)) / 10_000 }
    private let degradationLevel = Atomic<Int>(0)
    /// Current degradation level (0 = as negotiated; see `VideoPipeline.setDegradation`).
    public var degradation: Int { degradationLevel.load(ordering: .relaxed) }
    /// The last degradation step (the worker sheds nothing more; an alarm condition).
    public static var maximumDegradationLevel: Int { LoadGovernor.maximumLevel }
    private var governor = LoadGovernor()
    /// Links to and from the other workers, by worker index (nil for this worker). Set by the
    /// engine before `start`; a lone worker has none.
    var outbound: [WorkerLink?] = []
    var inbound: [WorkerLink?] = []
    /// Objects lent to other workers, recycled when they come back.
    let picturePool = ObjectPool<SharedPicture>(limit: 4096) { SharedPicture() }
    let audioPool = ObjectPool<SharedAudioFrame>(limit: 4096) { SharedAudioFrame() }
    /// Pictures or audio a peer could not take (its ring full): dropped here, counted.
    public private(set) var crossWorkerDrops = 0
    /// 20 ms periods in which a remote participant's audio had not arrived in time (silence
    /// mixed, then re-primed): the cost of two free-running worker schedules.
    public internal(set) var remoteAudioUnderruns = 0
    private var busyNanoseconds: Int64 = 0
    private var windowStartedAt: Int64 = 0

    private static let wakeToken: UInt64 = .max
    private static let timerToken: UInt64 = .max - 1

    public init(_ configuration: Configuration) throws(SystemError) {
        self.configuration = configuration
        wakeup = try WakeupEvent()
        eventSignal = try WakeupEvent()
        timer = try PeriodicTimer()
        epoll = try SystemError.check(cb_sys_epoll_create(), "epoll_create1")
        pool = PacketBufferPool(bufferSize: configuration.packetBufferSize, bufferCount: configuration.packetBuffers)
        _ = try SystemError.check(cb_sys_epoll_add(epoll, wakeup.fileDescriptor, Self.wakeToken), "epoll_ctl(eventfd)")
        _ = try SystemError.check(cb_sys_epoll_add(epoll, timer.fileDescriptor, Self.timerToken), "epoll_ctl(timerfd)")
    }

    deinit { close(epoll) }

    /// Queues a command; false when the ring is full (the caller retries or reports overload).
    @discardableResult
    public func send(_ command: WorkerCommand) -> Bool {
        switch commands.push(command) {
        case .accepted(let wasEmpty):
            if wasEmpty { wakeup.signal() }
            return true
        case .full:
            return false
        }
    }

    /// Starts the worker thread.
    public func start() {
        precondition(thread == nil, "worker already started")
        let context = Unmanaged.passRetained(self).toOpaque()
        var handle = pthread_t()
        let rc = pthread_create(&handle, nil, { raw in
            let worker = Unmanaged<MediaWorker>.fromOpaque(raw!).takeRetainedValue()
            worker.run()
            return nil
        }, context)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        thread = handle
    }

    /// Waits for the worker thread to finish (after `.stop`).
    public func join() {
        guard let thread else { return }
        pthread_join(thread, nil)
        self.thread = nil
    }

    private func emit(_ event: WorkerEvent) {
        // The control plane drains events continuously; a full ring means it is stuck, and
        // dropping a statistics event is better than blocking media.
        if case .accepted = events.push(event) { eventSignal.signal() }
    }

    private func run() {
        if let cpu = configuration.cpu {
            do {
                try CPUAffinity.pinCurrentThread(to: cpu)
                pinnedCPU = cpu
            } catch {
                pinnedCPU = nil
            }
        }
        CPUAffinity.setCurrentThreadName("cb-media-\(configuration.index)")
        try? timer.start(intervalNanoseconds: configuration.tickNanoseconds)
        running = true
        var tokens = [UInt64](repeating: 0, count: 64)
        windowStartedAt = MediaClock.nowNanoseconds()
        while running {
            let n = tokens.withUnsafeMutableBufferPointer { cb_sys_epoll_wait(epoll, $0.baseAddress, 64, 100) }
            if n < 0 { continue }
            let now = MediaClock.nowNanoseconds()
            defer { accountBusy(since: now) }
            for i in 0..<Int(n) {
                let token = tokens[i]
                switch token {
                case Self.wakeToken:
                    wakeup.drain()
                    drainCommands()
                case Self.timerToken:
                    let expirations = timer.drainExpirations()
                    if expirations > 1 { lateTicks += Int(expirations - 1) }
                    ticks += 1
                    drainLinks()
                    for leg in legs { leg?.tick(now: now, worker: self) }
                    for room in rooms { room.tick(now: now) }
                default:
                    let slot = Int(token >> 8), socket = Int(token & 0xFF)
                    if slot < legs.count, let leg = legs[slot] { leg.handleReadable(socketIndex: socket, now: now, worker: self) }
                }
            }
        }
        for slot in legs.indices { if let leg = legs[slot] { release(slot: slot, leg: leg) } }
        emit(.stopped(workerIndex: configuration.index))
    }

    /// Adds the time since `start` to this window's busy time; once a second, publishes the
    /// load and lets the governor move the degradation level (applied to every leg here).
    private func accountBusy(since start: Int64) {
        let end = MediaClock.nowNanoseconds()
        busyNanoseconds += end - start
        let window = end - windowStartedAt
        guard window >= 1_000_000_000 else { return }
        let fraction = Double(busyNanoseconds) / Double(window)
        loadBasisPoints.store(Int(fraction * 10_000), ordering: .relaxed)
        busyNanoseconds = 0
        windowStartedAt = end
        guard configuration.degradesUnderLoad else { return }
        let before = governor.level
        governor.observe(load: fraction)
        guard governor.level != before else { return }
        degradationLevel.store(governor.level, ordering: .relaxed)
        for leg in legs { leg?.setDegradation(governor.level) }
        emit(.degradationChanged(workerIndex: configuration.index, level: governor.level, load: fraction))
    }

    private func drainCommands() {
        while let command = commands.pop() {
            switch command {
            case .attach(let leg):
                attach(leg)
            case .detach(let id):
                if let slot = legs.firstIndex(where: { $0?.id == id }), let leg = legs[slot] {
                    let stats = release(slot: slot, leg: leg)
                    emit(.detached(legID: id, statistics: stats))
                }
            case .update(let id, let update):
                guard let leg = legs.first(where: { $0?.id == id }) ?? nil else { break }
                do { try leg.apply(update) } catch {
                    emit(.updateFailed(legID: id, reason: "\(error)"))
                }
            case .requestKeyframe(let id):
                (legs.first(where: { $0?.id == id }) ?? nil)?.requestKeyframe()
            case .setLayout(let id, let layout):
                (legs.first(where: { $0?.id == id }) ?? nil)?.setLayout(layout)
            case .setAudioMuted(let id, let muted):
                (legs.first(where: { $0?.id == id }) ?? nil)?.setAudioMuted(muted)
            case .setMutes(let id, let mutes):
                (legs.first(where: { $0?.id == id }) ?? nil)?.setMutes(mutes)
            case .setMaximumHeight(let id, let height):
                (legs.first(where: { $0?.id == id }) ?? nil)?.video?.setMaximumHeight(height)
            case .memberJoined(let spaceID, let member):
                room(spaceID)?.addRemote(member)
            case .memberLeft(let spaceID, let legID):
                room(spaceID)?.removeRemote(legID: legID)
            case .reportStatistics:
                for leg in legs { if let leg { emit(.statistics(legID: leg.id, leg.statistics)) } }
                for room in rooms { emit(.roomStatistics(spaceID: room.id, views: room.views.count, encodes: room.totalEncodes)) }
            case .stop:
                running = false
            }
        }
    }

    private func attach(_ leg: MediaLeg) {
        let slot = legs.firstIndex(where: { $0 == nil }) ?? { legs.append(nil); return legs.count - 1 }()
        for (index, socket) in leg.sockets.enumerated() {
            let rc = cb_sys_epoll_add(epoll, socket.fileDescriptor, UInt64(slot) << 8 | UInt64(index))
            if rc < 0 {
                for earlier in leg.sockets.prefix(index) { _ = cb_sys_epoll_remove(epoll, earlier.fileDescriptor) }
                emit(.attachFailed(legID: leg.id, reason: SystemError(errno: -rc, operation: "epoll_ctl").description))
                return
            }
        }
        legs[slot] = leg
        leg.setDegradation(governor.level)
        var room: Room?
        if let spaceID = leg.configuration.spaceID {
            room = self.room(spaceID) ?? { let r = Room(id: spaceID, worker: self); rooms.append(r); return r }()
            room?.add(leg)
        }
        leg.attached(worker: self, room: room)
        emit(.attached(legID: leg.id, ports: leg.sockets.map(\.localPort)))
    }

    private func room(_ spaceID: Int) -> Room? { rooms.first { $0.id == spaceID } }

    // MARK: Crossing workers

    /// Lends a picture or audio frame to worker `peer`; when its ring is full the object is
    /// recycled here at once and the loss counted (that peer is stalled).
    func publish(_ message: CrossWorkerMessage, to peer: Int) {
        guard peer < outbound.count, let link = outbound[peer], case .accepted = link.forward.push(message) else {
            crossWorkerDrops += 1
            recycle(message)
            return
        }
    }

    /// Returns an object lent by worker `home`.
    func giveBack(_ message: CrossWorkerMessage, to home: Int) {
        guard home < inbound.count, let link = inbound[home], case .accepted = link.back.push(message) else {
            // No way home (cannot happen while links are fixed): it is freed here instead.
            return
        }
    }

    private func recycle(_ message: CrossWorkerMessage) {
        switch message {
        case .picture(_, _, let picture):
            picture.frame.unreference()
            picturePool.release(picture)
        case .audio(_, _, let frame):
            audioPool.release(frame)
        }
    }

    /// Takes what other workers lent this one (into the rooms) and what they gave back.
    private func drainLinks() {
        for link in inbound {
            guard let link else { continue }
            while let message = link.forward.pop() {
                let spaceID: Int
                switch message {
                case .picture(let space, _, _), .audio(let space, _, _): spaceID = space
                }
                if room(spaceID)?.receive(message) != true { giveBack(message, to: link.from) }
            }
        }
        for link in outbound {
            guard let link else { continue }
            while let message = link.back.pop() { recycle(message) }
        }
    }

    @discardableResult
    private func release(slot: Int, leg: MediaLeg) -> MediaLegStatistics {
        for socket in leg.sockets { _ = cb_sys_epoll_remove(epoll, socket.fileDescriptor) }
        legs[slot] = nil
        if let spaceID = leg.configuration.spaceID, let index = rooms.firstIndex(where: { $0.id == spaceID }) {
            rooms[index].remove(leg)
            if rooms[index].isEmpty {
                rooms[index].releaseRemotes()
                rooms.remove(at: index)
            }
        }
        let stats = leg.statistics
        leg.detached()
        return stats
    }
}

/// Decides the degradation level from the worker's busy fraction, once a second. Steps up
/// at once when the worker is nearly saturated (its frame deadlines are slipping); steps down
/// only after three calm seconds, and only when the load would still fit after undoing that
/// step (15 → 30 fps doubles the encode work; a size step up costs about 2.25×), so levels
/// do not flap.
struct LoadGovernor {
    static let maximumLevel = 3
    static let raiseAbove = 0.85
    /// Restore level L → L-1 only below this load (index L-1).
    static let restoreBelow = [0.35, 0.3, 0.5]
    private(set) var level = 0
    private var calmWindows = 0

    mutating func observe(load: Double) {
        if load > Self.raiseAbove {
            calmWindows = 0
            if level < Self.maximumLevel { level += 1 }
            return
        }
        guard level > 0, load < Self.restoreBelow[level - 1] else {
            calmWindows = 0
            return
        }
        calmWindows += 1
        if calmWindows >= 3 {
            level -= 1
            calmWindows = 0
        }
    }
}
