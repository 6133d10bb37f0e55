import SRTP

extension SDPNegotiator {
    /// Makes an offer from our capabilities (RFC 3264 §5): one audio and one video m-line for
    /// the kinds we have ports for, every codec we take, telephone-event at each codec clock
    /// rate in use, H.264 Constrained Baseline at our maximum level in each packetization
    /// mode we take, nack/pli/fir feedback, rtcp-mux, our direction, and under `.optional`
    /// or `.required` one a=crypto line per usable suite, each with its own fresh key.
    /// `.optional` offers RTP/AVP (best-effort SRTP, see `SDPEncryptionPolicy`), `.required`
    /// RTP/SAVP.
    ///
    /// For a re-offer (hold, resume, refresh) pass the description we last sent, offer or
    /// answer, as `previous` and an origin from `SDPSessionVersion.increment()`. Then the
    /// m-line layout is kept (RFC 3264 §8: lines are never removed or reordered; lines we do
    /// not use stay at port 0), AVPF and SAVP profiles stay as they were, payload type numbers
    /// keep their meaning (§8.3.2), and the a=crypto lines that carried our keys are offered
    /// again first with the same tag, suite and key, so the SRTP sessions can continue
    /// (RFC 4568 §7.1.4).
    public static func offer(local: SDPLocalCapabilities, origin: SDPOrigin,
                             previous: SessionDescription? = nil) throws(SDPNegotiationFailure) -> SessionDescription {
        var sections: [MediaDescription] = []
        var placed: Set<SDPMediaKind> = []
        for old in previous?.media ?? [] {
            if let kind = old.kind, !placed.contains(kind), local.port(for: kind) != nil,
               old.content?.lowercased() != "slides", isSupportedTransport(old.transportProtocol) {
                sections.append(try offerSection(kind, local: local, previous: old))
                placed.insert(kind)
            } else {
                sections.append(rejected(old))
            }
        }
        for kind in SDPMediaKind.allCases where !placed.contains(kind) && local.port(for: kind) != nil {
            sections.append(try offerSection(kind, local: local, previous: nil))
        }
        return SessionDescription(origin: origin, sessionName: local.sessionName,
                                  connection: SDPConnection(address: local.address), media: sections)
    }

    /// A format we offer before it has a payload type number.
    private struct PlannedFormat {
        var codec: SDPCodec?            // nil: telephone-event
        var clockRate: Int
        var mode: SDPPacketizationMode?
        var preferredPayloadType: UInt8

        func matches(_ rtpMap: SDPRTPMap, parameters: SDPFormatParameters?) -> Bool {
            guard let codec else { return rtpMap.isEncoding("telephone-event", clockRate: clockRate) }
            guard codec.matches(rtpMap) else { return false }
            return codec != .h264 || SDPPacketizationMode(formatParameters: parameters) == mode
        }
    }

    private static func offerSection(_ kind: SDPMediaKind, local: SDPLocalCapabilities,
                                     previous: MediaDescription?) throws(SDPNegotiationFailure) -> MediaDescription {
        // Conventional numbers (video 96/97, Opus 111, telephone-event 101/100); static ones fixed.
        var planned: [PlannedFormat] = []
        if kind == .audio {
            for codec in local.audioCodecs where codec.kind == .audio {
                planned.append(PlannedFormat(codec: codec, clockRate: codec.clockRate, mode: nil,
                                             preferredPayloadType: codec.staticPayloadType ?? 111))
            }
            if local.telephoneEvent {
                for rate in [48_000, 8_000] where planned.contains(where: { $0.clockRate == rate }) {
                    planned.append(PlannedFormat(codec: nil, clockRate: rate, mode: nil,
                                                 preferredPayloadType: rate == 48_000 ? 101 : 100))
                }
            }
        } else {
            for mode in local.video.packetizationModes {
                planned.append(PlannedFormat(codec: .h264, clockRate: 90_000, mode: mode,
                                             preferredPayloadType: mode == .nonInterleaved ? 96 : 97))
            }
        }
        let payloadTypes = assignPayloadTypes(planned, previous: previous)

        var attributes: [SDPAttribute] = []
        if let mid = previous?.mid { attributes.append(SDPAttribute("mid", mid)) }
        for (format, payloadType) in zip(planned, payloadTypes) {
            guard let codec = format.codec else {
                attributes += telephoneEventAttributes(payloadType: payloadType, clockRate: format.clockRate)
                continue
            }
            attributes.append(rtpMap(codec, payloadType: payloadType))
            if codec == .opus { attributes.append(opusParameters(payloadType: payloadType)) }
            if codec == .h264, let mode = format.mode {
                let profileLevel = H264ProfileLevel.constrainedBaseline(local.video.maxLevel)
                attributes.append(SDPFormatParameters(format: "\(payloadType)", parameters: [
                    .init("profile-level-id", profileLevel.hex), .init("packetization-mode", "\(mode.rawValue)"),
                ]).attribute)
            }
        }
        if kind == .video {
            for payloadType in payloadTypes { attributes += local.video.rtcpFeedback.attributes(payloadType: payloadType) }
        } else {
            attributes.append(SDPAttribute("ptime", "\(local.audioPacketTime)"))
        }
        attributes.append(local.direction.attribute)
        if local.rtcpMux { attributes.append(SDPAttribute("rtcp-mux")) }
        if local.encryption != .prohibited {
            attributes += try cryptoLines(local: local, previous: previous)
        }

        let secure = local.encryption == .required
            || (local.encryption == .optional && previous?.isSecureProfile == true)
        let feedback = previous?.isFeedbackProfile == true
        let proto = (secure ? "RTP/SAVP" : "RTP/AVP") + (feedback ? "F" : "")
        return MediaDescription(mediaType: kind.rawValue, port: local.port(for: kind) ?? 0, transportProtocol: proto,
                                formats: payloadTypes.map { "\($0)" }, attributes: attributes)
    }

    /// Payload type numbers for `planned`: a number the previous description used for the
    /// same format is kept; otherwise the preferred number, unless the previous description
    /// gave it another meaning or it is taken, then the first free dynamic number (96-127).
    private static func assignPayloadTypes(_ planned: [PlannedFormat], previous: MediaDescription?) -> [UInt8] {
        let previousMeaning: [UInt8: (SDPRTPMap, SDPFormatParameters?)] = Dictionary(
            (previous?.payloadTypes ?? []).compactMap { payloadType in
                previous?.rtpMap(for: payloadType).map { (payloadType, ($0, previous?.formatParameters(for: payloadType))) }
            }, uniquingKeysWith: { first, _ in first })
        var used: Set<UInt8> = []
        var result: [UInt8] = []
        for format in planned {
            let reused = previousMeaning.keys.sorted().first { payloadType in
                guard let (rtpMap, parameters) = previousMeaning[payloadType] else { return false }
                return !used.contains(payloadType) && format.matches(rtpMap, parameters: parameters)
            }
            let preferred = format.preferredPayloadType
            let preferredFree = !used.contains(preferred) && previousMeaning[preferred] == nil
            let chosen = reused ?? (preferredFree ? preferred
                : (96...127).first { !used.contains($0) && previousMeaning[$0] == nil } ?? preferred)
            used.insert(chosen)
            result.append(chosen)
        }
        return result
    }

    /// Our a=crypto lines: first the ones of `previous` (same tag, suite and key) for suites we
    /// still use, then one line with a fresh key for each remaining usable suite.
    private static func cryptoLines(local: SDPLocalCapabilities, previous: MediaDescription?) throws(SDPNegotiationFailure) -> [SDPAttribute] {
        let suites = local.usableSRTPSuites
        var lines: [SRTPCryptoAttribute] = (previous?.cryptoAttributes ?? []).filter { suites.contains($0.suite) }
        var nextTag = (lines.map(\.tag).max() ?? 0) + 1
        for suite in suites where !lines.contains(where: { $0.suite == suite }) {
            let key: SRTPKeyingMaterial
            do { key = try local.keyGenerator(suite) } catch { throw .keyGeneration(error) }
            guard let line = try? SRTPCryptoAttribute(tag: nextTag, keyingMaterial: key) else { continue }
            lines.append(line)
            nextTag += 1
        }
        return lines.map { SDPAttribute("crypto", $0.value) }
    }
}
