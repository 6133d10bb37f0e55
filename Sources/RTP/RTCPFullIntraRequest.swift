/// A full intra request (PSFB FMT 4, RFC 5104 §4.3.1), viewed in place in the received
/// buffer: asks each listed media sender for a decoder refresh point. Valid only while that
/// buffer is. Unlike PLI, the target SSRCs are in the entries; the command sequence number
/// lets the sender ignore a repeated request it already served (RFC 5104 §4.3.1.2).
public struct RTCPFullIntraRequest {
    /// Sender SSRC, media SSRC, then at least one 8-byte entry (checked by the parser).
    let payload: UnsafeRawBufferPointer

    init(payload: UnsafeRawBufferPointer) { self.payload = payload }

    /// Who asks.
    public var senderSSRC: UInt32 { payload.u32(0) }
    /// RFC 5104 §4.3.1.2 says this SHALL be 0; kept for diagnostics, not for routing.
    public var mediaSSRC: UInt32 { payload.u32(4) }

    public var entries: RTCPFIREntryList {
        let start = RTCPFeedbackFormat.commonHeaderSize
        let whole = (payload.count - start) / RTCPFIREntry.size * RTCPFIREntry.size
        return RTCPFIREntryList(bytes: payload.slice(start..<start + whole))
    }
}

/// One FIR entry (RFC 5104 §4.3.1.1): the media sender to refresh and the request's command
/// sequence number (incremented by the requester for each new request, modulo 256).
public struct RTCPFIREntry: Hashable, Sendable {
    /// Bytes on the wire: SSRC, sequence number, 24 reserved bits.
    public static let size = 8

    public var ssrc: UInt32
    public var sequenceNumber: UInt8

    public init(ssrc: UInt32, sequenceNumber: UInt8) {
        self.ssrc = ssrc
        self.sequenceNumber = sequenceNumber
    }
}

/// The FCI entries of a FIR, decoded on access (no copy). Valid only while the packet's
/// buffer is.
public struct RTCPFIREntryList: RandomAccessCollection {
    /// A multiple of 8 bytes.
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var startIndex: Int { 0 }
    public var endIndex: Int { bytes.count / RTCPFIREntry.size }

    public subscript(position: Int) -> RTCPFIREntry {
        precondition(position >= 0 && position < endIndex, "FIR entry index out of range")
        let offset = position * RTCPFIREntry.size
        return RTCPFIREntry(ssrc: bytes.u32(offset), sequenceNumber: bytes[offset + 4])
    }
}
