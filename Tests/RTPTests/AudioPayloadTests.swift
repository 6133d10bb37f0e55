import MediaCore
import RTP
import Testing

@Suite("telephone-event (RFC 4733) and receive statistics (RFC 3550 A.3/A.8)")
struct AudioPayloadTests {
    @Test func parsesAndWritesAnEvent() {
        // RFC 4733 §2.3: event 5, E=1, volume 10, duration 800.
        let payload: [UInt8] = [0x05, 0x8A, 0x03, 0x20]
        let event = payload.withUnsafeBytes { TelephoneEvent.parse($0) }
        #expect(event == TelephoneEvent(event: 5, isEnd: true, volume: 10, duration: 800))
        #expect(event?.digit == "5")
        var out = [UInt8](repeating: 0, count: 4)
        _ = out.withUnsafeMutableBytes { event!.write(into: $0) }
        #expect(out == payload)
        #expect(TelephoneEvent(event: 10, isEnd: false, volume: 0, duration: 0).digit == "*")
        #expect(TelephoneEvent(event: 11, isEnd: false, volume: 0, duration: 0).digit == "#")
        #expect(TelephoneEvent(event: 15, isEnd: false, volume: 0, duration: 0).digit == "D")
        #expect(TelephoneEvent(event: 16, isEnd: false, volume: 0, duration: 0).digit == nil)
        #expect([UInt8]([1, 2, 3]).withUnsafeBytes { TelephoneEvent.parse($0) } == nil)
    }

    @Test func repeatedAndEndPacketsYieldOneDigitPerEvent() {
        var detector = DTMFDetector()
        var digits: [Character] = []
        var seq: UInt16 = 0
        // "1" held for 3 packets then 3 end packets; then "#" with its end packets; then junk.
        for (event, ts) in [(UInt8(1), UInt32(1000)), (11, 5000)] {
            for i in 0..<6 {
                let end = i >= 3
                let packet = makeRTP(marker: i == 0, payloadType: 101, sequence: seq, timestamp: ts,
                                     payload: [event, end ? 0x8A : 0x0A, 0, UInt8(i * 20)])
                seq += 1
                packet.withUnsafeBytes { raw in
                    if case .packet(let p) = RTPPacket.parse(raw), let d = detector.push(p) { digits.append(d) }
                }
            }
        }
        makeRTP(payloadType: 101, sequence: seq, timestamp: 9000, payload: [1, 2]).withUnsafeBytes { raw in
            if case .packet(let p) = RTPPacket.parse(raw) { #expect(detector.push(p) == nil) }
        }
        #expect(digits == ["1", "#"])
        #expect(detector.drops[.dtmfBadPayload] == 1)
    }

    @Test func lossAndFractionLostFollowAppendixA3() {
        var stats = RTPReceiveStatistics(clockRate: 90_000)
        // 100 packets from sequence 65500 (wrapping), 10 missing.
        for i in 0..<100 where i % 10 != 5 {
            stats.record(sequenceNumber: UInt16(truncatingIfNeeded: 65_500 + i), timestamp: UInt32(i * 3000), arrivalNanoseconds: Int64(i) * 33_333_333)
        }
        #expect(stats.expected == 100)
        #expect(stats.received == 90)
        #expect(stats.cumulativeLost == 10)
        #expect(stats.extendedHighestSequence == UInt32(65_500 + 99))   // cycle 1 in the high bits
        #expect(stats.takeFractionLost() == 25)                          // 10/100 × 256 = 25.6 → 25
        #expect(stats.takeFractionLost() == 0)                           // nothing new
    }

    @Test func jitterFollowsAppendixA8() {
        var steady = RTPReceiveStatistics(clockRate: 90_000)
        for i in 0..<200 {
            steady.record(sequenceNumber: UInt16(i), timestamp: UInt32(i * 3000), arrivalNanoseconds: Int64(i) * 33_333_333)
        }
        #expect(steady.jitter <= 1, "perfectly paced arrivals have no jitter")

        // Alternate ±5 ms around the ideal time: |D| = 10 ms = 900 ticks every packet → J → 900.
        var jittery = RTPReceiveStatistics(clockRate: 90_000)
        for i in 0..<2000 {
            let offset: Int64 = i % 2 == 0 ? 5_000_000 : -5_000_000
            jittery.record(sequenceNumber: UInt16(truncatingIfNeeded: i), timestamp: UInt32(i * 3000),
                           arrivalNanoseconds: 1_000_000_000 + Int64(i) * 33_333_333 + offset)
        }
        #expect(abs(Int(jittery.jitter) - 900) < 20, "jitter \(jittery.jitter)")
    }
}
