import RTP
import Testing

@Suite("RTCP NTP timestamps")
struct RTCPNTPTimestampTests {
    @Test func unixEpochAndKnownDates() {
        #expect(NTPTimestamp(unixNanoseconds: 0) == NTPTimestamp(seconds: 2_208_988_800, fraction: 0))
        // 2024-01-01T00:00:00.5Z: 1704067200 + 2208988800 seconds, half a second = 2^31.
        #expect(
            NTPTimestamp(unixNanoseconds: 1_704_067_200_500_000_000) == NTPTimestamp(seconds: 3_913_056_000, fraction: 0x8000_0000))
        #expect(NTPTimestamp(unixNanoseconds: 250_000_000).fraction == 0x4000_0000)
        // Before 1970 (1969-12-31T23:59:59.75Z): floor division keeps the fraction positive.
        #expect(NTPTimestamp(unixNanoseconds: -250_000_000) == NTPTimestamp(seconds: 2_208_988_799, fraction: 0xC000_0000))
    }

    @Test func rawValueAndMiddle32() {
        let timestamp = NTPTimestamp(seconds: 0x1234_5678, fraction: 0x9ABC_DEF0)
        #expect(timestamp.rawValue == 0x1234_5678_9ABC_DEF0)
        #expect(NTPTimestamp(rawValue: 0x1234_5678_9ABC_DEF0) == timestamp)
        #expect(timestamp.middle32 == 0x5678_9ABC)
    }

    @Test(arguments: [
        Int64(0), 1, 999_999_999, 1_704_067_200_123_456_789, 2_085_978_495_999_999_999,
        // 2036-02-07T06:28:16Z: NTP seconds wrap to 0 (era 1), and a little after.
        2_085_978_496_000_000_000, 2_085_978_500_000_000_001, 4_000_000_000_000_000_000,
    ])
    func unixNanosecondsRoundTrip(_ nanoseconds: Int64) {
        #expect(NTPTimestamp(unixNanoseconds: nanoseconds).unixNanoseconds == nanoseconds)
    }

    @Test func eraWrapIn2036() {
        #expect(NTPTimestamp(unixNanoseconds: 2_085_978_496_000_000_000) == NTPTimestamp(seconds: 0, fraction: 0))
    }

    @Test func compactDurations() {
        #expect(NTPTimestamp.compactDuration(nanoseconds: 1_500_000_000) == 0x0001_8000)
        #expect(NTPTimestamp.compactDuration(nanoseconds: 0) == 0)
        #expect(NTPTimestamp.compactDuration(nanoseconds: -5) == 0)
        #expect(NTPTimestamp.compactDuration(nanoseconds: 65_535_999_999_999) == 0xFFFF_FFFF)
        #expect(NTPTimestamp.compactDuration(nanoseconds: 65_536_000_000_000) == .max)
        #expect(NTPTimestamp.compactDuration(nanoseconds: .max) == .max)
        #expect(NTPTimestamp.nanoseconds(compactDuration: 0x0001_8000) == 1_500_000_000)
        #expect(NTPTimestamp.nanoseconds(compactDuration: 0xFFFF_FFFF) == 65_535_999_984_741)
    }

    /// The worked example of RFC 3550 §6.4.1: A = 0xb710:8000 (46864.500 s),
    /// LSR = 0xb705:2000 (46853.125 s), DLSR = 0x0005:4000 (5.250 s) → delay 6.125 s.
    @Test func roundTripTimeFromTheRFCExample() {
        let arrival = NTPTimestamp(rawValue: 0x0000_B710_8000_0000)
        let lastSR: UInt32 = 0xB705_2000
        let delaySinceLastSR: UInt32 = 0x0005_4000
        #expect(arrival.middle32 == 0xB710_8000)
        #expect(NTPTimestamp.nanoseconds(compactDuration: arrival.middle32 &- lastSR &- delaySinceLastSR) == 6_125_000_000)
        #expect(NTPTimestamp.compactDuration(nanoseconds: 5_250_000_000) == delaySinceLastSR)
    }
}
