/// Frames of one size for one thread. `acquire` returns a frame whose pixels nobody else
/// references any more, so after warm-up a worker composes into recycled frames without
/// allocating. Frames still referenced by a reader (another worker, an encoder) are skipped.
public final class VideoFramePool {
    public let width: Int
    public let height: Int
    public let limit: Int
    private var frames: [VideoFrame] = []
    private var cursor = 0

    public init(width: Int, height: Int, limit: Int = 8) {
        self.width = width
        self.height = height
        self.limit = limit
        frames.reserveCapacity(limit)
    }

    public var allocatedCount: Int { frames.count }

    /// A frame safe to write, or `nil` when all `limit` frames are still referenced elsewhere.
    public func acquire() throws(CodecError) -> VideoFrame? {
        for step in 0..<frames.count {
            let index = (cursor + step) % frames.count
            if frames[index].isWritable {
                cursor = (index + 1) % frames.count
                return frames[index]
            }
        }
        guard frames.count < limit else { return nil }
        let frame = try VideoFrame(width: width, height: height)
        frames.append(frame)
        return frame
    }
}
