import Codecs
import MediaCore
import Mixer

/// One participant of a space as a worker's room sees it: a leg on this worker, or a leg on
/// another worker whose pictures and audio arrive through a `WorkerLink`.
final class RoomMember {
    let id: Int
    let displayName: String
    /// The worker that owns the leg.
    let homeWorker: Int
    /// Set when the leg is on this worker.
    let leg: MediaLeg?
    /// Remote members: the latest picture lent by the home worker.
    var remotePicture: SharedPicture?
    /// Remote members: 20 ms frames waiting to be mixed, and the one mixed this period.
    var audioQueue: [SharedAudioFrame] = []
    var currentAudio: SharedAudioFrame?
    /// Remote audio plays only once two frames are queued (after start or an underrun), so
    /// the two workers' free-running 20 ms schedules never starve the mix every other frame.
    var audioPrimed = false
    /// Local members: the decoded picture last lent to the other workers.
    var publishedPictureSerial = 0
    /// Remote members: counts pictures received (the scaled-tile key).
    var remoteSerial = 0

    init(leg: MediaLeg, worker: Int) {
        id = leg.id
        displayName = leg.configuration.displayName
        homeWorker = worker
        self.leg = leg
    }

    init(remote: RemoteMember) {
        id = remote.legID
        displayName = remote.displayName
        homeWorker = remote.worker
        leg = nil
        audioQueue.reserveCapacity(8)
    }

    var picture: VideoFrame? {
        if let leg { return leg.video.flatMap { $0.hasPicture ? $0.latestPicture : nil } }
        return remotePicture?.frame
    }

    /// Changes with every new picture (keys the room's shared scaled tiles).
    var pictureSerial: Int { leg?.video?.pictureSerial ?? remoteSerial }

    var energy: Int64 {
        if let leg { return leg.audio?.mixEnergy ?? -1 }
        return currentAudio?.energy ?? -1
    }

    var mixInput: UnsafeBufferPointer<Int16>? {
        if let leg {
            guard let audio = leg.audio, audio.mixEnergy >= 0 else { return nil }
            return UnsafeBufferPointer(audio.mixInput)
        }
        guard let frame = currentAudio, frame.energy >= 0 else { return nil }
        return UnsafeBufferPointer(frame.samples)
    }
}

/// One space's media on one worker: the legs in it, the space's participants on other
/// workers, their mix-minus audio every 20 ms, the active speaker, and composition of each
/// leg's picture from the others' latest decoded pictures. Everything here runs on the worker
/// thread; pictures are shared by reference (`VideoFrame.reference`), never copied — across
/// workers too (`SharedPicture` through the worker's links).
final class Room {
    let id: Int
    unowned let worker: MediaWorker
    private(set) var legs: [MediaLeg] = []
    /// Every participant, local and remote, in join order (leg ids grow with joins).
    private(set) var members: [RoomMember] = []
    /// Workers holding other participants of this space: they get our legs' media.
    private(set) var peerWorkers: [Int] = []
    private let mixer = AudioMixer(samplesPerFrame: 960, maximumSpeakers: 4)
    private var nextAudioAt: Int64 = 0
    private var lastCollection: Int64 = 0
    var nextVideoAt: Int64 = 0
    let speakerDetector = ActiveSpeakerDetector()
    /// Composed and encoded pictures, shared by legs that see the same thing (`SharedView`).
    var views: [SharedView] = []
    var paneCounts: [(layout: LayoutName, sources: Int, panes: Int)] = []
    /// Sources already scaled to a pane size this slot, shared by every view of the room.
    let tiles = ScaledTileCache()
    /// Pictures encoded by this room's views since it began (a leg sending a frame is not an
    /// encode: legs on one view share it).
    var totalEncodes: Int { retiredEncodes + views.reduce(0) { $0 + $1.encodes } }
    var retiredEncodes = 0

    init(id: Int, worker: MediaWorker) {
        self.id = id
        self.worker = worker
        legs.reserveCapacity(32)
        members.reserveCapacity(64)
    }

    func add(_ leg: MediaLeg) {
        legs.append(leg)
        insert(RoomMember(leg: leg, worker: worker.configuration.index))
    }

    func remove(_ leg: MediaLeg) {
        legs.removeAll { $0 === leg }
        members.removeAll { $0.id == leg.id }
        speakerDetector.forget(leg.id)
    }

    func addRemote(_ remote: RemoteMember) {
        guard !members.contains(where: { $0.id == remote.legID }) else { return }
        insert(RoomMember(remote: remote))
        updatePeers()
    }

    func removeRemote(legID: Int) {
        guard let index = members.firstIndex(where: { $0.id == legID }), members[index].leg == nil else { return }
        release(members.remove(at: index))
        speakerDetector.forget(legID)
        updatePeers()
    }

    /// Gives every remote object back to its home worker (the room is closing).
    func releaseRemotes() {
        for member in members where member.leg == nil { release(member) }
        members.removeAll { $0.leg == nil }
        peerWorkers.removeAll()
    }

    private func insert(_ member: RoomMember) {
        let index = members.firstIndex { $0.id > member.id } ?? members.endIndex
        members.insert(member, at: index)
    }

    private func updatePeers() {
        peerWorkers.removeAll()
        for member in members where member.leg == nil && !peerWorkers.contains(member.homeWorker) {
            peerWorkers.append(member.homeWorker)
        }
    }

    private func release(_ member: RoomMember) {
        if let picture = member.remotePicture { worker.giveBack(.picture(spaceID: id, legID: member.id, picture), to: member.homeWorker) }
        member.remotePicture = nil
        if let frame = member.currentAudio { worker.giveBack(.audio(spaceID: id, legID: member.id, frame), to: member.homeWorker) }
        member.currentAudio = nil
        for frame in member.audioQueue { worker.giveBack(.audio(spaceID: id, legID: member.id, frame), to: member.homeWorker) }
        member.audioQueue.removeAll(keepingCapacity: true)
    }

    /// A picture or audio frame from another worker. False when nobody here wants it (the
    /// member left, or the command announcing it has not arrived yet): the caller gives it back.
    func receive(_ message: CrossWorkerMessage) -> Bool {
        switch message {
        case .picture(_, let legID, let picture):
            guard let member = members.first(where: { $0.id == legID && $0.leg == nil }) else { return false }
            if let old = member.remotePicture { worker.giveBack(.picture(spaceID: id, legID: legID, old), to: member.homeWorker) }
            member.remotePicture = picture
            member.remoteSerial &+= 1
            return true
        case .audio(_, let legID, let frame):
            guard let member = members.first(where: { $0.id == legID && $0.leg == nil }) else { return false }
            if member.audioQueue.count >= 4 {
                // The home worker ran ahead (this one stalled): drop the oldest, keep latency bounded.
                worker.giveBack(.audio(spaceID: id, legID: legID, member.audioQueue.removeFirst()), to: member.homeWorker)
            }
            member.audioQueue.append(frame)
            return true
        }
    }

    var isEmpty: Bool { legs.isEmpty }

    func tick(now: Int64) {
        if now - lastCollection > 1_000_000_000 {
            collectViews(now: now)
            lastCollection = now
        }
        if !peerWorkers.isEmpty { publishPictures() }
        // Audio before video: an overloaded worker's encodes must delay pictures, not sound.
        // When a tick comes late (a long encode), the 20 ms frames it owes are made now, up
        // to three, so listeners hear no gap while video sheds frames.
        if nextAudioAt == 0 { nextAudioAt = now }
        var owed = 0
        while now >= nextAudioAt && owed < 3 {
            mixAudio(now: now)
            nextAudioAt += 20_000_000
            owed += 1
        }
        if now - nextAudioAt > 100_000_000 { nextAudioAt = now + 20_000_000 }
        videoTick(now: now)
    }

    /// One 20 ms frame for every local leg: play, exchange with peer workers, mix, send.
    private func mixAudio(now: Int64) {
        for leg in legs { leg.audio?.play(now: now) }
        if !peerWorkers.isEmpty {
            advanceRemoteAudio()
            publishAudio()
        }
        let members = self.members
        mixer.mix(count: members.count, energies: { members[$0].energy }, input: { members[$0].mixInput })
        // A speaker change shows up as other views (`SharedView`), each starting at an IDR.
        _ = speakerDetector.update(count: members.count, id: { members[$0].id }, energy: { members[$0].energy }, now: now)
        for (index, member) in members.enumerated() {
            guard let audio = member.leg?.audio, audio.configuration.source == .conference else { continue }
            audio.sendMix(mixer, index: index, now: now)
        }
    }

    /// Lends each local leg's newly decoded picture to every peer worker.
    private func publishPictures() {
        for member in members {
            guard let video = member.leg?.video, video.hasPicture, video.pictureSerial != member.publishedPictureSerial else { continue }
            member.publishedPictureSerial = video.pictureSerial
            for peer in peerWorkers {
                let shared = worker.picturePool.acquire()
                guard (try? shared.frame.reference(video.latestPicture)) != nil else {
                    worker.picturePool.release(shared)
                    continue
                }
                worker.publish(.picture(spaceID: id, legID: member.id, shared), to: peer)
            }
        }
    }

    /// Copies each local leg's last 20 ms (48 kHz mono) for every peer worker.
    private func publishAudio() {
        for member in members {
            guard let audio = member.leg?.audio else { continue }
            for peer in peerWorkers {
                let frame = worker.audioPool.acquire()
                frame.energy = audio.mixEnergy
                if frame.energy >= 0 { _ = frame.samples.update(fromContentsOf: audio.mixInput) }
                worker.publish(.audio(spaceID: id, legID: member.id, frame), to: peer)
            }
        }
    }

    /// Each remote member: the frame mixed last period goes home, the next queued one plays.
    private func advanceRemoteAudio() {
        for member in members where member.leg == nil {
            if let done = member.currentAudio {
                worker.giveBack(.audio(spaceID: id, legID: member.id, done), to: member.homeWorker)
                member.currentAudio = nil
            }
            if !member.audioPrimed && member.audioQueue.count >= 2 { member.audioPrimed = true }
            guard member.audioPrimed else { continue }
            if member.audioQueue.isEmpty {
                member.audioPrimed = false
                worker.remoteAudioUnderruns += 1
            } else {
                member.currentAudio = member.audioQueue.removeFirst()
            }
        }
    }

    /// Number of other participants `leg` sees.
    func sourceCount(for leg: MediaLeg) -> Int { members.count - (members.contains { $0.id == leg.id } ? 1 : 0) }

    /// The `source`-th participant `leg` sees: the active speaker first (when it is not `leg`),
    /// then everyone else in join order.
    func source(_ source: Int, for leg: MediaLeg) -> RoomMember? {
        var remaining = source
        let speaker = speakerDetector.current.flatMap { id in members.first { $0.id == id && $0.id != leg.id } }
        if let speaker {
            if remaining == 0 { return speaker }
            remaining -= 1
        }
        for other in members where other.id != leg.id && other !== speaker {
            if remaining == 0 { return other }
            remaining -= 1
        }
        return nil
    }
}

/// Who is speaking, with hysteresis so the speaker pane does not flap: a new speaker must be
/// the loudest for at least 500 ms, and switches are at least 1.5 s apart.
final class ActiveSpeakerDetector {
    private(set) var current: Int?
    private var candidate: Int?
    private var candidateSince: Int64 = 0
    private var lastSwitch: Int64 = .min / 2
    /// Below this mean-square energy (about -50 dBFS) nobody is speaking.
    static let speechThreshold: Int64 = 100

    func forget(_ id: Int) {
        if current == id { current = nil }
        if candidate == id { candidate = nil }
    }

    /// Returns true when the active speaker changed.
    func update(count: Int, id: (Int) -> Int, energy: (Int) -> Int64, now: Int64) -> Bool {
        var loudest: Int?
        var loudestEnergy = Self.speechThreshold
        for i in 0..<count {
            let e = energy(i)
            if e > loudestEnergy { loudestEnergy = e; loudest = id(i) }
        }
        guard let loudest, loudest != current else {
            candidate = nil
            return false
        }
        if candidate != loudest {
            candidate = loudest
            candidateSince = now
            return false
        }
        let firstSpeaker = current == nil
        guard firstSpeaker || (now - candidateSince >= 500_000_000 && now - lastSwitch >= 1_500_000_000) else { return false }
        current = loudest
        lastSwitch = now
        candidate = nil
        return true
    }
}
