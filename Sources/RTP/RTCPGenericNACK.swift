/// A generic NACK (RTPFB FMT 1, RFC 4585 §6.2.1), viewed in place in the received buffer:
/// the receiver asks `mediaSSRC`'s sender to retransmit the listed packets. Valid only while
/// that buffer is.
public struct RTCPGenericNACK {
    /// Sender SSRC, media SSRC, then at least one 4-byte entry (checked by the parser).
    let payload: UnsafeRawBufferPointer

    init(payload: UnsafeRawBufferPointer) { self.payload = payload }

    /// Who asks.
    public var senderSSRC: UInt32 { payload.u32(0) }
    /// The stream whose packets were lost.
    public var mediaSSRC: UInt32 { payload.u32(4) }

    public var entries: RTCPNACKEntryList {
        let start = RTCPFeedbackFormat.commonHeaderSize
        return RTCPNACKEntryList(bytes: payload.slice(start..<start + (payload.count - start) / 4 * 4))
    }

    /// Every lost sequence number, entry by entry, without building a list. Entries are not
    /// merged: a number reported twice is returned twice.
    public var lostSequenceNumbers: LostSequenceNumbers { LostSequenceNumbers(entries: entries) }

    public struct LostSequenceNumbers: Sequence {
        let entries: RTCPNACKEntryList

        public func makeIterator() -> Iterator {
            Iterator(entries: entries, index: 0, current: nil)
        }

        public struct Iterator: IteratorProtocol {
            let entries: RTCPNACKEntryList
            var index: Int
            var current: RTCPNACKEntry.LostSequenceNumbers.Iterator?

            public mutating func next() -> UInt16? {
                while true {
                    if let sequenceNumber = current?.next() { return sequenceNumber }
                    guard index < entries.endIndex else { return nil }
                    current = entries[index].lostSequenceNumbers.makeIterator()
                    index += 1
                }
            }
        }
    }
}
