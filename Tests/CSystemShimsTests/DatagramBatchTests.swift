import CSystemShims
import Glibc
import Testing

@Suite("recvmmsg/sendmmsg shims")
struct DatagramBatchTests {
    func udpSocket() throws -> (fd: Int32, address: sockaddr_in) {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        try #require(fd >= 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        try #require(bound == 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        return (fd, address)
    }

    @Test func batchOfDatagramsRoundTripsOverLoopback() throws {
        let (receiver, receiverAddress) = try udpSocket()
        let (sender, senderAddress) = try udpSocket()
        defer { close(receiver); close(sender) }
        let count = 16
        let storage = UnsafeMutableRawPointer.allocate(byteCount: count * 2048, alignment: 64)
        defer { storage.deallocate() }
        var slots = [cb_datagram](repeating: cb_datagram(), count: count)
        for i in 0..<count {
            let payload = storage + i * 2048
            for j in 0..<100 { payload.storeBytes(of: UInt8(truncatingIfNeeded: i * 7 + j), toByteOffset: j, as: UInt8.self) }
            slots[i].buffer = payload
            slots[i].length = UInt32(100 + i)
            withUnsafeMutableBytes(of: &slots[i].address) { raw in
                withUnsafeBytes(of: receiverAddress) { raw.copyMemory(from: $0) }
            }
            slots[i].address_length = socklen_t(MemoryLayout<sockaddr_in>.size)
        }
        let sent = cb_sys_send_batch(sender, &slots, Int32(count))
        #expect(sent == Int32(count))

        let inbox = UnsafeMutableRawPointer.allocate(byteCount: count * 2048, alignment: 64)
        defer { inbox.deallocate() }
        var received = [cb_datagram](repeating: cb_datagram(), count: count)
        for i in 0..<count { received[i].buffer = inbox + i * 2048; received[i].capacity = 2048 }
        var got = 0
        for _ in 0..<100 where got < count {
            _ = cb_sys_wait_readable(receiver, 100)
            let n = received.withUnsafeMutableBufferPointer { cb_sys_recv_batch(receiver, $0.baseAddress! + got, Int32(count - got)) }
            #expect(n >= 0)
            got += Int(n)
        }
        #expect(got == count)
        for i in 0..<count {
            #expect(received[i].length == UInt32(100 + i))
            #expect(received[i].buffer.load(fromByteOffset: 5, as: UInt8.self) == UInt8(truncatingIfNeeded: i * 7 + 5))
            let port = withUnsafeBytes(of: received[i].address) { $0.load(fromByteOffset: 2, as: UInt16.self) }
            #expect(port == senderAddress.sin_port, "source address reported")
        }
        // Nothing waiting: 0, not an error.
        #expect(cb_sys_recv_batch(receiver, &received, Int32(count)) == 0)
    }

    @Test func oversizedDatagramIsReportedAsZeroLength() throws {
        let (receiver, receiverAddress) = try udpSocket()
        let (sender, _) = try udpSocket()
        defer { close(receiver); close(sender) }
        var big = [UInt8](repeating: 1, count: 3000)
        var to = receiverAddress
        let n = withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { sendto(sender, &big, big.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        #expect(n == 3000)
        let small = UnsafeMutableRawPointer.allocate(byteCount: 1500, alignment: 64)
        defer { small.deallocate() }
        var slot = cb_datagram()
        slot.buffer = small
        slot.capacity = 1500
        _ = cb_sys_wait_readable(receiver, 1000)
        #expect(cb_sys_recv_batch(receiver, &slot, 1) == 1)
        #expect(slot.length == 0, "truncated datagrams are flagged so the caller drops them")
    }
}
