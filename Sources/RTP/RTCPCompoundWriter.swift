/// Builds an outgoing compound packet (RFC 3550 §6.1) in one caller-owned buffer by writing
/// packets back to back, e.g. RR + SDES + PLI. It does not enforce the RFC 3550 ordering
/// (report first, then SDES): callers also build RFC 5506 reduced-size packets with it.
/// Nothing is allocated; a packet that does not fit is not appended and leaves the bytes
/// already written intact.
public struct RTCPCompoundWriter {
    public let buffer: UnsafeMutableRawBufferPointer
    /// Bytes written so far.
    public private(set) var count = 0

    public init(buffer: UnsafeMutableRawBufferPointer) { self.buffer = buffer }

    /// The compound so far, ready to protect and send.
    public var bytes: UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: buffer[0..<count]) }

    /// Appends whatever `write` puts at the front of the space left (any `RTCPWriter`
    /// function, or the caller's own for APP/REMB). False when it returned nil.
    @discardableResult
    public mutating func append(_ write: (UnsafeMutableRawBufferPointer) -> Int?) -> Bool {
        let remaining = UnsafeMutableRawBufferPointer(rebasing: buffer[count...])
        guard let written = write(remaining), written >= 0, written <= remaining.count else { return false }
        count += written
        return true
    }

    @discardableResult
    @inlinable
    public mutating func appendSenderReport(
        ssrc: UInt32, senderInfo: RTCPSenderInfo, reportBlocks: some Collection<RTCPReportBlock>
    ) -> Bool {
        append {
            RTCPWriter.writeSenderReport(ssrc: ssrc, senderInfo: senderInfo, reportBlocks: reportBlocks, into: $0)
        }
    }

    @discardableResult
    @inlinable
    public mutating func appendReceiverReport(ssrc: UInt32, reportBlocks: some Collection<RTCPReportBlock>) -> Bool {
        append { RTCPWriter.writeReceiverReport(ssrc: ssrc, reportBlocks: reportBlocks, into: $0) }
    }

    @discardableResult
    public mutating func appendReceiverReport(ssrc: UInt32) -> Bool {
        append { RTCPWriter.writeReceiverReport(ssrc: ssrc, into: $0) }
    }

    @discardableResult
    public mutating func appendSourceDescription(ssrc: UInt32, cname: String) -> Bool {
        append { RTCPWriter.writeSourceDescription(ssrc: ssrc, cname: cname, into: $0) }
    }

    @discardableResult
    @inlinable
    public mutating func appendBye(ssrcs: some Collection<UInt32>, reason: String? = nil) -> Bool {
        append { RTCPWriter.writeBye(ssrcs: ssrcs, reason: reason, into: $0) }
    }

    @discardableResult
    @inlinable
    public mutating func appendGenericNACK(
        senderSSRC: UInt32, mediaSSRC: UInt32, lostSequenceNumbers: some Sequence<UInt16>
    ) -> Bool {
        append {
            RTCPWriter.writeGenericNACK(
                senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, lostSequenceNumbers: lostSequenceNumbers, into: $0)
        }
    }

    @discardableResult
    public mutating func appendPictureLossIndication(senderSSRC: UInt32, mediaSSRC: UInt32) -> Bool {
        append { RTCPWriter.writePictureLossIndication(senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, into: $0) }
    }

    @discardableResult
    public mutating func appendFullIntraRequest(senderSSRC: UInt32, mediaSSRC: UInt32, sequenceNumber: UInt8) -> Bool {
        append {
            RTCPWriter.writeFullIntraRequest(
                senderSSRC: senderSSRC, mediaSSRC: mediaSSRC, sequenceNumber: sequenceNumber, into: $0)
        }
    }
}
