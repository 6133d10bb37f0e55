import MediaCore

/// RFC 4733 §2.3 telephone-event payload: event, end bit, volume, duration.
public struct TelephoneEvent: Equatable, Sendable {
    public var event: UInt8
    public var isEnd: Bool
    /// Power level in -dBm0 (0...63).
    public var volume: UInt8
    /// Duration so far, in timestamp units.
    public var duration: UInt16

    public init(event: UInt8, isEnd: Bool, volume: UInt8, duration: UInt16) {
        self.event = event
        self.isEnd = isEnd
        self.volume = volume
        self.duration = duration
    }

    /// DTMF digit for events 0–15 (RFC 4733 §3.2): "0"–"9", "*", "#", "A"–"D".
    public var digit: Character? {
        switch event {
        case 0...9: return Character(String(event))
        case 10: return "*"
        case 11: return "#"
        case 12...15: return Character(UnicodeScalar(UInt8(ascii: "A") + event - 12))
        default: return nil
        }
    }

    public static func parse(_ payload: UnsafeRawBufferPointer) -> TelephoneEvent? {
        // Several events may be stacked (RFC 4733 §2.5.1.5); the first is the current one.
        guard payload.count >= 4, payload.count % 4 == 0 else { return nil }
        let b1 = payload.u8(1)
        return TelephoneEvent(event: payload.u8(0), isEnd: b1 & 0x80 != 0, volume: b1 & 0x3F, duration: payload.u16(2))
    }

    public func write(into buffer: UnsafeMutableRawBufferPointer) -> Int {
        precondition(buffer.count >= 4)
        buffer.put8(event, at: 0)
        buffer.put8((isEnd ? 0x80 : 0) | (volume & 0x3F), at: 1)
        buffer.put16(duration, at: 2)
        return 4
    }
}

/// Turns the packets of RFC 4733 events into one digit each. A sender repeats an event's
/// packets while the key is held and sends its end packet three times (§2.5.1.4); all of them
/// share the event's RTP timestamp, which is how repeats are recognised.
public struct DTMFDetector: Sendable {
    private var lastTimestamp: UInt32?
    private var reported = false
    public private(set) var drops = PacketDropCounters()

    public init() {}

    /// Feeds one telephone-event packet; returns a digit the first time an event is seen
    /// (reporting on the first packet keeps latency low; the end packets are absorbed).
    public mutating func push(_ packet: RTPPacket) -> Character? {
        guard let event = TelephoneEvent.parse(packet.payload) else {
            drops.count(.dtmfBadPayload)
            return nil
        }
        if packet.timestamp == lastTimestamp && reported { return nil }
        lastTimestamp = packet.timestamp
        guard let digit = event.digit else { return nil }   // events > 15 (tones, flash) ignored
        reported = true
        return digit
    }
}
