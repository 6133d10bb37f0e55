/// One generic NACK entry (RFC 4585 §6.2.1): a lost packet ID (PID) plus a bitmask of the
/// 16 packets after it (BLP), so one 32-bit word reports up to 17 losses.
public struct RTCPNACKEntry: Hashable, Sendable {
    /// The first lost sequence number.
    public var packetID: UInt16
    /// BLP: bit i (least significant = 0) set means `packetID + i + 1` is lost too.
    public var lostBitmask: UInt16

    public init(packetID: UInt16, lostBitmask: UInt16 = 0) {
        self.packetID = packetID
        self.lostBitmask = lostBitmask
    }

    /// How many sequence numbers this entry reports lost.
    public var lostCount: Int { 1 + lostBitmask.nonzeroBitCount }

    /// The lost sequence numbers in ascending order (modulo 2^16: an entry may span the wrap).
    public var lostSequenceNumbers: LostSequenceNumbers { LostSequenceNumbers(entry: self) }

    public struct LostSequenceNumbers: Sequence {
        let entry: RTCPNACKEntry

        public func makeIterator() -> Iterator { Iterator(entry: entry, bit: -1) }

        public struct Iterator: IteratorProtocol {
            let entry: RTCPNACKEntry
            /// -1: the PID itself has not been returned yet; 0...15: next BLP bit to look at.
            var bit: Int

            public mutating func next() -> UInt16? {
                if bit < 0 {
                    bit = 0
                    return entry.packetID
                }
                let remaining = bit < 16 ? entry.lostBitmask >> UInt16(bit) : 0
                guard remaining != 0 else {
                    bit = 16
                    return nil
                }
                bit += remaining.trailingZeroBitCount
                let sequenceNumber = entry.packetID &+ UInt16(bit + 1)
                bit += 1
                return sequenceNumber
            }
        }
    }

    /// Packs lost sequence numbers into entries, handing each to `body` in order. Each number
    /// joins the current entry when it lies 1...16 after its PID (modulo 2^16, so runs across
    /// 65535 → 0 share an entry) and starts a new entry otherwise. Ascending input (in wrap
    /// order) packs tightest; any order still reports every number.
    @inlinable
    public static func pack(_ lost: some Sequence<UInt16>, _ body: (RTCPNACKEntry) -> Void) {
        var current: RTCPNACKEntry?
        for sequenceNumber in lost {
            if var entry = current {
                let distance = sequenceNumber &- entry.packetID
                if distance == 0 { continue }
                if distance <= 16 {
                    entry.lostBitmask |= 1 << (distance - 1)
                    current = entry
                    continue
                }
                body(entry)
            }
            current = RTCPNACKEntry(packetID: sequenceNumber)
        }
        if let current { body(current) }
    }
}

/// The FCI entries of a generic NACK, decoded on access (no copy). Valid only while the
/// packet's buffer is.
public struct RTCPNACKEntryList: RandomAccessCollection {
    /// A multiple of 4 bytes.
    let bytes: UnsafeRawBufferPointer

    init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    public var startIndex: Int { 0 }
    public var endIndex: Int { bytes.count / 4 }

    public subscript(position: Int) -> RTCPNACKEntry {
        precondition(position >= 0 && position < endIndex, "NACK entry index out of range")
        return RTCPNACKEntry(packetID: bytes.u16(position * 4), lostBitmask: bytes.u16(position * 4 + 2))
    }
}
