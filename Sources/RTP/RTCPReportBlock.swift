/// One reception report (RFC 3550 §6.4.1): what a receiver tells a sender about one source.
/// Decoded to a plain value so a stream can keep its latest one and write it back unchanged.
public struct RTCPReportBlock: Hashable, Sendable {
    /// Bytes on the wire.
    public static let size = 24
    /// What the 24-bit signed cumulative-lost field can hold.
    public static let cumulativeLostRange: ClosedRange<Int32> = -0x80_0000...0x7F_FFFF

    /// The source this block reports on.
    public var ssrc: UInt32
    /// Loss since the previous report, as a fixed-point fraction of 256.
    public var fractionLost: UInt8
    /// Expected minus received since the start: negative when duplicates outnumber losses.
    /// Only 24 bits travel, so writing clamps to `cumulativeLostRange` (RFC 3550 §A.3).
    public var cumulativeLost: Int32
    /// Highest sequence number received, extended with the wrap count in the high 16 bits.
    public var extendedHighestSequence: UInt32
    /// Interarrival jitter in RTP timestamp units.
    public var jitter: UInt32
    /// Middle 32 bits of the NTP timestamp of the last SR from this source (0: none yet).
    public var lastSR: UInt32
    /// Time since that SR arrived, in 1/65536 s (`NTPTimestamp.compactDuration`).
    public var delaySinceLastSR: UInt32

    public init(
        ssrc: UInt32, fractionLost: UInt8 = 0, cumulativeLost: Int32 = 0, extendedHighestSequence: UInt32 = 0,
        jitter: UInt32 = 0, lastSR: UInt32 = 0, delaySinceLastSR: UInt32 = 0
    ) {
        self.ssrc = ssrc
        self.fractionLost = fractionLost
        self.cumulativeLost = cumulativeLost
        self.extendedHighestSequence = extendedHighestSequence
        self.jitter = jitter
        self.lastSR = lastSR
        self.delaySinceLastSR = delaySinceLastSR
    }

    /// Reads a block; the caller has checked that 24 bytes are there.
    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        ssrc = bytes.u32(offset)
        fractionLost = bytes[offset + 4]
        // Sign-extend the 24-bit two's complement field.
        cumulativeLost = Int32(bitPattern: bytes.u24(offset + 5) << 8) >> 8
        extendedHighestSequence = bytes.u32(offset + 8)
        jitter = bytes.u32(offset + 12)
        lastSR = bytes.u32(offset + 16)
        delaySinceLastSR = bytes.u32(offset + 20)
    }

    /// Writes the block; the caller has checked that 24 bytes fit.
    @usableFromInline func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.put32(ssrc, at: offset)
        buffer[offset + 4] = fractionLost
        let lost = min(max(cumulativeLost, Self.cumulativeLostRange.lowerBound), Self.cumulativeLostRange.upperBound)
        buffer.put24(UInt32(bitPattern: lost), at: offset + 5)
        buffer.put32(extendedHighestSequence, at: offset + 8)
        buffer.put32(jitter, at: offset + 12)
        buffer.put32(lastSR, at: offset + 16)
        buffer.put32(delaySinceLastSR, at: offset + 20)
    }
}

/// The report blocks of an SR or RR, decoded on access from the packet's bytes (no copy).
/// Valid only while the packet's buffer is.
public struct RTCPReportBlockList: RandomAccessCollection {
    /// Exactly `count` × 24 bytes, checked by the parser.
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var startIndex: Int { 0 }
    public var endIndex: Int { bytes.count / RTCPReportBlock.size }

    public subscript(position: Int) -> RTCPReportBlock {
        precondition(position >= 0 && position < endIndex, "report block index out of range")
        return RTCPReportBlock(reading: bytes, at: position * RTCPReportBlock.size)
    }
}
