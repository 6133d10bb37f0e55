import Benchmark
import Codecs
import CSystemShims
import Glibc
import MediaCore
import RTP
import SRTP

// The packet path, per packet: each iteration runs one pass over the packets of 3 s of a
// 720p30 H.264 stream at 2.5 Mbit/s (synthetic talking-head-like content). The custom
// "packets/s" metric is computed from the pass's thread CPU time. Baselines measured in the
// same run: a bare sendmmsg and a bare recvmmsg loop over the very same packets on loopback.
// Allocations: mallocCountTotal is per pass; divide by the packet count printed at start.

@inline(__always)
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

let packetsPerSecond = BenchmarkMetric.custom("packets/s (thread CPU)", polarity: .prefersLarger)
let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, packetsPerSecond, .throughput]

func measure(_ benchmark: Benchmark, packets: Int, _ body: () -> Void) {
    benchmark.startMeasurement()
    let cpu0 = threadCPUNanoseconds()
    body()
    let cpu1 = threadCPUNanoseconds()
    benchmark.stopMeasurement()
    benchmark.measurement(packetsPerSecond, Int(Double(packets) * 1e9 / Double(max(1, cpu1 - cpu0))))
}

/// 3 s of 720p30 at 2.5 Mbit/s: access units, their RTP packets (plain), and the same packets
/// SRTP-protected, with the keys.
final class Stream: @unchecked Sendable {
    var accessUnits: [[UInt8]] = []
    var plain: [[UInt8]] = []
    var protected: [[UInt8]] = []
    let keys: SRTPKeyingMaterial

    init() throws {
        keys = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80)
        let encoder = try H264Encoder(H264EncoderConfiguration(width: 1280, height: 720, bitrate: 2_500_000))
        let source = SyntheticVideoSource(width: 1280, height: 720)
        let picture = try VideoFrame(width: 1280, height: 720)
        var packetizer = H264Packetizer(mode: .nonInterleaved, maximumPayloadSize: 1200)
        let outbound = try SRTPSession(keyingMaterial: keys, direction: .outbound)
        var sequence: UInt16 = 1
        for i in 0..<90 {
            source.render(frame: i, into: picture)
            guard let au = try encoder.encode(picture)?.bytes else { continue }
            accessUnits.append(au)
            au.withUnsafeBytes { raw in
                packetizer.forEachPayload(in: raw) { payload in
                    var packet = [UInt8](repeating: 0, count: 12 + payload.payloadSize + SRTPSession.maximumTrailerBytes)
                    let length = packet.withUnsafeMutableBytes { b -> Int in
                        let header = RTPHeader(marker: payload.isLastOfAccessUnit, payloadType: 96, sequenceNumber: sequence,
                                               timestamp: UInt32(i * 3000), ssrc: 0x1234)
                        let n = header.write(into: b)!
                        return n + payload.write(from: raw, into: UnsafeMutableRawBufferPointer(rebasing: b[n...]))
                    }
                    plain.append(Array(packet[0..<length]))
                    let protectedLength = packet.withUnsafeMutableBytes { outbound.protectRTP($0, length: length)! }
                    protected.append(Array(packet[0..<protectedLength]))
                    sequence &+= 1
                }
            }
        }
    }
}

/// A slab holding a copy of every packet, like a receive pool after recvmmsg.
final class Slab {
    let buffer: UnsafeMutableRawBufferPointer
    let size = 1600
    var lengths: [Int]
    init(count: Int) {
        buffer = .allocate(byteCount: count * 1600, alignment: 64)
        lengths = [Int](repeating: 0, count: count)
    }
    deinit { buffer.deallocate() }
    func load(_ packets: [[UInt8]]) {
        for (i, p) in packets.enumerated() {
            p.withUnsafeBytes { UnsafeMutableRawBufferPointer(rebasing: buffer[(i * size)...]).copyMemory(from: $0) }
            lengths[i] = p.count
        }
    }
    func packet(_ i: Int) -> UnsafeMutableRawBufferPointer { UnsafeMutableRawBufferPointer(rebasing: buffer[(i * size)..<(i * size + size)]) }
}

func loopbackPair() throws -> (sender: UDPSocket, receiver: UDPSocket, to: SocketAddress) {
    let receiver = try UDPSocket(host: "127.0.0.1", port: 0, receiveBufferBytes: 8 << 20)
    let sender = try UDPSocket(host: "127.0.0.1", port: 0)
    return (sender, receiver, SocketAddress(host: "127.0.0.1", port: receiver.localPort)!)
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: metrics, timeUnits: .microseconds, warmupIterations: 2,
                                           maxDuration: .seconds(8), maxIterations: 40)
    nonisolated(unsafe) var shared: Stream?
    func stream() -> Stream {
        if let shared { return shared }
        let made = try! Stream()
        print("packet benchmarks: \(made.plain.count) packets per pass (3 s of 720p30 at 2.5 Mbit/s), \(made.accessUnits.count) access units")
        shared = made
        return made
    }

    Benchmark("RTP parse") { benchmark in
        let s = stream()
        let slab = Slab(count: s.plain.count)
        slab.load(s.plain)
        var sum = 0
        for _ in benchmark.scaledIterations {
            measure(benchmark, packets: s.plain.count) {
                for i in 0..<s.plain.count {
                    if case .packet(let p) = RTPPacket.parse(UnsafeRawBufferPointer(rebasing: slab.packet(i)[0..<slab.lengths[i]])) {
                        sum &+= Int(p.sequenceNumber)
                    }
                }
            }
        }
        blackHole(sum)
    }

    Benchmark("Receive: SRTP unprotect + RTP parse + H.264 depacketize") { benchmark in
        let s = stream()
        let slab = Slab(count: s.protected.count)
        let depacketizer = H264Depacketizer()
        var units = 0
        for _ in benchmark.scaledIterations {
            slab.load(s.protected)   // fresh ciphertext each pass
            let inbound = try! SRTPSession(keyingMaterial: s.keys, direction: .inbound)   // fresh replay window
            measure(benchmark, packets: s.protected.count) {
                for i in 0..<s.protected.count {
                    let buffer = slab.packet(i)
                    guard case .ok(let length) = inbound.unprotectRTP(buffer, length: slab.lengths[i]),
                          case .packet(let packet) = RTPPacket.parse(UnsafeRawBufferPointer(rebasing: buffer[0..<length])) else { continue }
                    if case .accessUnit = depacketizer.push(packet) { units += 1 }
                }
            }
        }
        blackHole(units)
    }

    Benchmark("Send: packetize + RTP header + SRTP protect + sendto") { benchmark in
        let s = stream()
        let pair = try! loopbackPair()
        let outbound = try! SRTPSession(keyingMaterial: s.keys, direction: .outbound)
        let pool = PacketBufferPool(bufferSize: 1600, bufferCount: 64)
        var packetizer = H264Packetizer(mode: .nonInterleaved, maximumPayloadSize: 1200)
        var sequence: UInt16 = 0
        for _ in benchmark.scaledIterations {
            measure(benchmark, packets: s.plain.count) {
                for (i, au) in s.accessUnits.enumerated() {
                    au.withUnsafeBytes { raw in
                        packetizer.forEachPayload(in: raw) { payload in
                            guard var buffer = pool.acquire() else { return }
                            defer { pool.release(buffer) }
                            let header = RTPHeader(marker: payload.isLastOfAccessUnit, payloadType: 96, sequenceNumber: sequence,
                                                   timestamp: UInt32(i * 3000), ssrc: 0x4321)
                            sequence &+= 1
                            let n = header.write(into: buffer.writable)!
                            buffer.length = n + payload.write(from: raw, into: UnsafeMutableRawBufferPointer(rebasing: buffer.writable[n...]))
                            guard let length = outbound.protectRTP(buffer.writable, length: buffer.length) else { return }
                            pair.sender.send(UnsafeRawBufferPointer(start: buffer.base, count: length), to: pair.to)
                        }
                    }
                }
            }
            // Empty the receiver so the next pass is not dropped by a full socket buffer.
            let batch = ReceiveBatch(capacity: 64)
            let drain = PacketBufferPool(bufferSize: 1600, bufferCount: 128)
            while pair.receiver.receiveBatch(pool: drain, batch: batch, { b, _ in drain.release(b) }) > 0 {}
        }
    }

    Benchmark("Baseline: bare sendmmsg of the same packets") { benchmark in
        let s = stream()
        let pair = try! loopbackPair()
        let slab = Slab(count: s.protected.count)
        slab.load(s.protected)
        var slots = [cb_datagram](repeating: cb_datagram(), count: 64)
        var to = sockaddr_storage()
        var toLength = socklen_t(0)
        _ = cb_sys_make_address("127.0.0.1", pair.receiver.localPort, &to, &toLength)
        for _ in benchmark.scaledIterations {
            measure(benchmark, packets: s.protected.count) {
                var i = 0
                while i < s.protected.count {
                    let n = min(64, s.protected.count - i)
                    for k in 0..<n {
                        slots[k].buffer = slab.packet(i + k).baseAddress
                        slots[k].length = UInt32(slab.lengths[i + k])
                        slots[k].address = to
                        slots[k].address_length = toLength
                    }
                    _ = cb_sys_send_batch(pair.sender.fileDescriptor, &slots, Int32(n))
                    i += n
                }
            }
            let batch = ReceiveBatch(capacity: 64)
            let drain = PacketBufferPool(bufferSize: 1600, bufferCount: 128)
            while pair.receiver.receiveBatch(pool: drain, batch: batch, { b, _ in drain.release(b) }) > 0 {}
        }
    }

    Benchmark("Baseline: bare recvmmsg of the same packets") { benchmark in
        let s = stream()
        let pair = try! loopbackPair()
        let pool = PacketBufferPool(bufferSize: 1600, bufferCount: 256)
        let batch = ReceiveBatch(capacity: 32)
        for _ in benchmark.scaledIterations {
            for p in s.protected { p.withUnsafeBytes { _ = pair.sender.send($0, to: pair.to) } }
            var received = 0
            measure(benchmark, packets: s.protected.count) {
                while received < s.protected.count {
                    let n = pair.receiver.receiveBatch(pool: pool, batch: batch) { b, _ in pool.release(b) }
                    if n == 0 { break }
                    received += n
                }
            }
            blackHole(received)
        }
    }
}
