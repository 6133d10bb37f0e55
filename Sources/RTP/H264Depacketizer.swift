import MediaCore

/// What one `H264Depacketizer.push` produced.
public enum H264DepacketizerResult {
    /// Packet absorbed; the access unit is not complete yet.
    case incomplete
    /// A complete access unit in Annex-B form (4-byte start codes), lent until the next push.
    case accessUnit(H264AccessUnit)
    /// The packet was malformed and dropped (already counted in `drops`); the access unit it
    /// belonged to is abandoned, so the caller should expect to need a keyframe.
    case dropped(PacketDropReason)
}

public struct H264AccessUnit {
    public let bytes: UnsafeRawBufferPointer
    public let timestamp: UInt32
    /// Contains an IDR slice (NAL type 5).
    public let isKeyframe: Bool
    /// Some packets of this access unit's predecessor were lost: the decoder may need an IDR.
    public let followsLoss: Bool
}

/// Reassembles RTP H.264 payloads (RFC 6184: single NAL unit, STAP-A, FU-A) into access
/// units by timestamp and marker bit, into one buffer allocated at creation. Expects packets
/// in sequence order (the jitter buffer's job); a sequence gap inside an access unit abandons
/// it rather than hand a decoder a picture with holes. Drops are counted here, per reason.
public final class H264Depacketizer {
    private let buffer: UnsafeMutableRawBufferPointer
    private var start = 0               // where the access unit being assembled begins
    private var length = 0              // end of assembled bytes
    private var timestamp: UInt32 = 0
    private var lastSequence: UInt16 = 0
    private var active = false          // assembling an access unit
    private var abandoned = false       // it lost a piece: skip to the next one
    private var inFragment = false      // inside an FU-A NAL unit
    private var hasIDR = false
    private var lossPending = false
    public private(set) var drops = PacketDropCounters()
    public private(set) var accessUnitsCompleted = 0
    public private(set) var accessUnitsAbandoned = 0

    /// - Parameter maximumAccessUnitBytes: larger access units are dropped (a 1080p IDR at
    ///   high quality is a few hundred kB).
    public init(maximumAccessUnitBytes: Int = 2 << 20) {
        buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: maximumAccessUnitBytes, alignment: 64)
    }

    deinit { buffer.deallocate() }

    /// The jitter buffer gave up on missing packets: what is being assembled is incomplete.
    public func noteLoss() {
        if active { abandon() }
        lossPending = true
    }

    public func push(_ packet: RTPPacket) -> H264DepacketizerResult {
        compact()
        var finished: H264AccessUnit?
        if active && packet.timestamp != timestamp {
            // A new picture began without the previous one's marker. With no sequence gap the
            // sender simply omits markers, and the previous picture is complete.
            if packet.sequenceNumber == lastSequence &+ 1 && !abandoned && !inFragment && length > start {
                finished = finish()
                start = length
            } else {
                abandon()
            }
            active = false
        }
        if active && packet.sequenceNumber != lastSequence &+ 1 { abandon() }
        if !active {
            active = true
            abandoned = false
            inFragment = false
            hasIDR = false
            length = start
            timestamp = packet.timestamp
        }
        lastSequence = packet.sequenceNumber

        var dropped: PacketDropReason?
        if !abandoned {
            let payload = packet.payload
            dropped = payload.count == 0 ? .h264EmptyPayload : append(payload)
            if let dropped {
                drops.count(dropped)
                abandon()
            }
        }
        if packet.marker {
            active = false
            if !abandoned && !inFragment && length > start {
                // Rare: the previous picture (no marker) and this one both ended here. Deliver
                // the newer; the older counts as abandoned.
                if finished != nil { accessUnitsAbandoned += 1; accessUnitsCompleted -= 1 }
                finished = finish()
            } else if !abandoned {
                abandon()   // marker inside an unfinished FU-A: its end was lost
            }
        }
        if let finished { return .accessUnit(finished) }
        if let dropped { return .dropped(dropped) }
        return .incomplete
    }

    private func finish() -> H264AccessUnit {
        accessUnitsCompleted += 1
        let unit = H264AccessUnit(bytes: UnsafeRawBufferPointer(rebasing: buffer[start..<length]),
                                  timestamp: timestamp, isKeyframe: hasIDR, followsLoss: lossPending)
        lossPending = false
        return unit
    }

    /// Moves a partial access unit that starts after a delivered one back to the front.
    private func compact() {
        guard start > 0 else { return }
        if active && length > start {
            buffer.baseAddress!.copyMemory(from: buffer.baseAddress! + start, byteCount: length - start)
            length -= start
        } else {
            length = 0
        }
        start = 0
    }

    private func abandon() {
        if !abandoned { accessUnitsAbandoned += 1 }
        abandoned = true
        inFragment = false
        lossPending = true
    }

    // MARK: Payload structures

    private func append(_ payload: UnsafeRawBufferPointer) -> PacketDropReason? {
        let header = payload.u8(0)
        if header & 0x80 != 0 { return .h264BadNALType }   // forbidden_zero_bit
        let type = header & 0x1F
        switch type {
        case 1...23:
            if inFragment { return .h264FragmentGap }
            return appendNAL(payload)
        case 24: // STAP-A (RFC 6184 §5.7.1): 16-bit size + NAL unit, repeated
            if inFragment { return .h264FragmentGap }
            var offset = 1
            guard payload.count > 3 else { return .h264AggregateOverflow }
            while offset < payload.count {
                guard offset + 2 <= payload.count else { return .h264AggregateOverflow }
                let size = Int(payload.u16(offset))
                guard size > 0, offset + 2 + size <= payload.count else { return .h264AggregateOverflow }
                let nal = payload.slice((offset + 2)..<(offset + 2 + size))
                if nal.u8(0) & 0x80 != 0 || nal.u8(0) & 0x1F == 0 || nal.u8(0) & 0x1F >= 24 { return .h264BadNALType }
                if let reason = appendNAL(nal) { return reason }
                offset += 2 + size
            }
            return nil
        case 28: // FU-A (RFC 6184 §5.8)
            guard payload.count >= 2 else { return .h264EmptyPayload }
            let fu = payload.u8(1)
            let start = fu & 0x80 != 0, end = fu & 0x40 != 0
            let nalType = fu & 0x1F
            guard nalType != 0, nalType < 24 else { return .h264BadNALType }
            if start {
                if inFragment { return .h264FragmentGap }
                guard reserve(4 + 1) else { return .h264AccessUnitTooLarge }
                writeStartCode()
                buffer.put8((header & 0xE0) | nalType, at: length)   // rebuilt NAL header
                length += 1
                if nalType == 5 { hasIDR = true }
                inFragment = true
            } else if !inFragment {
                return .h264FragmentWithoutStart
            }
            let body = payload.slice(2..<payload.count)
            guard reserve(body.count) else { return .h264AccessUnitTooLarge }
            UnsafeMutableRawBufferPointer(rebasing: buffer[length...]).copyMemory(from: body)
            length += body.count
            if end { inFragment = false }
            return nil
        default: // 0, STAP-B 25, MTAP 26/27, FU-B 29 (interleaved mode only), 30/31 reserved
            return .h264BadNALType
        }
    }

    private func appendNAL(_ nal: UnsafeRawBufferPointer) -> PacketDropReason? {
        guard reserve(4 + nal.count) else { return .h264AccessUnitTooLarge }
        writeStartCode()
        UnsafeMutableRawBufferPointer(rebasing: buffer[length...]).copyMemory(from: nal)
        length += nal.count
        if nal.u8(0) & 0x1F == 5 { hasIDR = true }
        return nil
    }

    @inline(__always) private func reserve(_ bytes: Int) -> Bool { length + bytes <= buffer.count }

    @inline(__always) private func writeStartCode() {
        buffer.put32(1, at: length)
        length += 4
    }
}
