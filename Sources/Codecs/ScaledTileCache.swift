/// Pictures already scaled to a pane size, so a source shown at the same size in several
/// views (every allEqual view shows most participants at one tile size) is scaled once per
/// new picture and then only copied. Keyed by (source, size); an entry is re-scaled when its
/// source's picture serial changes. One per room, worker-thread only.
public final class ScaledTileCache {
    struct Entry {
        let source: Int
        let width: Int
        let height: Int
        let frame: VideoFrame
        var serial: Int
        var lastUsed: Int
    }

    private var entries: [Entry] = []
    private var generation = 0
    /// Scales done and scales saved (a copy instead), for benchmarks and tests.
    public private(set) var scales = 0
    public private(set) var reuses = 0

    public init() { entries.reserveCapacity(64) }

    public var count: Int { entries.count }

    /// Call once per composition round (a frame slot); entries unused for `keep` rounds are
    /// dropped with their frames.
    public func nextRound(keep: Int = 60) {
        generation += 1
        if generation % keep == 0 { entries.removeAll { generation - $0.lastUsed > keep } }
    }

    /// The tile for `source` at `width`×`height`, made on first use; `isCurrent` tells
    /// whether it already holds picture `serial`.
    func tile(source: Int, width: Int, height: Int, serial: Int) throws(CodecError) -> (frame: VideoFrame, isCurrent: Bool) {
        if let index = entries.firstIndex(where: { $0.source == source && $0.width == width && $0.height == height }) {
            entries[index].lastUsed = generation
            let current = entries[index].serial == serial
            if current { reuses += 1 } else { scales += 1; entries[index].serial = serial }
            return (entries[index].frame, current)
        }
        let frame = try VideoFrame(width: width, height: height)
        entries.append(Entry(source: source, width: width, height: height, frame: frame, serial: serial, lastUsed: generation))
        scales += 1
        return (frame, false)
    }
}
