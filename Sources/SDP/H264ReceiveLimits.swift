/// What an H.264 receiver says it can decode (RFC 6184 §8.1): the level of its
/// profile-level-id, raised by `max-mbps`, `max-fs` and `max-br` where given (those may only
/// raise the level's values; smaller ones are ignored, as RFC 6184 §8.1 says they must be at
/// least the level's). From it, `bestMode` picks the largest standard picture we may send.
public struct H264ReceiveLimits: Equatable, Sendable {
    public var level: H264Level
    /// Macroblocks per second.
    public var maxMacroblocksPerSecond: Int
    /// Macroblocks per frame.
    public var maxFrameSize: Int
    /// kbit/s.
    public var maxBitrate: Int

    public init(level: H264Level, maxMacroblocksPerSecond: Int? = nil, maxFrameSize: Int? = nil, maxBitrate: Int? = nil) {
        self.level = level
        self.maxMacroblocksPerSecond = max(level.maxMacroblocksPerSecond, maxMacroblocksPerSecond ?? 0)
        self.maxFrameSize = max(level.maxFrameSize, maxFrameSize ?? 0)
        self.maxBitrate = max(level.maxBitrate, maxBitrate ?? 0)
    }

    /// From an fmtp line (nil: no fmtp, so level 1 is implied). Nil when profile-level-id is
    /// present but unreadable or names an unknown level.
    public init?(formatParameters: SDPFormatParameters?) {
        let profileLevel: H264ProfileLevel
        if let text = formatParameters?["profile-level-id"] {
            guard let parsed = H264ProfileLevel(hex: text) else { return nil }
            profileLevel = parsed
        } else {
            profileLevel = .implied
        }
        guard let level = profileLevel.level else { return nil }
        self.init(level: level,
                  maxMacroblocksPerSecond: formatParameters?.integer("max-mbps"),
                  maxFrameSize: formatParameters?.integer("max-fs"),
                  maxBitrate: formatParameters?.integer("max-br"))
    }

    /// Whether a picture of this size may be sent at all: no more macroblocks than MaxFS, and
    /// neither side longer than sqrt(8 * MaxFS) macroblocks (H.264 A.3.1 f, g).
    public func allows(_ resolution: SDPVideoResolution) -> Bool {
        let limit = 8 * maxFrameSize
        return resolution.macroblocks <= maxFrameSize
            && resolution.widthInMacroblocks * resolution.widthInMacroblocks <= limit
            && resolution.heightInMacroblocks * resolution.heightInMacroblocks <= limit
    }

    /// Frames per second this receiver can take at `resolution` (MaxMBPS / frame size),
    /// capped at `cap`.
    public func frameRate(at resolution: SDPVideoResolution, cap: Int) -> Int {
        min(cap, maxMacroblocksPerSecond / max(1, resolution.macroblocks))
    }

    /// The largest of `candidates` (largest first) that fits and still runs at
    /// `minimumFrameRate` or more, with its frame rate capped at `frameRate`. Level 3.0 thus
    /// gives 848x480 at 25 fps rather than 640x360 at 30: sharper beats the last 5 fps. When
    /// nothing reaches the minimum, the smallest candidate that fits at whatever rate it gets
    /// (at least 1), and when nothing fits at all, the smallest candidate.
    public func bestMode(among candidates: [SDPVideoResolution] = SDPVideoResolution.standard,
                         frameRate: Int = 30, minimumFrameRate: Int = 25) -> (resolution: SDPVideoResolution, frameRate: Int) {
        let fitting = candidates.filter(allows)
        if let best = fitting.first(where: { self.frameRate(at: $0, cap: frameRate) >= minimumFrameRate }) {
            return (best, self.frameRate(at: best, cap: frameRate))
        }
        guard let smallest = (fitting.isEmpty ? candidates : fitting).min(by: { $0.macroblocks < $1.macroblocks }) else {
            return (.qcif, max(1, self.frameRate(at: .qcif, cap: frameRate)))
        }
        return (smallest, max(1, self.frameRate(at: smallest, cap: frameRate)))
    }
}
