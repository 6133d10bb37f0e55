import Codecs
import MediaCore
import RTP
import SRTP
import Mixer

/// Audio codecs a leg can speak (RFC 7587 Opus at 48 kHz; RFC 3551 PCMU/PCMA at 8 kHz).
public enum AudioCodec: Sendable, Equatable {
    case opus(channels: Int)
    case pcmu
    case pcma

    public var clockRate: Int {
        switch self {
        case .opus: return 48_000
        case .pcmu, .pcma: return 8_000
        }
    }

    /// The static payload type of RFC 3551, or nil for dynamic ones.
    public var staticPayloadType: UInt8? {
        switch self {
        case .pcmu: return 0
        case .pcma: return 8
        case .opus: return nil
        }
    }
}

/// Where a leg's outgoing picture or sound comes from until the conference engine composes
/// one: enough to prove a leg end to end.
public enum MediaSendSource: Sendable, Equatable {
    /// Send nothing.
    case none
    /// Send back what this leg receives, decoded and re-encoded (the `media-loop`).
    case loopback
    /// A synthetic moving picture / a sine tone of this frequency.
    case synthetic(toneHz: Double)
    /// The leg's space: its layout of the other participants, and the mix of everyone else.
    case conference
    /// A solid colour picture (RGB) and a tone: a marker a receiver can recognise in a layout.
    case solid(red: UInt8, green: UInt8, blue: UInt8, toneHz: Double)
    /// Video only: access units encoded beforehand, sent in a loop (the load generator sends
    /// real H.264 from many legs without one encoder per leg).
    case encodedLoop(EncodedVideoLoop)
}

extension MediaSendSource {
    var isEncodedLoop: Bool { if case .encodedLoop = self { return true }; return false }
}

/// H.264 access units (Annex B) encoded once, sent in a loop at the leg's frame rate. The
/// first unit must be an IDR so the loop point is decodable.
public final class EncodedVideoLoop: Sendable, Equatable {
    public let accessUnits: [[UInt8]]
    public let keyframes: [Bool]
    /// Called on the worker thread as each unit goes out (its index in the loop, the media
    /// clock): a load generator timestamps the stamps it drew into the pictures.
    public let onSend: (@Sendable (Int, Int64) -> Void)?

    public init(accessUnits: [[UInt8]], keyframes: [Bool], onSend: (@Sendable (Int, Int64) -> Void)? = nil) {
        precondition(!accessUnits.isEmpty && accessUnits.count == keyframes.count && keyframes[0], "a loop starts at an IDR")
        self.accessUnits = accessUnits
        self.keyframes = keyframes
        self.onSend = onSend
    }

    public static func == (a: EncodedVideoLoop, b: EncodedVideoLoop) -> Bool { a === b }
}

/// One RTP stream of a leg (one SDP m-line): where to listen, where to send, keys.
public struct MediaStreamConfiguration: Sendable {
    /// Local RTP port (0: any free port). RTCP shares it when `rtcpMux`, else uses port + 1's
    /// own socket (RFC 3550 §11; any free port when `localPort` is 0).
    public var localPort: UInt16 = 0
    /// Peer's RTP address; nil learns it from the first authenticated packet (symmetric RTP).
    public var remote: SocketAddress?
    /// Peer's RTCP address when not multiplexed; defaults to the RTP port + 1.
    public var remoteRTCP: SocketAddress?
    public var rtcpMux: Bool = true
    public var payloadType: UInt8
    /// Keys for what we receive / what we send (SDES, RFC 4568); nil for plain RTP.
    public var inboundKeys: SRTPKeyingMaterial?
    public var outboundKeys: SRTPKeyingMaterial?
    public var ssrc: UInt32

    public init(payloadType: UInt8, ssrc: UInt32) {
        self.payloadType = payloadType
        self.ssrc = ssrc
    }
}

public struct VideoStreamConfiguration: Sendable {
    public var stream: MediaStreamConfiguration
    public var packetizationMode: H264PacketizationMode = .nonInterleaved
    public var maximumPayloadSize: Int = 1200
    /// The picture we send; its size is the leg's send resolution.
    public var encoder: H264EncoderConfiguration
    public var source: MediaSendSource = .loopback
    /// False: received access units are counted (`framesReceived`) but not decoded — a load
    /// generator's unsampled legs.
    public var decodes = true

    public init(stream: MediaStreamConfiguration, encoder: H264EncoderConfiguration) {
        self.stream = stream
        self.encoder = encoder
    }
}

public struct AudioStreamConfiguration: Sendable {
    public var stream: MediaStreamConfiguration
    public var codec: AudioCodec
    /// RFC 4733 telephone-event payload type, if negotiated.
    public var telephoneEventPayloadType: UInt8?
    public var source: MediaSendSource = .loopback

    public init(stream: MediaStreamConfiguration, codec: AudioCodec) {
        self.stream = stream
        self.codec = codec
    }
}

public struct MediaLegConfiguration: Sendable {
    public var id: Int
    public var localHost: String = "127.0.0.1"
    public var cname: String
    /// The space (conference) this leg belongs to; legs with `.conference` sources see and
    /// hear the other legs of their space on the same worker.
    public var spaceID: Int?
    /// Shown on name tiles and labels.
    public var displayName: String = ""
    public var layout: LayoutName = .allEqual
    /// Name labels on panes (CMS `participantLabels`).
    public var participantLabels: Bool = true
    public var video: VideoStreamConfiguration?
    public var audio: AudioStreamConfiguration?

    public init(id: Int, cname: String = "callbridge") {
        self.id = id
        self.cname = cname
    }
}

/// A change to one live stream from signalling: hold or resume (RFC 3264 §8.4), a new
/// address, new SDES keys, or a dial-out's answer arriving after the leg was built.
public struct MediaStreamUpdate: Sendable, Equatable {
    /// Peer's new RTP (and RTCP, when not multiplexed) address; nil keeps the current one.
    public var remote: SocketAddress?
    public var remoteRTCP: SocketAddress?
    /// Our direction: we send / we expect to receive.
    public var sends: Bool
    public var receives: Bool
    /// New keys; nil keeps the current ones.
    public var inboundKeys: SRTPKeyingMaterial?
    public var outboundKeys: SRTPKeyingMaterial?

    public init(remote: SocketAddress? = nil, remoteRTCP: SocketAddress? = nil, sends: Bool = true, receives: Bool = true,
                inboundKeys: SRTPKeyingMaterial? = nil, outboundKeys: SRTPKeyingMaterial? = nil) {
        self.remote = remote
        self.remoteRTCP = remoteRTCP
        self.sends = sends
        self.receives = receives
        self.inboundKeys = inboundKeys
        self.outboundKeys = outboundKeys
    }
}

public struct MediaLegUpdate: Sendable, Equatable {
    public var video: MediaStreamUpdate?
    public var audio: MediaStreamUpdate?
    public init(video: MediaStreamUpdate? = nil, audio: MediaStreamUpdate? = nil) {
        self.video = video
        self.audio = audio
    }
}
