import MediaCore
import RTP
import Testing

@Suite("AudioJitterBuffer")
struct AudioJitterBufferTests {
    final class Harness {
        let pool = PacketBufferPool(bufferSize: 64, bufferCount: 128)
        let jitter: AudioJitterBuffer
        var played: [String] = []

        init() { jitter = AudioJitterBuffer(pool: pool, configuration: .init(clockRate: 48_000, frameTicks: 960)) }

        func insert(frame: Int, at now: Int64) {
            var buffer = pool.acquire()!
            buffer.writable.put32(UInt32(frame), at: 0)
            buffer.length = 4
            jitter.insert(buffer, timestamp: UInt32(truncatingIfNeeded: 1_000_000 + frame * 960), now: now)
        }

        func pull(at now: Int64) {
            jitter.pull(now: now) { playout in
                switch playout {
                case .idle: played.append("idle")
                case .packet(let b): played.append("\(b.bytes.u32(0))")
                case .lost(let next): played.append(next.map { "lost(fec \($0.bytes.u32(0)))" } ?? "lost")
                }
            }
        }
    }

    let ms: Int64 = 1_000_000

    @Test func steadyStreamPlaysEveryFrameInOrderAfterTheInitialDelay() {
        let h = Harness()
        for i in 0..<100 {
            h.insert(frame: i, at: Int64(i) * 20 * ms)
            h.pull(at: Int64(i) * 20 * ms + 1)
        }
        let frames = h.played.filter { $0 != "idle" }
        #expect(h.played.prefix(2).allSatisfy { $0 == "idle" }, "fills to the playout delay first")
        #expect(frames.first == "0" || frames.first == "1")
        let numbers = frames.compactMap(Int.init)
        #expect(numbers == Array(numbers.first!...numbers.last!), "consecutive frames")
        #expect(h.jitter.framesLost == 0 && h.jitter.underruns == 0)
        #expect(h.jitter.targetDelayNanoseconds <= 40 * ms)
    }

    @Test func aLostFrameIsReportedWithTheNextPacketForFEC() {
        let h = Harness()
        for i in 0..<10 {
            if i != 3 { h.insert(frame: i, at: Int64(i) * 20 * ms) }   // frame 3 lost
            h.pull(at: Int64(i) * 20 * ms + 1)
        }
        let sequence = h.played.filter { $0 != "idle" }
        #expect(sequence.contains("lost(fec 4)"), "\(sequence)")
        let lostIndex = sequence.firstIndex(of: "lost(fec 4)")!
        #expect(sequence[lostIndex - 1] == "2" && sequence[lostIndex + 1] == "4")
        #expect(h.jitter.framesLost >= 1)
    }

    @Test func reorderedPacketsWithinTheDelayAreFine() {
        let h = Harness()
        let arrivals = [0, 2, 1, 3, 5, 4, 6, 7, 8, 9, 11, 10, 12, 13]
        for (n, frame) in arrivals.enumerated() {
            h.insert(frame: frame, at: Int64(n) * 20 * ms)
            h.pull(at: Int64(n) * 20 * ms + 1)
        }
        let numbers = h.played.compactMap(Int.init)
        #expect(numbers == numbers.sorted() && Set(numbers).count == numbers.count)
        #expect(!h.played.contains { $0.hasPrefix("lost") })
    }

    @Test func lateSenderCausesUnderrunAndALongerDelay() {
        let h = Harness()
        h.insert(frame: 0, at: 0); h.insert(frame: 1, at: 20 * ms)
        let before = h.jitter.targetDelayNanoseconds
        for t in 0..<5 { h.pull(at: Int64(40 + t * 20) * ms) }   // frames 2.. never arrive in time
        #expect(h.jitter.underruns >= 2)
        #expect(h.jitter.targetDelayNanoseconds > before)
        h.insert(frame: 2, at: 140 * ms)
        h.pull(at: 141 * ms)
        #expect(h.played.last == "2", "playout resumes where it waited")
        #expect(h.pool.availableCount == 128)
    }

    @Test func jitteryArrivalsRaiseTheDelayWithinBounds() {
        let h = Harness()
        var rng = RTPFuzzGenerator(seed: 5)
        for i in 0..<500 {
            let jitter = Int64.random(in: 0...60, using: &rng) * ms
            h.insert(frame: i, at: Int64(i) * 20 * ms + jitter)
            h.pull(at: Int64(i) * 20 * ms + 100 * ms)
        }
        #expect(h.jitter.targetDelayNanoseconds >= 40 * ms && h.jitter.targetDelayNanoseconds <= 200 * ms)
        #expect(h.jitter.framesPlayed > 400)
        print("audio jitter ±30 ms: target delay \(h.jitter.targetDelayNanoseconds / ms) ms, played \(h.jitter.framesPlayed), lost \(h.jitter.framesLost), late \(h.jitter.drops[.tooLate])")
    }

    @Test func timestampWrapIsSeamless() {
        let pool = PacketBufferPool(bufferSize: 64, bufferCount: 64)
        let jitter = AudioJitterBuffer(pool: pool, configuration: .init(clockRate: 8_000, frameTicks: 160))
        var played = 0
        for i in 0..<50 {
            var b = pool.acquire()!
            b.length = 1
            jitter.insert(b, timestamp: UInt32.max - 160 * 20 + 1 &+ UInt32(i * 160), now: Int64(i) * 20 * ms)
            jitter.pull(now: Int64(i) * 20 * ms + 1) { if case .packet = $0 { played += 1 } }
        }
        #expect(played >= 45)
        #expect(jitter.framesLost == 0)
    }
}
