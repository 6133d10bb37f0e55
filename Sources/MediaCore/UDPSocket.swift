import CSystemShims
import Glibc

/// A non-blocking UDP socket owned by one media worker: batched receive into pooled
/// buffers (recvmmsg), send without allocation.
public final class UDPSocket {
    public let fileDescriptor: Int32
    public let localPort: UInt16
    public private(set) var truncatedDatagrams = 0
    public private(set) var sendErrors = 0

    /// Binds `host:port` (port 0: any free port).
    public init(host: String, port: UInt16 = 0, receiveBufferBytes: Int = 1 << 20) throws(SystemError) {
        let fd = try SystemError.check(cb_sys_udp_bind(host, port, Int32(receiveBufferBytes)), "bind UDP \(host):\(port)")
        fileDescriptor = fd
        localPort = UInt16(truncatingIfNeeded: cb_sys_local_port(fd))
    }

    deinit { close(fileDescriptor) }

    /// Sends one datagram; failures (full socket buffer, unreachable) are counted, not thrown:
    /// real-time media never blocks or retries a send.
    @discardableResult
    public func send(_ bytes: UnsafeRawBufferPointer, to address: SocketAddress) -> Bool {
        var storage = address.storage
        let n = cb_sys_send_to(fileDescriptor, bytes.baseAddress, bytes.count, &storage, address.length)
        if n < 0 { sendErrors += 1; return false }
        return true
    }

    /// Receives up to `slots.count` waiting datagrams into buffers from `pool` and calls
    /// `body` for each (buffer, source). Buffers the body does not keep must be released by
    /// it. Returns how many were received; stops when nothing more is waiting.
    public func receiveBatch(pool: PacketBufferPool, batch: ReceiveBatch, _ body: (PacketBuffer, SocketAddress) -> Void) -> Int {
        var total = 0
        while true {
            var filled = 0
            while filled < batch.capacity, let buffer = pool.acquire() {
                batch.buffers[filled] = buffer
                batch.slots[filled].buffer = buffer.base
                batch.slots[filled].capacity = UInt32(buffer.capacity)
                filled += 1
            }
            if filled == 0 { return total }
            let n = Int(max(0, cb_sys_recv_batch(fileDescriptor, batch.slots, Int32(filled))))
            for i in 0..<n {
                var buffer = batch.buffers[i]
                let length = Int(batch.slots[i].length)
                if length == 0 {
                    truncatedDatagrams += 1
                    pool.release(buffer)
                    continue
                }
                buffer.length = length
                body(buffer, SocketAddress(storage: batch.slots[i].address, length: batch.slots[i].address_length))
            }
            for i in n..<filled { pool.release(batch.buffers[i]) }
            total += n
            if n < filled { return total }
        }
    }
}

/// Scratch space for `receiveBatch`, allocated once per worker.
public final class ReceiveBatch {
    public let capacity: Int
    let slots: UnsafeMutablePointer<cb_datagram>
    let buffers: UnsafeMutablePointer<PacketBuffer>

    public init(capacity: Int = 32) {
        precondition(capacity > 0 && capacity <= 64)
        self.capacity = capacity
        slots = UnsafeMutablePointer<cb_datagram>.allocate(capacity: capacity)
        slots.initialize(repeating: cb_datagram(), count: capacity)
        buffers = UnsafeMutablePointer<PacketBuffer>.allocate(capacity: capacity)
        buffers.initialize(repeating: PacketBuffer(index: 0, base: UnsafeMutableRawPointer(slots), capacity: 0, length: 0), count: capacity)
    }

    deinit {
        slots.deallocate()
        buffers.deallocate()
    }
}
