import Codecs
import MediaCore
import Mixer

/// One space's media on one worker: the legs in it, their mix-minus audio every 20 ms, the
/// active speaker, and composition of each leg's picture from the others' latest decoded
/// pictures. Everything here runs on the worker thread; pictures are shared by reference
/// (`VideoFrame.reference`), never copied.
final class Room {
    let id: Int
    private(set) var legs: [MediaLeg] = []
    private let mixer = AudioMixer(samplesPerFrame: 960, maximumSpeakers: 4)
    private var nextAudioAt: Int64 = 0
    private var lastCollection: Int64 = 0
    var nextVideoAt: Int64 = 0
    let speakerDetector = ActiveSpeakerDetector()
    /// Composed and encoded pictures, shared by legs that see the same thing (`SharedView`).
    var views: [SharedView] = []
    var paneCounts: [(layout: LayoutName, sources: Int, panes: Int)] = []
    /// Pictures encoded by this room's views since it began (a leg sending a frame is not an
    /// encode: legs on one view share it).
    var totalEncodes: Int { retiredEncodes + views.reduce(0) { $0 + $1.encodes } }
    var retiredEncodes = 0

    init(id: Int) {
        self.id = id
        legs.reserveCapacity(32)
    }

    func add(_ leg: MediaLeg) {
        legs.append(leg)
    }

    func remove(_ leg: MediaLeg) {
        legs.removeAll { $0 === leg }
        speakerDetector.forget(leg.id)
    }

    var isEmpty: Bool { legs.isEmpty }

    func tick(now: Int64) {
        if now - lastCollection > 1_000_000_000 {
            collectViews(now: now)
            lastCollection = now
        }
        videoTick(now: now)
        if nextAudioAt == 0 { nextAudioAt = now }
        guard now >= nextAudioAt else { return }
        nextAudioAt += 20_000_000
        if now - nextAudioAt > 100_000_000 { nextAudioAt = now + 20_000_000 }
        for leg in legs { leg.audio?.play(now: now) }
        let legs = self.legs
        mixer.mix(count: legs.count, energies: { legs[$0].audio?.mixEnergy ?? -1 }, input: { index in
            guard let audio = legs[index].audio, audio.mixEnergy >= 0 else { return nil }
            return UnsafeBufferPointer(audio.mixInput)
        })
        // A speaker change shows up as other views (`SharedView`), each starting at an IDR.
        _ = speakerDetector.update(count: legs.count, id: { legs[$0].id }, energy: { legs[$0].audio?.mixEnergy ?? -1 }, now: now)
        for (index, leg) in legs.enumerated() {
            guard let audio = leg.audio, audio.configuration.source == .conference else { continue }
            audio.sendMix(mixer, index: index, now: now)
        }
    }

    /// Number of other legs `leg` sees.
    func sourceCount(for leg: MediaLeg) -> Int { legs.count - (legs.contains { $0 === leg } ? 1 : 0) }

    /// The `source`-th participant `leg` sees: the active speaker first (when it is not `leg`),
    /// then everyone else in join order.
    func source(_ source: Int, for leg: MediaLeg) -> MediaLeg? {
        var remaining = source
        let speaker = speakerDetector.current.flatMap { id in legs.first { $0.id == id && $0 !== leg } }
        if let speaker {
            if remaining == 0 { return speaker }
            remaining -= 1
        }
        for other in legs where other !== leg && other !== speaker {
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
