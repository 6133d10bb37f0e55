import MediaCore

/// A received RTCP compound packet (RFC 3550 §6.1): one or more RTCP packets back to back in
/// one datagram, parsed in place without copying or allocating, never trapping on any input.
///
/// RFC 5506 reduced-size RTCP is accepted: the compound need not start with SR/RR nor carry
/// an SDES CNAME (e.g. a lone PLI), so those RFC 3550 §A.2 checks are not made.
///
/// Malformed input yields a `PacketDropReason`. `forEach` is all-or-nothing: it checks the
/// whole compound before delivering anything, so a compound with one bad packet is dropped
/// as a whole (as RFC 3550 §A.2 validates the compound as a unit) and the caller never acts
/// on half of it. `makeIterator()` streams instead, for callers that want the good prefix.
public struct RTCPCompoundPacket {
    /// The datagram (after SRTCP unprotection).
    public let bytes: UnsafeRawBufferPointer

    public init(_ bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

    /// Why the compound must be dropped; nil when every packet in it is well formed.
    public var dropReason: PacketDropReason? {
        var iterator = makeIterator()
        while case .some = iterator.next() {}
        return iterator.dropReason
    }

    /// Validates the whole compound, then hands each packet to `body` in order. Returns the
    /// drop reason (and calls `body` not at all) when any packet is malformed.
    public func forEach(_ body: (RTCPPacket) -> Void) -> PacketDropReason? {
        if let reason = dropReason { return reason }
        var iterator = makeIterator()
        while let packet = iterator.next() { body(packet) }
        return nil
    }

    /// `RTCPCompoundPacket(bytes).forEach(body)`.
    public static func forEach(in bytes: UnsafeRawBufferPointer, _ body: (RTCPPacket) -> Void) -> PacketDropReason? {
        RTCPCompoundPacket(bytes).forEach(body)
    }

    /// Streams the packets without validating the rest of the compound first: packets before
    /// a malformed one are delivered, then `next()` returns nil and `dropReason` says why.
    public func makeIterator() -> Iterator { Iterator(bytes: bytes) }

    public struct Iterator: IteratorProtocol {
        let bytes: UnsafeRawBufferPointer
        var offset = 0
        var finished = false
        /// Set when iteration stopped at a malformed packet (an empty datagram counts as
        /// truncated); nil while going and after a clean end.
        public private(set) var dropReason: PacketDropReason?

        init(bytes: UnsafeRawBufferPointer) { self.bytes = bytes }

        public mutating func next() -> RTCPPacket? {
            guard !finished else { return nil }
            // Stop cleanly only at the exact end of a non-empty datagram; 1–3 stray bytes
            // after the last packet are a truncated header.
            if offset == bytes.count, offset > 0 {
                finished = true
                return nil
            }
            switch RTCPPacket.parse(in: bytes, at: offset) {
            case .packet(let packet, let end):
                offset = end
                return packet
            case .malformed(let reason):
                dropReason = reason
                finished = true
                return nil
            }
        }
    }
}
