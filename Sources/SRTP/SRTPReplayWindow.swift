/// RFC 3711 §3.3.2 replay list: the highest index accepted so far and a bitmap of which of the
/// `size` indices up to it were seen. The bitmap is a ring addressed by index mod `size`, so
/// advancing by one packet clears one bit instead of shifting the whole window.
///
/// It also carries the SRTP index state of §3.3.1: ROC = `highest >> 16`, s_l = `highest & 0xFFFF`
/// (the way libsrtp2's rdbx does), so the two can never disagree. Storage is allocated once,
/// when the stream is first seen.
struct SRTPReplayWindow: ~Copyable {
    enum Verdict: Equatable { case fresh, replayed, tooOld }

    let size: Int
    /// Highest index accepted; meaningless while `isEmpty`.
    private(set) var highest: UInt64 = 0
    private(set) var isEmpty = true
    private let words: UnsafeMutablePointer<UInt64>

    /// `size` is a power of two and at least 64 (§3.3.2 asks for at least 64).
    init(size: Int) {
        precondition(size >= 64 && size & (size - 1) == 0, "replay window must be a power of two >= 64")
        self.size = size
        words = .allocate(capacity: size / 64)
        words.initialize(repeating: 0, count: size / 64)
    }

    deinit { words.deallocate() }

    func check(_ index: UInt64) -> Verdict {
        if isEmpty || index > highest { return .fresh }
        if highest - index >= UInt64(size) { return .tooOld }
        return isSet(index) ? .replayed : .fresh
    }

    /// Records `index` as received. Call only after `check` said `.fresh` (or, on the sending
    /// side, `.replayed`) and the packet authenticated.
    mutating func accept(_ index: UInt64) {
        if isEmpty || index > highest {
            let advance = isEmpty ? UInt64.max : index - highest
            if advance >= UInt64(size) {
                words.update(repeating: 0, count: size / 64)
            } else {
                // Indices highest+1 ..< index were skipped: their (reused) bits must read unseen.
                var skipped = highest &+ 1
                while skipped < index { clear(skipped); skipped += 1 }
            }
            highest = index
            isEmpty = false
        }
        let bit = Int(index & UInt64(size - 1))
        words[bit >> 6] |= 1 << UInt64(bit & 63)
    }

    private func isSet(_ index: UInt64) -> Bool {
        let bit = Int(index & UInt64(size - 1))
        return words[bit >> 6] & (1 << UInt64(bit & 63)) != 0
    }

    private func clear(_ index: UInt64) {
        let bit = Int(index & UInt64(size - 1))
        words[bit >> 6] &= ~(1 << UInt64(bit & 63))
    }

    /// RFC 3711 §3.3.1 / Appendix A: the index of a packet with sequence number `sequence`,
    /// given the highest index so far. A packet that would belong to ROC - 1 while ROC is 0 is
    /// taken as ROC 0 (a packet from before the first one we saw), exactly as libsrtp2 does.
    static func estimateIndex(sequence: UInt16, highest: UInt64) -> UInt64 {
        let roc = highest >> 16
        let sl = Int(highest & 0xFFFF), seq = Int(sequence)
        var v = roc
        if sl < 32768 {
            if seq - sl > 32768, roc > 0 { v = roc - 1 }
        } else if sl - 32768 > seq {
            v = roc + 1
        }
        return v << 16 | UInt64(sequence)
    }
}
