import MediaCore

/// A BYE packet (RFC 3550 §6.6), viewed in place in the received buffer. Valid only while
/// that buffer is.
public struct RTCPBye {
    /// The sources leaving.
    public let ssrcs: RTCPSSRCList
    /// The optional reason text (UTF-8); nil when absent or empty.
    public let reason: UnsafeRawBufferPointer?

    /// Reads a payload (after the header, padding removed) that `validate` accepted.
    init(payload: UnsafeRawBufferPointer, sourceCount: Int) {
        let listEnd = min(sourceCount * 4, payload.count)
        ssrcs = RTCPSSRCList(bytes: payload.slice(0..<listEnd & ~3))
        // Anything after the list is a length octet, the reason, then null padding.
        if listEnd < payload.count {
            let reasonEnd = min(listEnd + 1 + Int(payload[listEnd]), payload.count)
            reason = reasonEnd > listEnd + 1 ? payload.slice(listEnd + 1..<reasonEnd) : nil
        } else {
            reason = nil
        }
    }

    static func validate(payload: UnsafeRawBufferPointer, sourceCount: Int) -> PacketDropReason? {
        let listEnd = sourceCount * 4
        guard payload.count >= listEnd else { return .rtcpBadReportCount }
        if payload.count > listEnd, listEnd + 1 + Int(payload[listEnd]) > payload.count { return .rtcpBadLength }
        return nil
    }
}

/// A run of 32-bit SSRCs read in place (no copy). Valid only while the packet's buffer is.
public struct RTCPSSRCList: RandomAccessCollection {
    /// A multiple of 4 bytes.
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var startIndex: Int { 0 }
    public var endIndex: Int { bytes.count / 4 }

    public subscript(position: Int) -> UInt32 {
        precondition(position >= 0 && position < endIndex, "SSRC index out of range")
        return bytes.u32(position * 4)
    }
}
