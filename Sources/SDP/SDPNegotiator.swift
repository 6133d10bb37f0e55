import SRTP

/// SDP offer/answer (RFC 3264) as pure functions: descriptions and local capabilities in,
/// descriptions and agreed streams out. No state is kept between calls; for re-offers the
/// caller passes the description it last sent (and keeps an `SDPSessionVersion`).
///
/// - `answer(offer:local:origin:)`: answer a peer's offer (incoming call, re-INVITE).
/// - `offer(local:origin:previous:)`: make an offer (dial-out, hold/resume re-INVITE).
/// - `apply(answer:toOffer:local:)`: read the peer's answer to our offer.
///
/// The bridge takes at most one audio and one H.264 video stream per leg; every other m-line
/// is answered with port 0, keeping the offer's m-line count and order (RFC 3264 §6).
public enum SDPNegotiator {
    /// The transport protocols we speak: SDES-keyed or plain RTP, with or without the feedback
    /// profile (RFC 3551, RFC 4585, RFC 3711, RFC 5124).
    static func isSupportedTransport(_ proto: String) -> Bool {
        ["RTP/AVP", "RTP/AVPF", "RTP/SAVP", "RTP/SAVPF"].contains(proto.uppercased())
    }

    /// The codec we pick for an offered section, with the offerer's payload type numbers.
    struct CodecChoice {
        var payloadType: UInt8
        var codec: SDPCodec
        var telephoneEventPayloadType: UInt8?
        var h264: H264Choice?
    }

    struct H264Choice {
        var mode: SDPPacketizationMode
        var profileLevel: H264ProfileLevel
        var limits: H264ReceiveLimits
        var formatParameters: SDPFormatParameters?
    }

    /// The first acceptable audio codec in *our* preference order (`local.audioCodecs`) among
    /// the section's payload types, and telephone-event at that codec's clock rate (RFC 4733
    /// §2.1: events use the clock of the audio they go with).
    static func chooseAudio(in formats: PayloadFormats, local: SDPLocalCapabilities) -> CodecChoice? {
        for codec in local.audioCodecs where codec.kind == .audio {
            guard let payloadType = formats.payloadTypes.first(where: { formats.rtpMap($0).map(codec.matches) ?? false }) else {
                continue
            }
            return CodecChoice(payloadType: payloadType, codec: codec,
                               telephoneEventPayloadType: local.telephoneEvent
                                   ? telephoneEvent(in: formats, clockRate: codec.clockRate) : nil)
        }
        return nil
    }

    static func telephoneEvent(in formats: PayloadFormats, clockRate: Int) -> UInt8? {
        formats.payloadTypes.first { formats.rtpMap($0)?.isEncoding("telephone-event", clockRate: clockRate) ?? false }
    }

    /// An H.264 payload type we can use: Baseline (constrained or not) at a known level, in a
    /// packetization mode we take (RFC 6184 §8.1: no profile-level-id means 42000a, no
    /// packetization-mode means 0). Our encoder's Constrained Baseline stream is decodable by
    /// any Baseline decoder, so plain Baseline offers are fine.
    static func h264Choice(rtpMap: SDPRTPMap?, parameters: SDPFormatParameters?, local: SDPLocalCapabilities) -> H264Choice? {
        guard let rtpMap, SDPCodec.h264.matches(rtpMap) else { return nil }
        guard let mode = SDPPacketizationMode(formatParameters: parameters),
              local.video.packetizationModes.contains(mode) else { return nil }
        let profileLevel: H264ProfileLevel
        if let text = parameters?["profile-level-id"] {
            guard let parsed = H264ProfileLevel(hex: text) else { return nil }
            profileLevel = parsed
        } else {
            profileLevel = .implied
        }
        guard profileLevel.isBaseline, let limits = H264ReceiveLimits(formatParameters: parameters) else { return nil }
        return H264Choice(mode: mode, profileLevel: profileLevel, limits: limits, formatParameters: parameters)
    }

    /// Among acceptable H.264 payload types, the first (in offer order) in our most preferred
    /// packetization mode: mode 1 when offered at all, else mode 0. baresip, for one, lists
    /// mode 0 first.
    static func chooseVideo(in formats: PayloadFormats, local: SDPLocalCapabilities) -> CodecChoice? {
        let acceptable = formats.payloadTypes.compactMap { payloadType in
            h264Choice(rtpMap: formats.rtpMap(payloadType), parameters: formats.formatParameters(payloadType), local: local)
                .map { (payloadType, $0) }
        }
        for mode in local.video.packetizationModes {
            if let (payloadType, choice) = acceptable.first(where: { $0.1.mode == mode }) {
                return CodecChoice(payloadType: payloadType, codec: .h264, telephoneEventPayloadType: nil, h264: choice)
            }
        }
        return nil
    }

    /// The a=crypto line to answer: for each suite in our preference order, the first offered
    /// line with that suite that our sessions can use as written (no MKI, no unsupported
    /// session parameter; RFC 4568 §6.3 says such lines must not be used).
    static func chooseCrypto(_ offered: [SRTPCryptoAttribute], local: SDPLocalCapabilities) -> SRTPCryptoAttribute? {
        for suite in local.usableSRTPSuites {
            if let line = offered.first(where: { $0.suite == suite && (try? $0.usableKeyingMaterial()) != nil }) {
                return line
            }
        }
        return nil
    }

    /// Where the peer wants RTP and RTCP: c= (media, else session), the m= port, and RTCP on
    /// the same port with rtcp-mux (RFC 5761 §5.1.3), at a=rtcp (RFC 3605), or on port + 1.
    static func remoteTransport(of media: MediaDescription, in description: SessionDescription, rtcpMux: Bool)
        -> (address: String, rtcpAddress: String, rtcpPort: UInt16, isNullAddress: Bool) {
        let connection = description.connection(of: media)
        let address = connection?.host ?? "0.0.0.0"
        if rtcpMux { return (address, address, media.port, connection?.isUnspecified ?? true) }
        let rtcp = media.rtcp
        let rtcpPort = rtcp?.port ?? (media.port == .max ? media.port : media.port + 1)
        return (address, rtcp?.connection?.host ?? address, rtcpPort, connection?.isUnspecified ?? true)
    }

    /// The rejected form of an m-line: same media and protocol, port 0, one format (RFC 3264
    /// §6: at least one must be listed; it is ignored).
    static func rejected(_ media: MediaDescription) -> MediaDescription {
        MediaDescription(mediaType: media.mediaType, port: 0, transportProtocol: media.transportProtocol,
                         formats: [media.formats.first ?? "0"])
    }

    /// rtpmap (and fmtp) lines describing `codec` at `payloadType` in a description we write.
    static func rtpMap(_ codec: SDPCodec, payloadType: UInt8) -> SDPAttribute {
        SDPRTPMap(payloadType: payloadType, encodingName: codec.encodingName, clockRate: codec.clockRate,
                  encodingParameters: codec.encodingParameters).attribute
    }

    /// Our telephone-event lines: DTMF 0-9, *, #, A-D (events 0-15, RFC 4733 §3.2).
    static func telephoneEventAttributes(payloadType: UInt8, clockRate: Int) -> [SDPAttribute] {
        [SDPRTPMap(payloadType: payloadType, encodingName: "telephone-event", clockRate: clockRate).attribute,
         SDPFormatParameters(format: "\(payloadType)", parameters: [.init("0-15")]).attribute]
    }

    /// The Opus fmtp we write: we decode in-band FEC (RFC 7587 §6.1), mono is what we want.
    static func opusParameters(payloadType: UInt8) -> SDPAttribute {
        SDPFormatParameters(format: "\(payloadType)", parameters: [.init("useinbandfec", "1")]).attribute
    }

    /// Feedback the peer listed for `payloadType` that we also implement.
    static func agreedFeedback(in media: MediaDescription, payloadType: UInt8, local: SDPLocalCapabilities) -> SDPRTCPFeedbackSet {
        var offered: SDPRTCPFeedbackSet = []
        for line in media.rtcpFeedback(for: payloadType) {
            if let message = line.knownMessage { offered.insert(message) }
        }
        return offered.intersection(local.video.rtcpFeedback)
    }
}
