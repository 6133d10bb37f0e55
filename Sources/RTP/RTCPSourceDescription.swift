import MediaCore

/// A source description packet (RFC 3550 §6.5), viewed in place in the received buffer.
/// Valid only while that buffer is. Chunks and items are walked on demand, so reading the
/// CNAME costs no copy and no allocation; the parser has already checked that every chunk
/// the SC field announces is there and that every item list ends in a null octet.
public struct RTCPSourceDescription {
    /// The packet after its 4-byte header, padding removed. Offset 0 is 32-bit aligned
    /// relative to the packet, which is what chunk alignment is measured against.
    let payload: UnsafeRawBufferPointer
    /// The SC field.
    public let chunkCount: Int

    init(payload: UnsafeRawBufferPointer, chunkCount: Int) {
        self.payload = payload
        self.chunkCount = chunkCount
    }

    public var chunks: Chunks { Chunks(payload: payload, count: chunkCount) }

    /// The CNAME item's value (UTF-8) in the chunk for `ssrc`; nil when there is none.
    public func cname(for ssrc: UInt32) -> UnsafeRawBufferPointer? {
        for chunk in chunks where chunk.ssrc == ssrc {
            if let cname = chunk.cname { return cname }
        }
        return nil
    }

    /// SDES item types (RFC 3550 §6.5). Open-ended: PRIV and future types pass through.
    public struct ItemType: RawRepresentable, Hashable, Sendable {
        public var rawValue: UInt8
        public init(rawValue: UInt8) { self.rawValue = rawValue }

        public static let cname = ItemType(rawValue: 1)
        public static let name = ItemType(rawValue: 2)
        public static let email = ItemType(rawValue: 3)
        public static let phone = ItemType(rawValue: 4)
        public static let location = ItemType(rawValue: 5)
        public static let tool = ItemType(rawValue: 6)
        public static let note = ItemType(rawValue: 7)
        public static let privateExtension = ItemType(rawValue: 8)
    }

    /// One item: a type and up to 255 octets of (normally UTF-8) text.
    public struct Item {
        public let type: ItemType
        public let value: UnsafeRawBufferPointer
    }

    /// The items describing one SSRC or CSRC.
    public struct Chunk {
        public let ssrc: UInt32
        /// The items up to, not including, the terminating null octet.
        let itemBytes: UnsafeRawBufferPointer

        public var items: Items { Items(bytes: itemBytes) }

        /// The first CNAME item's value: the one item RFC 3550 §6.5.1 requires.
        public var cname: UnsafeRawBufferPointer? {
            for item in items where item.type == .cname { return item.value }
            return nil
        }
    }

    public struct Chunks: Sequence {
        let payload: UnsafeRawBufferPointer
        let count: Int

        public func makeIterator() -> Iterator { Iterator(payload: payload, remaining: count, offset: 0) }

        public struct Iterator: IteratorProtocol {
            let payload: UnsafeRawBufferPointer
            var remaining: Int
            var offset: Int

            public mutating func next() -> Chunk? {
                guard remaining > 0 else { return nil }
                remaining -= 1
                switch RTCPSourceDescription.readChunk(in: payload, at: offset) {
                case .chunk(let chunk, let next):
                    offset = next
                    return chunk
                case .malformed:
                    // Unreachable after validation; stop rather than read out of bounds.
                    remaining = 0
                    return nil
                }
            }
        }
    }

    public struct Items: Sequence {
        let bytes: UnsafeRawBufferPointer

        public func makeIterator() -> Iterator { Iterator(bytes: bytes, offset: 0) }

        public struct Iterator: IteratorProtocol {
            let bytes: UnsafeRawBufferPointer
            var offset: Int

            public mutating func next() -> Item? {
                // Bounds re-checked although the parser validated them: a view must never
                // read past its buffer whatever happened before.
                guard offset + 2 <= bytes.count else { return nil }
                let length = Int(bytes[offset + 1])
                guard offset + 2 + length <= bytes.count else { return nil }
                let item = Item(
                    type: ItemType(rawValue: bytes[offset]), value: bytes.slice(offset + 2..<offset + 2 + length))
                offset += 2 + length
                return item
            }
        }
    }

    enum ChunkStep {
        case chunk(Chunk, next: Int)
        case malformed(PacketDropReason)
    }

    /// Reads the chunk at `start` (32-bit aligned): SSRC, items, a null octet, then null
    /// padding to the next 32-bit boundary (RFC 3550 §6.5).
    static func readChunk(in payload: UnsafeRawBufferPointer, at start: Int) -> ChunkStep {
        // SC promised another chunk but the packet ends.
        guard start + 4 <= payload.count else { return .malformed(.rtcpBadReportCount) }
        let ssrc = payload.u32(start)
        var offset = start + 4
        while true {
            // The item list MUST end with a null octet; running out first is a length error.
            guard offset < payload.count else { return .malformed(.rtcpBadLength) }
            if payload[offset] == 0 { break }
            guard offset + 2 <= payload.count, offset + 2 + Int(payload[offset + 1]) <= payload.count else {
                return .malformed(.rtcpBadLength)
            }
            offset += 2 + Int(payload[offset + 1])
        }
        let chunk = Chunk(ssrc: ssrc, itemBytes: payload.slice(start + 4..<offset))
        // Skip the null and the padding after it. The padding octets' values are not checked
        // (be liberal in what we accept); clamp in case RTCP padding removal cut the packet
        // short of the boundary.
        let next = min((offset + 1 + 3) & ~3, payload.count)
        return .chunk(chunk, next: next)
    }

    /// Checks every chunk SC announces. Bytes after the last chunk are ignored.
    static func validate(payload: UnsafeRawBufferPointer, chunkCount: Int) -> PacketDropReason? {
        var offset = 0
        for _ in 0..<chunkCount {
            switch readChunk(in: payload, at: offset) {
            case .chunk(_, let next): offset = next
            case .malformed(let reason): return reason
            }
        }
        return nil
    }
}
