import MediaCore
import RTP
import Testing

@Suite("VideoJitterBuffer")
struct VideoJitterBufferTests {
    final class Harness {
        let pool: PacketBufferPool
        let jitter: VideoJitterBuffer
        var delivered: [UInt16] = []
        var losses = 0

        init(configuration: VideoJitterBuffer.Configuration = .init(), poolSize: Int = 256) {
            pool = PacketBufferPool(bufferSize: 64, bufferCount: poolSize)
            jitter = VideoJitterBuffer(pool: pool, configuration: configuration)
        }

        func insert(_ seq: UInt16, at now: Int64) {
            guard var buffer = pool.acquire() else { Issue.record("pool exhausted"); return }
            buffer.writable.put16(seq, at: 0)
            buffer.length = 2
            jitter.insert(buffer, sequenceNumber: seq, now: now)
        }

        func drain(at now: Int64) {
            jitter.drain(now: now, deliver: { delivered.append($0.bytes.u16(0)) }, onLoss: { losses += 1 })
        }

        func nacks(at now: Int64) -> [UInt16] {
            var list: [UInt16] = []
            jitter.dueNACKs(now: now) { list.append($0) }
            return list
        }
    }

    let ms: Int64 = 1_000_000

    @Test func reorderedPacketsAreDeliveredInOrder() {
        let h = Harness()
        for (i, seq) in [UInt16(10), 12, 11, 13].enumerated() {
            h.insert(seq, at: Int64(i) * ms)
            h.drain(at: Int64(i) * ms)
        }
        #expect(h.delivered == [10, 11, 12, 13])
        #expect(h.losses == 0 && h.jitter.missingCount == 0)
        #expect(h.pool.availableCount == 256, "every buffer went back to the pool")
    }

    @Test func aHoleIsNACKedThenSkippedAfterTheWaitWithOneKeyframeRequest() {
        let h = Harness()
        h.insert(1, at: 0); h.insert(2, at: 0); h.insert(4, at: 0); h.insert(5, at: 0)
        h.drain(at: 0)
        #expect(h.delivered == [1, 2])
        #expect(h.nacks(at: 0) == [3])
        #expect(h.nacks(at: 10 * ms).isEmpty, "not again before the NACK interval")
        #expect(h.nacks(at: 45 * ms) == [3])
        h.drain(at: 100 * ms)
        #expect(h.delivered == [1, 2], "still waiting")
        h.drain(at: 151 * ms)
        #expect(h.delivered == [1, 2, 4, 5])
        #expect(h.losses == 1 && h.jitter.packetsSkipped == 1)
        #expect(h.jitter.takeKeyframeRequest(now: 151 * ms))
        h.jitter.requestKeyframe()
        #expect(!h.jitter.takeKeyframeRequest(now: 300 * ms), "rate-limited")
        #expect(h.jitter.takeKeyframeRequest(now: 700 * ms))
        #expect(h.pool.availableCount == 256)
    }

    @Test func aRetransmissionInTimeFillsTheHole() {
        let h = Harness()
        h.insert(100, at: 0); h.insert(102, at: 0)
        h.drain(at: 0)
        #expect(h.nacks(at: 1 * ms) == [101])
        h.insert(101, at: 30 * ms)
        h.drain(at: 30 * ms)
        #expect(h.delivered == [100, 101, 102] && h.losses == 0)
        #expect(!h.jitter.takeKeyframeRequest(now: 30 * ms))
    }

    @Test func lateDuplicatesAreCountedAndReleased() {
        let h = Harness()
        h.insert(7, at: 0); h.drain(at: 0)
        h.insert(7, at: 1 * ms)
        h.insert(8, at: 1 * ms); h.insert(8, at: 1 * ms)
        h.drain(at: 1 * ms)
        #expect(h.delivered == [7, 8])
        #expect(h.jitter.drops[.tooLate] == 1 && h.jitter.duplicates == 1)
        #expect(h.pool.availableCount == 256)
    }

    @Test func sequenceWrapAndAJumpFarAheadRestart() {
        let h = Harness()
        for seq in [UInt16(65534), 65535, 0, 1] { h.insert(seq, at: 0) }
        h.drain(at: 0)
        #expect(h.delivered == [65534, 65535, 0, 1])
        h.insert(30_000, at: 1 * ms)   // sender restarted far ahead
        h.drain(at: 1 * ms)
        #expect(h.delivered.last == 30_000)
        #expect(h.jitter.takeKeyframeRequest(now: 1 * ms))
    }

    /// 20,000 packets with 2 % reordering (up to 5 places) and 5 % loss, of which half are
    /// retransmitted after a NACK: delivered strictly in order, every buffer returned.
    @Test func seededLossAndReorderingKeepOrderAndReturnEveryBuffer() {
        var rng = RTPFuzzGenerator(seed: 99)
        let h = Harness(poolSize: 1024)
        var order = Array(0..<20_000)
        for i in order.indices where Int.random(in: 0..<100, using: &rng) < 2 {
            let j = min(order.count - 1, i + Int.random(in: 1...5, using: &rng))
            order.swapAt(i, j)
        }
        var retransmit: [(due: Int64, seq: Int)] = []
        var now: Int64 = 0
        for seq in order {
            now += 1 * ms / 2   // 2000 packets/s
            if Int.random(in: 0..<100, using: &rng) < 5 {
                if Bool.random(using: &rng) { retransmit.append((now + 30 * ms, seq)) }
            } else {
                h.insert(UInt16(truncatingIfNeeded: seq), at: now)
            }
            while let first = retransmit.first, first.due <= now {
                h.insert(UInt16(truncatingIfNeeded: first.seq), at: now)
                retransmit.removeFirst()
            }
            _ = h.nacks(at: now)
            h.drain(at: now)
        }
        h.drain(at: now + 1000 * ms)
        let deliveredSeqs = h.delivered
        var unwrapper = SequenceUnwrapper<UInt16>()
        let extended = deliveredSeqs.map { unwrapper.unwrap($0) }
        #expect(zip(extended, extended.dropFirst()).allSatisfy { $0 < $1 }, "strictly increasing")
        #expect(deliveredSeqs.count > 19_000)
        #expect(h.pool.availableCount == 1024)
        print("jitter buffer: \(deliveredSeqs.count) delivered, \(h.jitter.packetsSkipped) skipped, \(h.jitter.nacksSent) NACKs, \(h.losses) loss events")
    }
}
