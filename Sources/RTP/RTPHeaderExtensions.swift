import MediaCore

/// RFC 8285 header extension elements, in the one-byte (profile 0xBEDE) or two-byte
/// (0x100x) form. Iteration walks the bytes in place.
public enum RTPHeaderExtensions {
    public static let oneByteProfile: UInt16 = 0xBEDE
    /// Two-byte form: 0x100 in the top 12 bits; the low 4 bits are "appbits".
    public static func isTwoByteProfile(_ profile: UInt16) -> Bool { profile & 0xFFF0 == 0x1000 }

    /// Calls `body(id, data)` for every element until it returns false. Returns a drop reason
    /// when an element runs past the extension or uses a reserved id; unknown profiles are
    /// not RFC 8285 and yield no elements (they are not an error: RFC 3550 §5.3.1).
    @discardableResult
    public static func forEachElement(in packet: RTPPacket, _ body: (UInt8, UnsafeRawBufferPointer) -> Bool) -> PacketDropReason? {
        let data = packet.bytes.slice(packet.extensionRange)
        let profile = packet.extensionProfile
        var i = 0
        if profile == oneByteProfile {
            while i < data.count {
                let b = data.u8(i)
                if b == 0 { i += 1; continue }          // padding (RFC 8285 §4.2)
                let id = b >> 4
                if id == 15 { return nil }              // reserved: stop processing (RFC 8285 §4.2)
                let length = Int(b & 0x0F) + 1
                guard i + 1 + length <= data.count else { return .rtpBadExtension }
                if !body(id, data.slice((i + 1)..<(i + 1 + length))) { return nil }
                i += 1 + length
            }
        } else if isTwoByteProfile(profile) {
            while i < data.count {
                let id = data.u8(i)
                if id == 0 { i += 1; continue }         // padding
                guard i + 2 <= data.count else { return .rtpBadExtension }
                let length = Int(data.u8(i + 1))
                guard i + 2 + length <= data.count else { return .rtpBadExtension }
                if !body(id, data.slice((i + 2)..<(i + 2 + length))) { return nil }
                i += 2 + length
            }
        }
        return nil
    }

    /// The data of element `id`, if present.
    public static func element(_ id: UInt8, in packet: RTPPacket) -> UnsafeRawBufferPointer? {
        var found: UnsafeRawBufferPointer?
        forEachElement(in: packet) { elementID, data in
            if elementID == id { found = data; return false }
            return true
        }
        return found
    }

    /// RFC 6464 client-to-mixer audio level: (voice activity, level in -dBov 0...127).
    public static func audioLevel(id: UInt8, in packet: RTPPacket) -> (voiceActivity: Bool, level: UInt8)? {
        guard let data = element(id, in: packet), data.count >= 1 else { return nil }
        let b = data.u8(0)
        return (b & 0x80 != 0, b & 0x7F)
    }
}

/// Writes RFC 8285 one-byte elements into the header being built by `RTPHeader.write`.
public struct RTPHeaderExtensionWriter {
    let buffer: UnsafeMutableRawBufferPointer
    let start: Int
    var offset: Int
    var overflow = false

    /// Appends one element (id 1–14, 1–16 bytes of data). Out of room or bad id → ignored
    /// and `write` reports failure.
    public mutating func append(id: UInt8, _ data: UnsafeRawBufferPointer) {
        guard (1...14).contains(id), (1...16).contains(data.count), offset + 1 + data.count <= buffer.count else {
            overflow = true
            return
        }
        buffer.put8(id << 4 | UInt8(data.count - 1), at: offset)
        UnsafeMutableRawBufferPointer(rebasing: buffer[(offset + 1)...]).copyMemory(from: data)
        offset += 1 + data.count
    }

    public mutating func appendByte(id: UInt8, _ value: UInt8) {
        withUnsafeBytes(of: value) { append(id: id, $0) }
    }

    /// RFC 6464 audio level element.
    public mutating func appendAudioLevel(id: UInt8, voiceActivity: Bool, level: UInt8) {
        appendByte(id: id, (voiceActivity ? 0x80 : 0) | min(level, 127))
    }
}
