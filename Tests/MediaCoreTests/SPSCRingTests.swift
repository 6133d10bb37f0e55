import Foundation
import MediaCore
import Testing

@Suite("SPSCRing")
struct SPSCRingTests {
    @Test func capacityRoundsUpAndFullIsReported() {
        let ring = SPSCRing<Int>(minimumCapacity: 5)
        #expect(ring.capacity == 8)
        #expect(ring.push(1) == .accepted(wasEmpty: true))
        #expect(ring.push(2) == .accepted(wasEmpty: false))
        for i in 3...8 { #expect(ring.push(i) == .accepted(wasEmpty: false)) }
        #expect(ring.push(9) == .full)
        #expect(ring.count == 8)
        for i in 1...8 { #expect(ring.pop() == i) }
        #expect(ring.pop() == nil)
        #expect(ring.push(10) == .accepted(wasEmpty: true), "empty again after draining")
    }

    @Test func remainingElementsAreReleasedWithTheRing() {
        final class Token: @unchecked Sendable { let onDeinit: () -> Void; init(_ f: @escaping () -> Void) { onDeinit = f }; deinit { onDeinit() } }
        nonisolated(unsafe) var released = 0
        do {
            let ring = SPSCRing<Token>(minimumCapacity: 4)
            for _ in 0..<3 { _ = ring.push(Token { released += 1 }) }
            _ = ring.pop()
        }
        #expect(released == 3)
    }

    /// One producer thread, one consumer thread, a million values: every value arrives once,
    /// in order; the consumer sleeps on the eventfd and is always woken.
    @Test func producerAndConsumerThreadsExchangeAMillionValuesInOrder() throws {
        let ring = SPSCRing<Int>(minimumCapacity: 256)
        let wake = try WakeupEvent()
        let total = 1_000_000
        let done = DispatchSemaphore(value: 0)
        nonisolated(unsafe) var received = 0
        nonisolated(unsafe) var outOfOrder = 0
        nonisolated(unsafe) var sleeps = 0
        let consumer = Thread {
            var expected = 0
            let deadline = Date().addingTimeInterval(60)
            while expected < total && Date() < deadline {
                while let value = ring.pop() {
                    if value != expected { outOfOrder += 1 }
                    expected = value + 1
                    received += 1
                }
                if expected < total {
                    sleeps += 1
                    _ = wake.wait(timeoutMilliseconds: 1000)
                    wake.drain()
                }
            }
            done.signal()
        }
        consumer.start()
        var value = 0
        let deadline = Date().addingTimeInterval(60)
        while value < total && Date() < deadline {
            switch ring.push(value) {
            case .accepted(let wasEmpty):
                if wasEmpty { wake.signal() }
                value += 1
            case .full:
                sched_yield()
            }
        }
        #expect(done.wait(timeout: .now() + 60) == .success)
        #expect(received == total)
        #expect(outOfOrder == 0)
        print("SPSC: \(total) values, consumer slept \(sleeps) times")
    }
}

@Suite("PacketBufferPool")
struct PacketBufferPoolTests {
    @Test func acquireReleaseNeverAllocatesAndCountsExhaustion() {
        let pool = PacketBufferPool(bufferSize: 1500, bufferCount: 4)
        #expect(pool.bufferSize == 1536, "rounded to cache lines")
        var held: [PacketBuffer] = []
        for _ in 0..<4 { held.append(pool.acquire()!) }
        #expect(Set(held.map(\.index)).count == 4)
        #expect(pool.acquire() == nil)
        #expect(pool.exhaustedCount == 1)
        var buffer = held.removeLast()
        buffer.writable.storeBytes(of: 0xABCD, toByteOffset: 0, as: UInt16.self)
        buffer.length = 2
        #expect(buffer.bytes.count == 2)
        pool.release(buffer)
        #expect(pool.availableCount == 1)
        let again = pool.acquire()!
        #expect(again.index == buffer.index, "LIFO reuse keeps the hottest buffer in cache")
        #expect(Int(bitPattern: again.base) % 64 == 0)
    }
}

@Suite("SequenceUnwrapper")
struct SequenceUnwrapperTests {
    @Test func sixteenBitSequenceWrapsForwardAndHandlesReordering() {
        var u = SequenceUnwrapper<UInt16>()
        #expect(u.unwrap(65_534) == 65_534)
        #expect(u.unwrap(65_535) == 65_535)
        #expect(u.unwrap(0) == 65_536)
        #expect(u.unwrap(65_535) == 65_535, "a late packet from before the wrap")
        #expect(u.unwrap(1) == 65_537)
        #expect(u.unwrap(3) == 65_539)
        #expect(u.unwrap(2) == 65_538)
    }

    @Test func thirtyTwoBitTimestampsWrap() {
        var u = SequenceUnwrapper<UInt32>()
        #expect(u.unwrap(UInt32.max - 3000) == Int64(UInt32.max) - 3000)
        #expect(u.unwrap(2999) == Int64(UInt32.max) + 3000)
    }

    @Test func seededRandomWalkMatchesA64BitCounter() {
        var u = SequenceUnwrapper<UInt16>()
        var truth: Int64 = 40_000
        var state: UInt64 = 12345
        for _ in 0..<100_000 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            truth += Int64(state >> 60) - 4   // steps of -4...+11: mostly forward, some reordering
            if truth < 0 { truth = 0 }
            #expect(u.unwrap(UInt16(truncatingIfNeeded: truth)) == truth)
        }
    }
}

@Suite("MediaClock and timers")
struct MediaClockTests {
    @Test func conversionsBetweenNanosecondsAndClockRates() {
        #expect(MediaClock.ticks(nanoseconds: 1_000_000_000, clockRate: 90_000) == 90_000)
        #expect(MediaClock.ticks(nanoseconds: 20_000_000, clockRate: 48_000) == 960)
        #expect(MediaClock.nanoseconds(ticks: 3000, clockRate: 90_000) == 33_333_333)
        // A century of nanoseconds does not overflow.
        let century: Int64 = 100 * 365 * 86_400 * 1_000_000_000
        #expect(MediaClock.ticks(nanoseconds: century, clockRate: 90_000) == 100 * 365 * 86_400 * 90_000)
    }

    @Test func monotonicClockAdvances() {
        let a = MediaClock.nowNanoseconds()
        usleep(2000)
        let b = MediaClock.nowNanoseconds()
        #expect(b - a >= 2_000_000)
    }

    @Test func periodicTimerCountsExpirations() throws {
        let timer = try PeriodicTimer()
        try timer.start(intervalNanoseconds: 5_000_000)
        #expect(timer.wait(timeoutMilliseconds: 1000))
        usleep(60_000)
        let expirations = timer.drainExpirations()
        #expect(expirations >= 5, "missed ticks are counted, not lost (\(expirations))")
        #expect(timer.drainExpirations() == 0)
    }

    @Test func wakeupEventCoalescesSignals() throws {
        let event = try WakeupEvent()
        #expect(!event.wait(timeoutMilliseconds: 0))
        event.signal(); event.signal(); event.signal()
        #expect(event.wait(timeoutMilliseconds: 100))
        #expect(event.drain() == 3)
        #expect(event.drain() == 0)
    }
}

@Suite("CPUAffinity")
struct CPUAffinityTests {
    @Test func pinsAThreadToEachAllowedCPU() throws {
        let cpus = CPUAffinity.allowedCPUs()
        #expect(!cpus.isEmpty)
        for cpu in cpus {
            let done = DispatchSemaphore(value: 0)
            nonisolated(unsafe) var seen: [Int] = []
            nonisolated(unsafe) var failure: SystemError?
            let thread = Thread {
                do { try CPUAffinity.pinCurrentThread(to: cpu) } catch { failure = error as? SystemError }
                CPUAffinity.setCurrentThreadName("cb-test-\(cpu)")
                seen = CPUAffinity.currentThreadCPUs()
                done.signal()
            }
            thread.start()
            #expect(done.wait(timeout: .now() + 10) == .success)
            #expect(failure == nil)
            #expect(seen == [cpu])
        }
    }

    @Test func pinningToANonexistentCPUFailsWithErrno() {
        #expect(throws: SystemError.self) { try CPUAffinity.pinCurrentThread(to: 100_000) }
    }

    @Test func residentMemoryIsReadable() {
        let rss = ProcessMemory.residentBytes() ?? 0
        #expect(rss > 1_000_000)
    }
}
