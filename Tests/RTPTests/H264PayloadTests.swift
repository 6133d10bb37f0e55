import Codecs
import MediaCore
import RTP
import Testing

@Suite("H.264 RTP payload (RFC 6184)")
struct H264PayloadTests {
    /// Packetizes an access unit into RTP packets (as byte arrays).
    static func packetize(_ au: [UInt8], mode: H264PacketizationMode, mtu: Int = 1200, sequence: inout UInt16, timestamp: UInt32) -> [[UInt8]] {
        var packetizer = H264Packetizer(mode: mode, maximumPayloadSize: mtu)
        var packets: [[UInt8]] = []
        au.withUnsafeBytes { raw in
            packetizer.forEachPayload(in: raw) { payload in
                var buffer = [UInt8](repeating: 0, count: 12 + payload.payloadSize)
                buffer.withUnsafeMutableBytes { b in
                    let h = RTPHeader(marker: payload.isLastOfAccessUnit, payloadType: 96, sequenceNumber: sequence, timestamp: timestamp, ssrc: 1)
                    let n = h.write(into: b)!
                    _ = payload.write(from: raw, into: UnsafeMutableRawBufferPointer(rebasing: b[n...]))
                }
                sequence &+= 1
                packets.append(buffer)
            }
        }
        return packets
    }

    static func nalUnits(_ au: [UInt8]) -> [[UInt8]] {
        var nals: [[UInt8]] = []
        au.withUnsafeBytes { AnnexB.forEachNALUnit(in: $0) { nals.append(Array($0)); return true } }
        return nals
    }

    /// Feeds packets to a depacketizer; returns completed access units (copied).
    static func depacketize(_ packets: [[UInt8]], into d: H264Depacketizer) -> [(bytes: [UInt8], key: Bool, loss: Bool)] {
        var units: [(bytes: [UInt8], key: Bool, loss: Bool)] = []
        for packet in packets {
            packet.withUnsafeBytes { raw in
                guard case .packet(let p) = RTPPacket.parse(raw) else { Issue.record("packetizer made a bad RTP packet"); return }
                if case .accessUnit(let unit) = d.push(p) { units.append((Array(unit.bytes), unit.isKeyframe, unit.followsLoss)) }
            }
        }
        return units
    }

    @Test("real x264 access units survive packetize → depacketize → decode", arguments: [H264PacketizationMode.singleNAL, .nonInterleaved])
    func roundTripThroughRealCodec(mode: H264PacketizationMode) throws {
        let config = H264EncoderConfiguration(width: 640, height: 360, bitrate: 1_500_000,
                                              maximumSliceBytes: mode == .singleNAL ? 1100 : nil)
        let encoder = try H264Encoder(config)
        let decoder = try H264Decoder()
        let source = SyntheticVideoSource(width: 640, height: 360)
        let picture = try VideoFrame(width: 640, height: 360)
        let depacketizer = H264Depacketizer()
        var sequence: UInt16 = 65_500   // wraps during the test
        var fragments = 0, decoded = 0
        for i in 0..<40 {
            source.render(frame: i, into: picture)
            let au = try #require(try encoder.encode(picture)).bytes
            let packets = Self.packetize(au, mode: mode, sequence: &sequence, timestamp: UInt32(i * 3000))
            #expect(packets.allSatisfy { $0.count <= 12 + 1200 })
            #expect(packets.last.map { $0[1] & 0x80 != 0 } == true, "marker on the last packet")
            #expect(packets.dropLast().allSatisfy { $0[1] & 0x80 == 0 }, "marker only on the last packet")
            fragments += packets.filter { $0[12] & 0x1F == 28 }.count
            let units = Self.depacketize(packets, into: depacketizer)
            #expect(units.count == 1)
            guard let unit = units.first else { continue }
            #expect(Self.nalUnits(unit.bytes) == Self.nalUnits(au), "same NAL units in the same order")
            #expect(unit.key == (i == 0))
            if case .frame = decoder.decode(unit.bytes) { decoded += 1 }
        }
        #expect(decoded == 40)
        if mode == .singleNAL { #expect(fragments == 0) } else { #expect(fragments > 0) }
    }

    @Test func modeZeroSkipsAndCountsNALUnitsThatDoNotFit() {
        var packetizer = H264Packetizer(mode: .singleNAL, maximumPayloadSize: 100)
        let au: [UInt8] = [0, 0, 0, 1, 0x67, 1, 2, 3] + [0, 0, 0, 1, 0x65] + [UInt8](repeating: 7, count: 300)
        var payloads = 0
        au.withUnsafeBytes { raw in packetizer.forEachPayload(in: raw) { _ in payloads += 1 } }
        #expect(payloads == 1 && packetizer.oversizedNALUnits == 1)
    }

    @Test func fuAFragmentsCarryTheRightHeaders() {
        var packetizer = H264Packetizer(mode: .nonInterleaved, maximumPayloadSize: 100)
        let nal: [UInt8] = [0x65] + (0..<250).map { UInt8($0 & 0xFF) }   // IDR, NRI=3
        let au: [UInt8] = [0, 0, 1] + nal
        var plans: [H264Payload] = []
        var written: [[UInt8]] = []
        au.withUnsafeBytes { raw in
            packetizer.forEachPayload(in: raw) { p in
                plans.append(p)
                var out = [UInt8](repeating: 0, count: p.payloadSize)
                _ = out.withUnsafeMutableBytes { p.write(from: raw, into: $0) }
                written.append(out)
            }
        }
        #expect(plans.count == 3)   // 250 body bytes in chunks of 98
        #expect(written.map { $0[0] } == [0x7C, 0x7C, 0x7C])             // F=0 NRI=3 type 28
        #expect(written.map { $0[1] } == [0x85, 0x05, 0x45])             // S, -, E with type 5
        #expect(written.map(\.count).reduce(0, +) - 6 == 250)
        #expect(plans.map(\.isLastOfAccessUnit) == [false, false, true])
    }

    @Test func stapAIsUnpackedIntoSeparateNALUnits() {
        // RFC 6184 §5.7.1: STAP-A with SPS (3 bytes) and PPS (2 bytes), then an IDR single NAL.
        let stap: [UInt8] = [0x78, 0x00, 0x03, 0x67, 0x42, 0xC0, 0x00, 0x02, 0x68, 0xCE]
        let d = H264Depacketizer()
        let units = Self.depacketize([makeRTP(sequence: 1, timestamp: 10, payload: stap),
                                      makeRTP(marker: true, sequence: 2, timestamp: 10, payload: [0x65, 0x88, 0x84])], into: d)
        #expect(units.count == 1)
        #expect(units.first?.bytes == [0, 0, 0, 1, 0x67, 0x42, 0xC0, 0, 0, 0, 1, 0x68, 0xCE, 0, 0, 0, 1, 0x65, 0x88, 0x84])
        #expect(units.first?.key == true)
    }

    @Test func aLostFragmentAbandonsTheAccessUnitAndTheNextOneIsFlagged() {
        let d = H264Depacketizer()
        let start = makeRTP(sequence: 10, timestamp: 100, payload: [0x7C, 0x85, 1, 2, 3])
        // sequence 11 (middle fragment) lost
        let end = makeRTP(marker: true, sequence: 12, timestamp: 100, payload: [0x7C, 0x45, 7, 8])
        let next = makeRTP(marker: true, sequence: 13, timestamp: 200, payload: [0x41, 9, 9])
        let units = Self.depacketize([start, end, next], into: d)
        #expect(units.count == 1)
        #expect(units.first?.bytes == [0, 0, 0, 1, 0x41, 9, 9] && units.first?.loss == true)
        #expect(d.accessUnitsAbandoned == 1)
    }

    @Test func markerlessSendersAreCompletedByTheNextTimestamp() {
        let d = H264Depacketizer()
        let units = Self.depacketize([
            makeRTP(sequence: 1, timestamp: 100, payload: [0x41, 1]),
            makeRTP(sequence: 2, timestamp: 100, payload: [0x41, 2]),
            makeRTP(sequence: 3, timestamp: 200, payload: [0x41, 3]),   // completes the first
            makeRTP(sequence: 4, timestamp: 300, payload: [0x41, 4]),   // completes the second
        ], into: d)
        #expect(units.map(\.bytes) == [[0, 0, 0, 1, 0x41, 1, 0, 0, 0, 1, 0x41, 2], [0, 0, 0, 1, 0x41, 3]])
    }

    @Test("malformed payloads are dropped and counted per reason", arguments: [
        ([UInt8](), PacketDropReason.h264EmptyPayload),
        ([0x80, 1], .h264BadNALType),                          // forbidden bit
        ([0x00, 1], .h264BadNALType),                          // type 0
        ([0x7A, 1, 2], .h264BadNALType),                       // FU-B (interleaved mode only)
        ([0x7C, 0x05, 1], .h264FragmentWithoutStart),          // FU-A middle with no start
        ([0x7C], .h264EmptyPayload),                           // FU-A without FU header
        ([0x78, 0x00, 0x09, 0x67, 0x42], .h264AggregateOverflow), // STAP-A size 9, 2 present
        ([0x78, 0x00], .h264AggregateOverflow),                // STAP-A cut
        ([0x78, 0x00, 0x01, 0x80], .h264BadNALType),           // STAP-A inner forbidden bit
    ] as [([UInt8], PacketDropReason)])
    func malformedPayload(payload: [UInt8], reason: PacketDropReason) {
        let d = H264Depacketizer()
        makeRTP(marker: true, sequence: 5, timestamp: 1, payload: payload).withUnsafeBytes { raw in
            guard case .packet(let p) = RTPPacket.parse(raw) else { Issue.record("RTP header is valid"); return }
            guard case .dropped(let r) = d.push(p) else { Issue.record("payload \(payload) accepted"); return }
            #expect(r == reason)
        }
        #expect(d.drops[reason] == 1 && d.drops.total == 1)
    }

    @Test func accessUnitLargerThanTheBufferIsDropped() {
        let d = H264Depacketizer(maximumAccessUnitBytes: 64)
        let units = Self.depacketize([makeRTP(marker: true, sequence: 1, timestamp: 1, payload: [0x41] + [UInt8](repeating: 1, count: 100))], into: d)
        #expect(units.isEmpty && d.drops[.h264AccessUnitTooLarge] == 1)
    }

    /// ≥ 100,000 mutated packet sequences into one long-lived depacketizer: never crashes,
    /// every delivered access unit is well-formed Annex-B, and valid streams still get through.
    @Test func seededMutationNeverCrashes() throws {
        var rng = RTPFuzzGenerator(seed: 6184)
        var sequence: UInt16 = 0
        let aus: [[UInt8]] = [[0, 0, 0, 1, 0x67, 0x42, 0xC0, 0x1F, 0, 0, 0, 1, 0x68, 0xCE, 0x3C, 0x80, 0, 0, 0, 1, 0x65] + [UInt8](repeating: 0x11, count: 3000),
                              [0, 0, 0, 1, 0x41] + [UInt8](repeating: 0x22, count: 900)]
        var templates: [[UInt8]] = []
        for (i, au) in aus.enumerated() { templates += Self.packetize(au, mode: .nonInterleaved, mtu: 500, sequence: &sequence, timestamp: UInt32(i)) }
        let d = H264Depacketizer(maximumAccessUnitBytes: 1 << 16)
        var delivered = 0
        for i in 0..<100_000 {
            var bytes = templates[i % templates.count]
            // Renumber so the stream stays in order unless we drop something on purpose.
            let seq = UInt16(truncatingIfNeeded: i)
            bytes[2] = UInt8(seq >> 8); bytes[3] = UInt8(seq & 0xFF)
            bytes[7] = UInt8(truncatingIfNeeded: i / templates.count)   // new timestamp per round
            if i % 3 == 0 {
                for _ in 0..<Int.random(in: 1...3, using: &rng) {
                    let at = Int.random(in: 12..<bytes.count, using: &rng)
                    bytes[at] = UInt8.random(in: 0...255, using: &rng)
                }
                if Bool.random(using: &rng) { bytes.removeLast(Int.random(in: 0...(bytes.count - 12), using: &rng)) }
            }
            bytes.withUnsafeBytes { raw in
                guard case .packet(let p) = RTPPacket.parse(raw) else { return }
                if case .accessUnit(let unit) = d.push(p) {
                    delivered += 1
                    if unit.bytes.count < 5 || unit.bytes.u32(0) != 1 { Issue.record("delivered a unit without a start code") }
                }
            }
        }
        #expect(delivered > 1000)
        #expect(d.drops.total > 0)
        print("H.264 depacketizer fuzz: \(delivered) access units delivered, drops \(d.drops.nonZero.map { "\($0.0): \($0.1)" })")
    }
}
