/// What the peer's Opus fmtp (RFC 7587 §6.1) asks of what we send. These are receiver
/// preferences: we may honour them, nothing breaks if we do not.
public struct NegotiatedOpus: Equatable, Sendable {
    /// `stereo=1`: the peer prefers to receive stereo.
    public var prefersStereo: Bool
    /// `useinbandfec=1`: the peer can use in-band FEC, so sending it helps.
    public var usesInbandFEC: Bool
    /// `usedtx=1`: the peer prefers discontinuous transmission.
    public var usesDTX: Bool
    /// `maxaveragebitrate` in bit/s.
    public var maxAverageBitrate: Int?
    /// `maxplaybackrate` in Hz.
    public var maxPlaybackRate: Int?

    public init(prefersStereo: Bool = false, usesInbandFEC: Bool = false, usesDTX: Bool = false,
                maxAverageBitrate: Int? = nil, maxPlaybackRate: Int? = nil) {
        self.prefersStereo = prefersStereo
        self.usesInbandFEC = usesInbandFEC
        self.usesDTX = usesDTX
        self.maxAverageBitrate = maxAverageBitrate
        self.maxPlaybackRate = maxPlaybackRate
    }

    init(formatParameters: SDPFormatParameters?) {
        self.init(prefersStereo: formatParameters?["stereo"] == "1",
                  usesInbandFEC: formatParameters?["useinbandfec"] == "1",
                  usesDTX: formatParameters?["usedtx"] == "1",
                  maxAverageBitrate: formatParameters?.integer("maxaveragebitrate"),
                  maxPlaybackRate: formatParameters?.integer("maxplaybackrate"))
    }

    /// Channels to encode: 2 when the peer prefers stereo, else 1.
    public var channels: Int { prefersStereo ? 2 : 1 }
}
