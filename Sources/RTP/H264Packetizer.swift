import MediaCore

/// RFC 6184 §5.4 packetization modes this bridge speaks.
public enum H264PacketizationMode: Int, Sendable {
    /// Mode 0: one NAL unit per packet; every NAL unit must fit (the encoder limits slice size).
    case singleNAL = 0
    /// Mode 1: single NAL units, FU-A fragments for large ones (STAP-A accepted on receive).
    case nonInterleaved = 1
}

/// One RTP payload the packetizer plans: which bytes of the access unit go in it and how.
public struct H264Payload: Equatable, Sendable {
    public enum Kind: Equatable, Sendable {
        /// Single NAL unit packet (RFC 6184 §5.6).
        case single
        /// FU-A fragment (RFC 6184 §5.8) of the NAL unit; `start`/`end` set the S/E bits.
        case fragment(start: Bool, end: Bool)
    }

    public let kind: Kind
    /// The NAL unit (header byte first) within the access unit.
    public let nal: Range<Int>
    /// For fragments: the part of the NAL unit *after its header byte* carried here.
    public let fragment: Range<Int>
    /// Set the RTP marker bit: last packet of the access unit (RFC 6184 §5.1).
    public let isLastOfAccessUnit: Bool

    public var payloadSize: Int {
        switch kind {
        case .single: return nal.count
        case .fragment: return 2 + fragment.count
        }
    }

    /// Writes this payload from `accessUnit` into `buffer`; returns its length.
    public func write(from accessUnit: UnsafeRawBufferPointer, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= payloadSize, "payload buffer too small")
        switch kind {
        case .single:
            buffer.copyMemory(from: accessUnit.slice(nal))
        case .fragment(let start, let end):
            let header = accessUnit.u8(nal.lowerBound)
            buffer.put8((header & 0xE0) | 28, at: 0)                                   // FU indicator: F, NRI, type 28
            buffer.put8((start ? 0x80 : 0) | (end ? 0x40 : 0) | (header & 0x1F), at: 1) // FU header: S, E, R=0, type
            UnsafeMutableRawBufferPointer(rebasing: buffer[2...]).copyMemory(from: accessUnit.slice(fragment))
        }
        return payloadSize
    }
}

/// Splits Annex-B access units from the encoder into RTP payloads (RFC 6184).
public struct H264Packetizer: Sendable {
    public var mode: H264PacketizationMode
    /// Largest RTP payload: MTU minus IP/UDP/RTP headers and the SRTP tag, e.g. 1200.
    public var maximumPayloadSize: Int
    public private(set) var oversizedNALUnits = 0

    public init(mode: H264PacketizationMode = .nonInterleaved, maximumPayloadSize: Int = 1200) {
        precondition(maximumPayloadSize >= 100)
        self.mode = mode
        self.maximumPayloadSize = maximumPayloadSize
    }

    /// Calls `body` with each payload of the access unit in order. In mode 0 a NAL unit larger
    /// than `maximumPayloadSize` cannot be sent: it is skipped and counted (the encoder's
    /// `maximumSliceBytes` prevents it), and the receiver will ask for a keyframe.
    public mutating func forEachPayload(in accessUnit: UnsafeRawBufferPointer, _ body: (H264Payload) -> Void) {
        guard let base = accessUnit.baseAddress else { return }
        // Delay each NAL unit by one so the last one can carry the marker bit.
        var pending: Range<Int>?
        var oversized = 0
        let mode = self.mode, maximum = maximumPayloadSize
        // A static helper rather than a nested function: a nested function capturing the
        // mutable locals made Swift box them on the heap, one allocation per access unit.
        AnnexB.forEachNALUnit(in: accessUnit) { nal in
            guard let start = nal.baseAddress, nal.count > 0 else { return true }
            let range = (start - base)..<(start - base + nal.count)
            if let previous = pending { Self.emit(previous, last: false, mode: mode, maximum: maximum, oversized: &oversized, body) }
            pending = range
            return true
        }
        if let last = pending { Self.emit(last, last: true, mode: mode, maximum: maximum, oversized: &oversized, body) }
        oversizedNALUnits += oversized
    }

    private static func emit(_ nal: Range<Int>, last: Bool, mode: H264PacketizationMode, maximum: Int, oversized: inout Int,
                             _ body: (H264Payload) -> Void) {
        if nal.count <= maximum {
            body(H264Payload(kind: .single, nal: nal, fragment: nal, isLastOfAccessUnit: last))
            return
        }
        guard mode == .nonInterleaved else { oversized += 1; return }
        var offset = nal.lowerBound + 1
        let chunk = maximum - 2
        while offset < nal.upperBound {
            let end = min(offset + chunk, nal.upperBound)
            body(H264Payload(kind: .fragment(start: offset == nal.lowerBound + 1, end: end == nal.upperBound),
                             nal: nal, fragment: offset..<end, isLastOfAccessUnit: last && end == nal.upperBound))
            offset = end
        }
    }
}
