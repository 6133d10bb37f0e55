/// A sender report (RFC 3550 §6.4.1), viewed in place in the received buffer. Valid only
/// while that buffer is (i.e. inside the parse callback).
public struct RTCPSenderReport {
    /// The packet after its 4-byte header, padding removed; at least 24 + 24 × RC bytes.
    let payload: UnsafeRawBufferPointer
    let reportCount: Int

    init(payload: UnsafeRawBufferPointer, reportCount: Int) {
        self.payload = payload
        self.reportCount = reportCount
    }

    /// Minimum payload: SSRC + sender info.
    @usableFromInline static let fixedSize = 4 + RTCPSenderInfo.size

    /// The sender.
    public var ssrc: UInt32 { payload.u32(0) }

    public var senderInfo: RTCPSenderInfo { RTCPSenderInfo(reading: payload, at: 4) }

    /// What the sender receives from others (it may also be a receiver).
    public var reportBlocks: RTCPReportBlockList {
        let start = Self.fixedSize
        return RTCPReportBlockList(bytes: payload.slice(start..<start + reportCount * RTCPReportBlock.size))
    }

    /// Profile-specific extension after the report blocks (RFC 3550 §6.4.1); usually empty.
    public var profileExtension: UnsafeRawBufferPointer {
        payload.slice(Self.fixedSize + reportCount * RTCPReportBlock.size..<payload.count)
    }
}
