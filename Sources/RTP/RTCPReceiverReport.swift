/// A receiver report (RFC 3550 §6.4.2), viewed in place in the received buffer. Valid only
/// while that buffer is. An RR with no blocks is legal: it is what a member that receives
/// nothing sends so the compound still starts with a report.
public struct RTCPReceiverReport {
    /// The packet after its 4-byte header, padding removed; at least 4 + 24 × RC bytes.
    let payload: UnsafeRawBufferPointer
    let reportCount: Int

    init(payload: UnsafeRawBufferPointer, reportCount: Int) {
        self.payload = payload
        self.reportCount = reportCount
    }

    /// Minimum payload: the reporter's SSRC.
    @usableFromInline static let fixedSize = 4

    /// The reporter.
    public var ssrc: UInt32 { payload.u32(0) }

    public var reportBlocks: RTCPReportBlockList {
        let start = Self.fixedSize
        return RTCPReportBlockList(bytes: payload.slice(start..<start + reportCount * RTCPReportBlock.size))
    }

    /// Profile-specific extension after the report blocks (RFC 3550 §6.4.2); usually empty.
    public var profileExtension: UnsafeRawBufferPointer {
        payload.slice(Self.fixedSize + reportCount * RTCPReportBlock.size..<payload.count)
    }
}
