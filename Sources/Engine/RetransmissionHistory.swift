import MediaCore

/// The last sent video packets, unencrypted, so a generic NACK (RFC 4585 §6.2.1) can be
/// answered by sending the same packet again. One slab allocated at creation.
final class RetransmissionHistory {
    private let slotSize: Int
    private let count: Int
    private let slab: UnsafeMutableRawBufferPointer
    private var lengths: [Int]
    private var sequences: [Int32]

    init(packets: Int = 512, slotSize: Int = 1500) {
        self.count = packets
        self.slotSize = slotSize
        slab = UnsafeMutableRawBufferPointer.allocate(byteCount: packets * slotSize, alignment: 64)
        lengths = [Int](repeating: 0, count: packets)
        sequences = [Int32](repeating: -1, count: packets)
    }

    deinit { slab.deallocate() }

    func store(sequence: UInt16, _ bytes: UnsafeRawBufferPointer) {
        guard bytes.count <= slotSize else { return }
        let index = Int(sequence) % count
        UnsafeMutableRawBufferPointer(rebasing: slab[(index * slotSize)...]).copyMemory(from: bytes)
        lengths[index] = bytes.count
        sequences[index] = Int32(sequence)
    }

    /// The stored packet with this sequence number, if still held.
    func packet(sequence: UInt16) -> UnsafeRawBufferPointer? {
        let index = Int(sequence) % count
        guard sequences[index] == Int32(sequence) else { return nil }
        return UnsafeRawBufferPointer(rebasing: slab[(index * slotSize)..<(index * slotSize + lengths[index])])
    }
}
