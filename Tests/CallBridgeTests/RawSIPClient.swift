import Foundation

/// A bare UDP socket speaking SIP by hand to the bridge: for the requests no real endpoint
/// sends on demand (malformed ones, floods, INFO, out-of-order CSeq).
final class RawSIPClient {
    let fd: Int32
    let port: UInt16
    let bridgePort: Int

    init(bridgePort: Int, receiveTimeout: Int = 2) {
        self.bridgePort = bridgePort
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        self.fd = fd
        var timeout = timeval(tv_sec: receiveTimeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        var local = sockaddr_in()
        local.sin_family = sa_family_t(AF_INET)
        local.sin_addr.s_addr = inet_addr("127.0.0.1")
        _ = withUnsafePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &local) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) } }
        port = UInt16(bigEndian: local.sin_port)
    }

    deinit { close(fd) }

    func send(_ text: String) {
        var to = sockaddr_in()
        to.sin_family = sa_family_t(AF_INET)
        to.sin_addr.s_addr = inet_addr("127.0.0.1")
        to.sin_port = UInt16(bridgePort).bigEndian
        let bytes = Array(text.utf8)
        _ = bytes.withUnsafeBytes { b in withUnsafePointer(to: &to) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            sendto(fd, b.baseAddress, b.count, 0, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } } }
    }

    func receive() -> String? {
        var buffer = [UInt8](repeating: 0, count: 16384)
        let n = recv(fd, &buffer, buffer.count, 0)
        return n > 0 ? String(decoding: buffer[0..<n], as: UTF8.self) : nil
    }

    /// Sends and returns the first final response to this request (same Call-ID and CSeq):
    /// provisional responses and retransmitted answers to earlier requests are skipped.
    func exchange(_ text: String) -> String? {
        send(text)
        let callID = Self.header("Call-ID", in: text), cseq = Self.header("CSeq", in: text)
        while let reply = receive() {
            if reply.hasPrefix("SIP/2.0 1") { continue }
            if callID != nil, Self.header("Call-ID", in: reply) != callID || Self.header("CSeq", in: reply) != cseq { continue }
            return reply
        }
        return nil
    }

    func request(_ method: String, _ user: String, headers: [String], body: String = "", branch: String? = nil) -> String {
        let branch = branch ?? "z9hG4bK" + UUID().uuidString.prefix(8)
        return "\(method) sip:\(user)@127.0.0.1:\(bridgePort) SIP/2.0\r\nVia: SIP/2.0/UDP 127.0.0.1:\(port);branch=\(branch);rport\r\n"
            + headers.map { $0 + "\r\n" }.joined() + "Content-Length: \(body.utf8.count)\r\n\r\n" + body
    }

    static func header(_ name: String, in message: String) -> String? {
        for line in message.components(separatedBy: "\r\n") where line.lowercased().hasPrefix(name.lowercased() + ":") {
            return line.dropFirst(name.count + 1).trimmingCharacters(in: .whitespaces)
        }
        return nil
    }

    static func audioOffer(port: Int, direction: String = "sendrecv", version: Int = 1) -> String {
        "v=0\r\no=- 1 \(version) IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio \(port) RTP/AVP 0\r\na=rtpmap:0 PCMU/8000\r\na=\(direction)\r\n"
    }
}
