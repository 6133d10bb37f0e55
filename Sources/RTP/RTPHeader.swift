/// The fields we put on packets we send. `write` serializes into a caller buffer (a pooled
/// packet buffer) without allocating.
public struct RTPHeader: Equatable, Sendable {
    public var marker: Bool
    public var payloadType: UInt8
    public var sequenceNumber: UInt16
    public var timestamp: UInt32
    public var ssrc: UInt32
    /// Contributing sources (a mixer lists the speakers it mixed, RFC 3550 §7.1); up to 15.
    public var csrcs: [UInt32]

    public init(marker: Bool = false, payloadType: UInt8, sequenceNumber: UInt16, timestamp: UInt32, ssrc: UInt32, csrcs: [UInt32] = []) {
        self.marker = marker
        self.payloadType = payloadType
        self.sequenceNumber = sequenceNumber
        self.timestamp = timestamp
        self.ssrc = ssrc
        self.csrcs = csrcs
    }

    /// Writes the fixed header, CSRCs and (when `extensions` adds any) a one-byte-form header
    /// extension. Returns the header length (where the payload starts), or nil if it does
    /// not fit or an extension element was refused.
    public func write(into buffer: UnsafeMutableRawBufferPointer,
                      extensions: ((inout RTPHeaderExtensionWriter) -> Void)? = nil) -> Int? {
        precondition(payloadType < 128 && csrcs.count <= 15)
        var offset = 12 + 4 * csrcs.count
        guard buffer.count >= offset else { return nil }
        buffer.put8(0x80 | UInt8(csrcs.count), at: 0)
        buffer.put8((marker ? 0x80 : 0) | payloadType, at: 1)
        buffer.put16(sequenceNumber, at: 2)
        buffer.put32(timestamp, at: 4)
        buffer.put32(ssrc, at: 8)
        for (i, csrc) in csrcs.enumerated() { buffer.put32(csrc, at: 12 + 4 * i) }
        guard let extensions else { return offset }

        guard buffer.count >= offset + 4 else { return nil }
        var writer = RTPHeaderExtensionWriter(buffer: buffer, start: offset + 4, offset: offset + 4)
        extensions(&writer)
        if writer.overflow { return nil }
        if writer.offset == writer.start { return offset }   // nothing added: no extension
        var end = writer.offset
        while (end - writer.start) % 4 != 0 {                 // pad with zeros to 32 bits
            guard end < buffer.count else { return nil }
            buffer.put8(0, at: end)
            end += 1
        }
        buffer.put8(buffer[0] | 0x10, at: 0)
        buffer.put16(RTPHeaderExtensions.oneByteProfile, at: offset)
        buffer.put16(UInt16((end - writer.start) / 4), at: offset + 2)
        offset = end
        return offset
    }
}
