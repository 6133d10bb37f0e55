/// H.264 Annex-B byte streams (ITU-T H.264 Annex B): NAL units separated by start codes
/// `00 00 01` or `00 00 00 01`. Walks NAL units in place, allocating nothing.
public enum AnnexB {
    /// NAL unit types this project cares about (ITU-T H.264 Table 7-1).
    public enum NALType {
        public static let nonIDRSlice: UInt8 = 1
        public static let idrSlice: UInt8 = 5
        public static let sei: UInt8 = 6
        public static let sps: UInt8 = 7
        public static let pps: UInt8 = 8
        public static let accessUnitDelimiter: UInt8 = 9
    }

    /// Calls `body` with each NAL unit (without its start code) until it returns false.
    public static func forEachNALUnit(in bytes: UnsafeRawBufferPointer, _ body: (UnsafeRawBufferPointer) -> Bool) {
        guard let base = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count >= 3 else { return }
        let count = bytes.count
        var start = -1
        var i = 0
        while i + 2 < count {
            if base[i + 2] > 1 { i += 3; continue }   // fast skip: no start code can end here
            if base[i] == 0 && base[i + 1] == 0 && base[i + 2] == 1 {
                if start >= 0 {
                    var end = i
                    if end > start && base[end - 1] == 0 { end -= 1 }   // 4-byte start code
                    if !body(UnsafeRawBufferPointer(start: base + start, count: end - start)) { return }
                }
                start = i + 3
                i += 3
            } else {
                i += 1
            }
        }
        if start >= 0 && start < count {
            _ = body(UnsafeRawBufferPointer(start: base + start, count: count - start))
        }
    }

    /// NAL unit types in order of appearance (tests and diagnostics; allocates).
    public static func nalTypes(in bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var types: [UInt8] = []
        forEachNALUnit(in: bytes) { nal in
            if let first = nal.first { types.append(first & 0x1F) }
            return true
        }
        return types
    }

    public static func nalTypes(in bytes: [UInt8]) -> [UInt8] {
        bytes.withUnsafeBytes { nalTypes(in: $0) }
    }

    /// What the first slice of an access unit says, looked up without decoding: whether it is
    /// well-formed enough to hand to a decoder and whether it starts an IDR picture.
    public struct AccessUnitSummary: Equatable, Sendable {
        public var hasSlice = false
        public var isIDR = false
        public var hasParameterSets = false
        /// A NAL unit with forbidden_zero_bit set or an unspecified/reserved type was seen.
        public var isMalformed = false
    }

    /// Scans NAL headers up to and including the first slice.
    public static func summarize(_ bytes: UnsafeRawBufferPointer) -> AccessUnitSummary {
        var summary = AccessUnitSummary()
        forEachNALUnit(in: bytes) { nal in
            guard let header = nal.first else { return true }
            let type = header & 0x1F
            if header & 0x80 != 0 || type == 0 || type >= 24 {
                summary.isMalformed = true
                return false
            }
            switch type {
            case NALType.sps, NALType.pps: summary.hasParameterSets = true
            case NALType.idrSlice: summary.hasSlice = true; summary.isIDR = true; return false
            case 1...4: summary.hasSlice = true; return false
            default: break
            }
            return true
        }
        return summary
    }
}
