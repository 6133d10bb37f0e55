import CSystemShims
import Glibc

/// An IPv4/IPv6 address and port in the kernel's own form, ready for sendto/sendmmsg
/// without conversion on the packet path.
public struct SocketAddress: Equatable, Sendable, CustomStringConvertible {
    var storage = sockaddr_storage()
    var length: socklen_t = 0

    public init?(host: String, port: UInt16) {
        guard cb_sys_make_address(host, port, &storage, &length) == 0 else { return nil }
    }

    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    public var port: UInt16 {
        var copy = storage
        return UInt16(truncatingIfNeeded: cb_sys_address_port(&copy))
    }

    public var host: String {
        var copy = storage
        var text = [UInt8](repeating: 0, count: 64)
        let rc = text.withUnsafeMutableBufferPointer { out in
            out.baseAddress!.withMemoryRebound(to: CChar.self, capacity: out.count) { cb_sys_address_text(&copy, $0, out.count) }
        }
        guard rc == 0 else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }, as: UTF8.self)
    }

    public var description: String { storage.ss_family == sa_family_t(AF_INET6) ? "[\(host)]:\(port)" : "\(host):\(port)" }

    public static func == (a: SocketAddress, b: SocketAddress) -> Bool {
        guard a.length == b.length else { return false }
        var x = a.storage, y = b.storage
        return memcmp(&x, &y, Int(a.length)) == 0
    }
}
