import Codecs
import MediaCore
import Mixer

/// What makes two legs' pictures byte-identical: the same layout showing the same
/// participants in the same panes, at the same size and encoder settings. Scalars only (the
/// visible participants are folded into a hash), so building a key never allocates.
struct ViewKey: Equatable {
    var layout: LayoutName
    var sourceCount: Int
    /// FNV-1a over the visible legs' ids in pane order (plus the count, so a shorter list
    /// with the same prefix differs).
    var sourcesHash: UInt64
    var labels: Bool
    var width: Int
    var height: Int
    var bitrate: Int
    var preset: H264EncoderConfiguration.Preset
    var maximumSliceBytes: Int
    var framesPerSecond: Int
    /// A black picture (the leg's video is muted on send).
    var blank: Bool
}

/// One composed and encoded picture stream inside a room, shared by every leg whose view has
/// the same `ViewKey` (e.g. everyone but the speaker in `speakerOnly`): composed once, encoded
/// once per frame slot, then packetized per leg (own SSRC, sequence, timestamp, SRTP).
/// Worker-thread only.
final class SharedView {
    let key: ViewKey
    private let encoder: H264Encoder
    let canvas: Canvas
    private let compositor = Compositor()
    private var panes: [Pane]
    /// The last encoded access unit (owned copy: the encoder only lends its bytes).
    private var storage: UnsafeMutableRawBufferPointer
    private(set) var length = 0
    private(set) var isKeyframe = false
    /// The slot time of the last render; legs send only a picture rendered in their slot.
    private(set) var renderedAt: Int64 = .min / 2
    var lastUsedAt: Int64 = 0
    /// The first leg that chose this view in the current slot (the room renders through it).
    var renderFor: MediaLeg?
    private var keyframePending = true
    private var lastForcedKeyframeAt: Int64 = .min / 2
    /// Encodes done (tests and benchmarks compare them with frames sent).
    private(set) var encodes = 0

    init(key: ViewKey, configuration: H264EncoderConfiguration) throws {
        self.key = key
        encoder = try H264Encoder(configuration)
        canvas = try Canvas(width: configuration.width, height: configuration.height)
        canvas.fill(.black)
        panes = key.sourceCount > 0 ? Layout.panes(for: key.layout, sourceCount: key.sourceCount) : []
        storage = .allocate(byteCount: 256 * 1024, alignment: 16)
    }

    deinit { storage.deallocate() }

    var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: storage[0..<length]) }

    /// An IDR at the next encode, at most one per 500 ms (PLI storms, legs joining the view).
    func requestKeyframe(urgent: Bool = false) {
        keyframePending = true
        if urgent { lastForcedKeyframeAt = .min / 2 }
    }

    /// Composes the view as `leg` sees it (identical for every leg with this key) and encodes it.
    func render(room: Room, for leg: MediaLeg, now: Int64) {
        if key.blank {
            // The canvas was painted black at creation and nothing draws on it.
        } else if key.sourceCount == 0 {
            compositor.drawSlate(canvas)
        } else {
            try? compositor.compose(canvas, panes: panes, labels: key.labels, tiles: room.tiles) { index in
                guard let other = room.source(index, for: leg) else { return nil }
                return PaneContent(picture: other.picture, label: other.displayName, sourceID: other.id, serial: other.pictureSerial)
            }
        }
        if keyframePending && now - lastForcedKeyframeAt >= 500_000_000 {
            encoder.forceKeyframe()
            lastForcedKeyframeAt = now
            keyframePending = false
        }
        length = 0
        isKeyframe = false
        renderedAt = now
        _ = try? encoder.encode(canvas.frame) { unit in
            if unit.bytes.count > storage.count {
                // A rare, very large picture: grow once (not per frame in steady state).
                storage.deallocate()
                storage = .allocate(byteCount: unit.bytes.count * 2, alignment: 16)
            }
            storage.copyMemory(from: unit.bytes)
            length = unit.bytes.count
            isKeyframe = unit.isKeyframe
        }
        encodes += 1
    }
}

extension Room {
    /// The view `leg` should be sent now, made on first use. Views nobody used for a second
    /// are dropped in `collectViews`.
    func view(for leg: MediaLeg, layout: LayoutName, labels: Bool, configuration: H264EncoderConfiguration,
              blank: Bool = false, now: Int64) -> SharedView? {
        let count = blank ? 0 : sourceCount(for: leg)
        let paneCount = count == 0 ? 0 : self.paneCount(layout, sourceCount: count)
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var shown = 0
        while shown < paneCount, let other = source(shown, for: leg) {
            hash = (hash ^ UInt64(truncatingIfNeeded: other.id)) &* 0x100_0000_01b3
            shown += 1
        }
        hash = (hash ^ UInt64(shown)) &* 0x100_0000_01b3
        let key = ViewKey(layout: layout, sourceCount: count == 0 ? 0 : count, sourcesHash: hash, labels: labels,
                          width: configuration.width, height: configuration.height, bitrate: configuration.bitrate,
                          preset: configuration.preset, maximumSliceBytes: configuration.maximumSliceBytes ?? 0,
                          framesPerSecond: configuration.framesPerSecond, blank: blank)
        if let existing = views.first(where: { $0.key == key }) {
            existing.lastUsedAt = now
            return existing
        }
        guard let made = try? SharedView(key: key, configuration: configuration) else { return nil }
        made.lastUsedAt = now
        views.append(made)
        return made
    }

    /// Panes `layout` has for `sourceCount` participants, remembered (computing them allocates).
    func paneCount(_ layout: LayoutName, sourceCount: Int) -> Int {
        if let known = paneCounts.first(where: { $0.layout == layout && $0.sources == sourceCount }) { return known.panes }
        let panes = Layout.panes(for: layout, sourceCount: sourceCount).count
        paneCounts.append((layout, sourceCount, panes))
        return panes
    }

    /// One video frame slot (30 fps, or 15 under degradation): every conference leg chooses
    /// its view, every chosen view is composed and encoded once, then every leg sends its
    /// view's picture. Lockstep matters: a shared stream's receivers must get every frame, or
    /// their decoders would miss references.
    func videoTick(now: Int64) {
        guard let first = legs.first(where: { $0.video?.isConference == true })?.video else { return }
        let interval = 33_333_333 * first.frameDivisor
        if nextVideoAt == 0 { nextVideoAt = now }
        guard now >= nextVideoAt else { return }
        nextVideoAt += interval
        if now - nextVideoAt > 4 * interval { nextVideoAt = now + interval }   // stalled: skip, do not burst
        for view in views { view.renderFor = nil }
        tiles.nextRound()
        for leg in legs {
            guard let video = leg.video, video.isConference, let view = video.chooseView(room: self, leg: leg, now: now) else { continue }
            if view.renderFor == nil { view.renderFor = leg }
        }
        for view in views {
            guard let leg = view.renderFor else { continue }
            view.render(room: self, for: leg, now: now)
            view.renderFor = nil
        }
        for leg in legs where leg.video?.isConference == true { leg.video?.sendView(now: now) }
    }

    /// Drops views no leg has used for a second (their encoders and canvases go with them).
    func collectViews(now: Int64) {
        for view in views where now - view.lastUsedAt > 1_000_000_000 { retiredEncodes += view.encodes }
        views.removeAll { now - $0.lastUsedAt > 1_000_000_000 }
    }
}
