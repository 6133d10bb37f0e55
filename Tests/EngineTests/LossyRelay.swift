import Foundation
import Synchronization

/// A test-only UDP relay on loopback between a sender A and a receiver B: A → B traffic
/// loses `lossPercent` of packets and has `reorderPercent` of them swapped with the next
/// one; B → A traffic (RTCP feedback) passes untouched.
final class LossyRelay: Sendable {
    final class Counters: Sendable {
        let running = Atomic<Bool>(true)
        let forwarded = Atomic<Int>(0)
        let dropped = Atomic<Int>(0)
        let reordered = Atomic<Int>(0)
    }

    let port: UInt16
    let counters = Counters()
    private let fd: Int32

    init(toPort: UInt16, lossPercent: Int, reorderPercent: Int, seed: UInt64) {
        let socketFD = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        port = UInt16(bigEndian: address.sin_port)
        fd = socketFD
        var timeout = timeval(tv_sec: 0, tv_usec: 20_000)
        setsockopt(socketFD, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let counters = self.counters
        Thread.detachNewThread {
            LossyRelay.run(fd: socketFD, toPort: toPort, loss: lossPercent, reorder: reorderPercent, seed: seed, counters: counters)
        }
    }

    func stop() {
        counters.running.store(false, ordering: .relaxed)
        usleep(60_000)
        close(fd)
    }

    var forwarded: Int { counters.forwarded.load(ordering: .relaxed) }
    var dropped: Int { counters.dropped.load(ordering: .relaxed) }
    var reordered: Int { counters.reordered.load(ordering: .relaxed) }

    private static func run(fd: Int32, toPort: UInt16, loss: Int, reorder: Int, seed: UInt64, counters: Counters) {
        var rng = seed | 1
        func roll() -> Int {
            rng ^= rng << 13; rng ^= rng >> 7; rng ^= rng << 17
            return Int(rng % 100)
        }
        var target = sockaddr_in()
        target.sin_family = sa_family_t(AF_INET)
        target.sin_addr.s_addr = inet_addr("127.0.0.1")
        target.sin_port = toPort.bigEndian
        var senderA: sockaddr_in?
        var held: [UInt8]?
        var buffer = [UInt8](repeating: 0, count: 2048)
        func send(_ bytes: [UInt8], _ address: sockaddr_in) {
            var to = address
            _ = bytes.withUnsafeBytes { b in
                withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            }
        }
        while counters.running.load(ordering: .relaxed) {
            var from = sockaddr_in()
            var fromLength = socklen_t(MemoryLayout<sockaddr_in>.size)
            let n = buffer.withUnsafeMutableBytes { b in
                withUnsafeMutablePointer(to: &from) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, b.baseAddress, b.count, 0, $0, &fromLength) } }
            }
            guard n > 0 else { continue }
            let bytes = Array(buffer[0..<n])
            if from.sin_port == target.sin_port {
                if let a = senderA { send(bytes, a) }   // B → A feedback, untouched
                continue
            }
            senderA = from
            if roll() < loss { counters.dropped.add(1, ordering: .relaxed); continue }
            if held == nil && roll() < reorder {
                held = bytes
                counters.reordered.add(1, ordering: .relaxed)
                continue
            }
            send(bytes, target)
            counters.forwarded.add(1, ordering: .relaxed)
            if let h = held {
                send(h, target)
                held = nil
                counters.forwarded.add(1, ordering: .relaxed)
            }
        }
    }
}
