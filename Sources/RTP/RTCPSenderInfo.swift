/// The sender information of an SR (RFC 3550 §6.4.1): pairs an NTP wall-clock time with the
/// RTP timestamp of the same instant (for lip sync) and counts what was sent so far.
public struct RTCPSenderInfo: Hashable, Sendable {
    /// Bytes on the wire.
    public static let size = 20

    public var ntpTimestamp: NTPTimestamp
    /// The same instant as `ntpTimestamp` on the stream's RTP clock.
    public var rtpTimestamp: UInt32
    /// RTP packets sent since the stream started (wraps).
    public var packetCount: UInt32
    /// RTP payload octets sent since the stream started, headers and padding excluded (wraps).
    public var octetCount: UInt32

    public init(ntpTimestamp: NTPTimestamp, rtpTimestamp: UInt32, packetCount: UInt32, octetCount: UInt32) {
        self.ntpTimestamp = ntpTimestamp
        self.rtpTimestamp = rtpTimestamp
        self.packetCount = packetCount
        self.octetCount = octetCount
    }

    init(reading bytes: UnsafeRawBufferPointer, at offset: Int) {
        ntpTimestamp = NTPTimestamp(seconds: bytes.u32(offset), fraction: bytes.u32(offset + 4))
        rtpTimestamp = bytes.u32(offset + 8)
        packetCount = bytes.u32(offset + 12)
        octetCount = bytes.u32(offset + 16)
    }

    @usableFromInline func write(to buffer: UnsafeMutableRawBufferPointer, at offset: Int) {
        buffer.put32(ntpTimestamp.seconds, at: offset)
        buffer.put32(ntpTimestamp.fraction, at: offset + 4)
        buffer.put32(rtpTimestamp, at: offset + 8)
        buffer.put32(packetCount, at: offset + 12)
        buffer.put32(octetCount, at: offset + 16)
    }
}
