/// Serializes RTCP packets straight into a caller's buffer (no allocation). Each function
/// writes one packet at the start of `buffer` and returns its length in bytes, or nil when
/// it does not fit (the buffer's bytes are then unspecified) or cannot be encoded (more than
/// 31 report blocks/SSRCs, text over 255 bytes, an empty NACK or FIR). No padding bit is set:
/// every packet written is naturally a multiple of 32 bits.
///
/// The functions generic over collections are `@inlinable` so they are specialized in the
/// caller's module: unspecialized generic iteration across modules allocates per element.
public enum RTCPWriter {
    /// The 16-bit length field counts 32-bit words minus one.
    @usableFromInline static let maximumPacketSize = 65536 * 4
    /// RC/SC/FMT are 5 bits.
    @usableFromInline static let maximumCount = 31

    /// SR (RFC 3550 §6.4.1). A sender that also receives attaches up to 31 report blocks.
    @inlinable
    public static func writeSenderReport(
        ssrc: UInt32, senderInfo: RTCPSenderInfo, reportBlocks: some Collection<RTCPReportBlock>,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let blockCount = reportBlocks.count
        guard blockCount <= maximumCount else { return nil }
        let size = RTCPPacket.headerSize + RTCPSenderReport.fixedSize + blockCount * RTCPReportBlock.size
        guard size <= buffer.count else { return nil }
        writeHeader(count: blockCount, type: .senderReport, size: size, into: buffer)
        buffer.put32(ssrc, at: 4)
        senderInfo.write(to: buffer, at: 8)
        writeBlocks(reportBlocks, into: buffer, at: 8 + RTCPSenderInfo.size)
        return size
    }

    /// SR without report blocks.
    public static func writeSenderReport(
        ssrc: UInt32, senderInfo: RTCPSenderInfo, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        writeSenderReport(
            ssrc: ssrc, senderInfo: senderInfo, reportBlocks: EmptyCollection<RTCPReportBlock>(), into: buffer)
    }

    /// RR (RFC 3550 §6.4.2). With no blocks it is the empty RR that starts a compound from a
    /// member that receives nothing.
    @inlinable
    public static func writeReceiverReport(
        ssrc: UInt32, reportBlocks: some Collection<RTCPReportBlock>, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let blockCount = reportBlocks.count
        guard blockCount <= maximumCount else { return nil }
        let size = RTCPPacket.headerSize + RTCPReceiverReport.fixedSize + blockCount * RTCPReportBlock.size
        guard size <= buffer.count else { return nil }
        writeHeader(count: blockCount, type: .receiverReport, size: size, into: buffer)
        buffer.put32(ssrc, at: 4)
        writeBlocks(reportBlocks, into: buffer, at: 8)
        return size
    }

    /// RR without report blocks.
    public static func writeReceiverReport(ssrc: UInt32, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        writeReceiverReport(ssrc: ssrc, reportBlocks: EmptyCollection<RTCPReportBlock>(), into: buffer)
    }

    /// SDES with one chunk holding one CNAME item (RFC 3550 §6.5.1), the item every compound
    /// must carry outside reduced-size RTCP. `cname` is sent as UTF-8, at most 255 bytes.
    public static func writeSourceDescription(
        ssrc: UInt32, cname: String, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let text = cname.utf8
        let textLength = text.count
        guard textLength <= 255 else { return nil }
        // Type, length, text, then at least one null octet (the end of the item list) and
        // more nulls up to the 32-bit boundary (RFC 3550 §6.5).
        let items = (2 + textLength + 1 + 3) & ~3
        let size = RTCPPacket.headerSize + 4 + items
        guard size <= buffer.count else { return nil }
        writeHeader(count: 1, type: .sourceDescription, size: size, into: buffer)
        buffer.put32(ssrc, at: 4)
        buffer[8] = RTCPSourceDescription.ItemType.cname.rawValue
        buffer[9] = UInt8(textLength)
        var offset = 10
        for byte in text {
            buffer[offset] = byte
            offset += 1
        }
        while offset < size {
            buffer[offset] = 0
            offset += 1
        }
        return size
    }

    /// BYE (RFC 3550 §6.6) for up to 31 sources, with an optional reason (UTF-8, at most
    /// 255 bytes).
    @inlinable
    public static func writeBye(
        ssrcs: some Collection<UInt32>, reason: String? = nil, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let sourceCount = ssrcs.count
        guard sourceCount <= maximumCount else { return nil }
        let reasonLength = reason?.utf8.count ?? 0
        guard reasonLength <= 255 else { return nil }
        // Length octet + text, null-padded to 32 bits; nothing at all without a reason.
        let reasonField = reason == nil ? 0 : (1 + reasonLength + 3) & ~3
        let size = RTCPPacket.headerSize + sourceCount * 4 + reasonField
        guard size <= buffer.count else { return nil }
        writeHeader(count: sourceCount, type: .bye, size: size, into: buffer)
        var offset = RTCPPacket.headerSize
        for ssrc in ssrcs {
            buffer.put32(ssrc, at: offset)
            offset += 4
        }
        if let reason {
            buffer[offset] = UInt8(reasonLength)
            offset += 1
            for byte in reason.utf8 {
                buffer[offset] = byte
                offset += 1
            }
            while offset < size {
                buffer[offset] = 0
                offset += 1
            }
        }
        return size
    }

    /// Generic NACK (RTPFB FMT 1, RFC 4585 §6.2.1) for the given lost sequence numbers,
    /// packed into PID/BLP entries by `RTCPNACKEntry.pack` (give them in ascending wrap order
    /// for the fewest entries). Nil when there are none.
    @inlinable
    public static func writeGenericNACK(
        senderSSRC: UInt32, mediaSSRC: UInt32, lostSequenceNumbers: some Sequence<UInt16>,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let limit = min(buffer.count, maximumPacketSize)
        var offset = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize
        var fits = offset <= limit
        RTCPNACKEntry.pack(lostSequenceNumbers) { entry in
            guard fits, offset + 4 <= limit else {
                fits = false
                return
            }
            buffer.put16(entry.packetID, at: offset)
            buffer.put16(entry.lostBitmask, at: offset + 2)
            offset += 4
        }
        guard fits, offset > RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize else { return nil }
        writeFeedbackHeader(
            format: RTCPFeedbackFormat.TransportLayer.genericNACK, type: .transportLayerFeedback, size: offset,
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, into: buffer)
        return offset
    }

    /// Generic NACK from entries already packed (e.g. to forward a parsed NACK's entries).
    @inlinable
    public static func writeGenericNACK(
        senderSSRC: UInt32, mediaSSRC: UInt32, entries: some Collection<RTCPNACKEntry>,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let entryCount = entries.count
        guard entryCount > 0 else { return nil }
        let size = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize + entryCount * 4
        guard size <= min(buffer.count, maximumPacketSize) else { return nil }
        writeFeedbackHeader(
            format: RTCPFeedbackFormat.TransportLayer.genericNACK, type: .transportLayerFeedback, size: size,
            senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, into: buffer)
        var offset = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize
        for entry in entries {
            buffer.put16(entry.packetID, at: offset)
            buffer.put16(entry.lostBitmask, at: offset + 2)
            offset += 4
        }
        return size
    }

    /// PLI (PSFB FMT 1, RFC 4585 §6.3.1): 12 bytes, no FCI.
    public static func writePictureLossIndication(
        senderSSRC: UInt32, mediaSSRC: UInt32, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let size = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize
        guard size <= buffer.count else { return nil }
        writeFeedbackHeader(
            format: RTCPFeedbackFormat.PayloadSpecific.pictureLossIndication, type: .payloadSpecificFeedback,
            size: size, senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, into: buffer)
        return size
    }

    /// FIR (PSFB FMT 4, RFC 5104 §4.3.1) to one media sender. Bump `sequenceNumber` for each
    /// new request and repeat it unchanged in retransmissions of the same request
    /// (RFC 5104 §4.3.1.2).
    public static func writeFullIntraRequest(
        senderSSRC: UInt32, mediaSSRC: UInt32, sequenceNumber: UInt8, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        writeFullIntraRequest(
            senderSSRC: senderSSRC,
            entries: CollectionOfOne(RTCPFIREntry(ssrc: mediaSSRC, sequenceNumber: sequenceNumber)), into: buffer)
    }

    /// FIR with one entry per media sender. The header's media SSRC is written as 0, as
    /// RFC 5104 §4.3.1.2 requires: the targets are in the entries.
    @inlinable
    public static func writeFullIntraRequest(
        senderSSRC: UInt32, entries: some Collection<RTCPFIREntry>, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int? {
        let entryCount = entries.count
        guard entryCount > 0 else { return nil }
        let size = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize + entryCount * RTCPFIREntry.size
        guard size <= min(buffer.count, maximumPacketSize) else { return nil }
        writeFeedbackHeader(
            format: RTCPFeedbackFormat.PayloadSpecific.fullIntraRequest, type: .payloadSpecificFeedback, size: size,
            senderSSRC: senderSSRC, mediaSSRC: 0, into: buffer)
        var offset = RTCPPacket.headerSize + RTCPFeedbackFormat.commonHeaderSize
        for entry in entries {
            buffer.put32(entry.ssrc, at: offset)
            buffer[offset + 4] = entry.sequenceNumber
            buffer.put24(0, at: offset + 5)  // reserved
            offset += RTCPFIREntry.size
        }
        return size
    }

    /// V=2, P=0, count, type, length; `size` is a multiple of 4 that fits.
    @usableFromInline
    static func writeHeader(count: Int, type: RTCPPacketType, size: Int, into buffer: UnsafeMutableRawBufferPointer) {
        buffer[0] = 0x80 | UInt8(count)
        buffer[1] = type.rawValue
        buffer.put16(UInt16(size / 4 - 1), at: 2)
    }

    @usableFromInline static func writeFeedbackHeader(
        format: UInt8, type: RTCPPacketType, size: Int, senderSSRC: UInt32, mediaSSRC: UInt32,
        into buffer: UnsafeMutableRawBufferPointer
    ) {
        writeHeader(count: Int(format), type: type, size: size, into: buffer)
        buffer.put32(senderSSRC, at: 4)
        buffer.put32(mediaSSRC, at: 8)
    }

    @inlinable static func writeBlocks(
        _ blocks: some Collection<RTCPReportBlock>, into buffer: UnsafeMutableRawBufferPointer, at start: Int
    ) {
        var offset = start
        for block in blocks {
            block.write(to: buffer, at: offset)
            offset += RTCPReportBlock.size
        }
    }
}
