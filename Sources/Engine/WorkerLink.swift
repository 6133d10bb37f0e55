import Codecs
import MediaCore

/// A decoded picture lent by the worker that decoded it to a worker composing it: a
/// reference to the decoder's pixels (no copy), read-only on the receiving side. The object
/// goes back to its home worker when the receiver is done with it, and only the home worker
/// drops the reference, so FFmpeg's buffer pools are only ever touched by the decoding thread.
final class SharedPicture: @unchecked Sendable {
    let frame = VideoFrame()
}

/// One participant's 20 ms of audio as the room mixes it (48 kHz mono) and its energy (-1 when
/// muted or silent by absence), copied once per receiving worker.
final class SharedAudioFrame: @unchecked Sendable {
    let samples = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 960)
    var energy: Int64 = -1

    init() { samples.initialize(repeating: 0) }
    deinit { samples.deallocate() }
}

/// What crosses from one worker to another for a space spread over both.
enum CrossWorkerMessage: Sendable {
    case picture(spaceID: Int, legID: Int, SharedPicture)
    case audio(spaceID: Int, legID: Int, SharedAudioFrame)
}

/// The lock-free path from worker `from` to worker `to`: `forward` carries pictures and audio
/// (written only by `from`, read only by `to`), `back` returns the same objects when `to` is
/// done with them (written only by `to`, read only by `from`). Two single-writer rings per
/// ordered pair of workers: no lock, no allocation per frame once the pools are warm.
final class WorkerLink: Sendable {
    let from: Int
    let to: Int
    let forward = SPSCRing<CrossWorkerMessage>(minimumCapacity: 1024)
    let back = SPSCRing<CrossWorkerMessage>(minimumCapacity: 1024)

    init(from: Int, to: Int) {
        self.from = from
        self.to = to
    }
}

/// A participant of a space on another worker, as this worker's room sees it.
public struct RemoteMember: Sendable {
    public var legID: Int
    public var displayName: String
    public var worker: Int
    public init(legID: Int, displayName: String, worker: Int) {
        self.legID = legID
        self.displayName = displayName
        self.worker = worker
    }
}
