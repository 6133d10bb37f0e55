import SRTP

extension SDPNegotiator {
    /// Answers `offer` (RFC 3264 §6). Every offered m-line gets one in the answer, in order;
    /// those we do not take get port 0. `origin` is ours (see `SDPSessionVersion`).
    ///
    /// Per m-line: audio or video over RTP/(S)AVP(F), a local port for it, not a second one of
    /// its kind, not `a=content:slides`; then a codec (audio: our preference order; video:
    /// H.264 Baseline, mode 1 before mode 0), then the encryption policy, then direction,
    /// rtcp-mux and feedback. The answer lists only the chosen payload type (and
    /// telephone-event), with the offerer's numbers, so both directions use one codec.
    ///
    /// For a re-offer within a dialog (hold, resume, refresh), pass the description we last
    /// sent as `previous`: where it carried our key for the same m-line and suite, that key is
    /// answered again, so our outbound SRTP session continues (RFC 4568 §7.1.4 lets either
    /// side keep its key) and only what changed needs applying.
    ///
    /// Throws when no m-line is accepted: the most specific encryption reason if one applied,
    /// else `.noCommonCodec`; and `.keyGeneration` if our SRTP key could not be made.
    public static func answer(offer: SessionDescription, local: SDPLocalCapabilities, origin: SDPOrigin,
                              previous: SessionDescription? = nil) throws(SDPNegotiationFailure) -> SDPAnswer {
        var streams: [NegotiatedStream] = []
        var rejections: [SDPMediaRejection] = []
        var sections: [MediaDescription] = []
        for (index, media) in offer.media.enumerated() {
            let taken = Set(streams.map(\.kind))
            let previousMedia = previous.flatMap { index < $0.media.count ? $0.media[index] : nil }
            switch try answerSection(index: index, media: media, offer: offer, local: local, taken: taken,
                                     previous: previousMedia) {
            case .accepted(let stream, let section):
                streams.append(stream)
                sections.append(section)
            case .rejected(let reason):
                rejections.append(SDPMediaRejection(mediaIndex: index, mediaType: media.mediaType, reason: reason))
                sections.append(rejected(media))
            }
        }
        guard !streams.isEmpty else { throw SDPNegotiationFailure.choose(from: rejections) }
        let description = SessionDescription(origin: origin, sessionName: local.sessionName,
                                             connection: SDPConnection(address: local.address), media: sections)
        return SDPAnswer(description: description,
                         session: NegotiatedSession(streams: streams, rejectedMedia: rejections, remoteOrigin: offer.origin))
    }

    enum SectionOutcome {
        case accepted(NegotiatedStream, MediaDescription)
        case rejected(SDPMediaRejection.Reason)
    }

    enum CryptoDecision {
        case plain
        case srtp(SRTPCryptoAttribute)
        case reject(SDPMediaRejection.Reason)
    }

    /// The encryption policy applied to one offered m-line:
    ///
    /// | offer                    | optional | required | prohibited |
    /// |--------------------------|----------|----------|------------|
    /// | RTP/AVP(F)               | plain    | reject   | plain      |
    /// | RTP/AVP(F) + a=crypto    | SRTP     | SRTP     | plain      |
    /// | RTP/SAVP(F) + a=crypto   | SRTP     | SRTP     | reject     |
    ///
    /// RTP/AVP with a=crypto is "best effort" SRTP (baresip's `srtp`, Asterisk, our own
    /// offers under `.optional`): answering with a=crypto makes both sides encrypt, so
    /// `.required` is met. When no offered line is usable, SAVP is rejected and AVP falls
    /// back to plain (or is rejected under `.required`).
    static func cryptoDecision(for media: MediaDescription, local: SDPLocalCapabilities) -> CryptoDecision {
        let secure = media.isSecureProfile
        if local.encryption == .prohibited { return secure ? .reject(.encryptionProhibited) : .plain }
        let offered = media.cryptoAttributes
        if let chosen = chooseCrypto(offered, local: local) { return .srtp(chosen) }
        if secure { return .reject(.noUsableCrypto) }
        return local.encryption == .required ? .reject(.encryptionRequired) : .plain
    }

    private static func answerSection(index: Int, media: MediaDescription, offer: SessionDescription,
                                      local: SDPLocalCapabilities, taken: Set<SDPMediaKind>,
                                      previous: MediaDescription?) throws(SDPNegotiationFailure) -> SectionOutcome {
        guard media.port != 0 else { return .rejected(.disabledInOffer) }
        guard let kind = media.kind else { return .rejected(.unsupportedMediaType) }
        guard isSupportedTransport(media.transportProtocol) else { return .rejected(.unsupportedTransport) }
        guard let localPort = local.port(for: kind) else { return .rejected(.noLocalPort) }
        if kind == .video, let content = media.content, content.lowercased() == "slides" {
            return .rejected(.presentationNotSupported)
        }
        guard !taken.contains(kind) else { return .rejected(.duplicateStream) }
        let offeredFormats = PayloadFormats(media)
        guard let choice = kind == .audio
            ? chooseAudio(in: offeredFormats, local: local) : chooseVideo(in: offeredFormats, local: local) else {
            return .rejected(.noCommonCodec)
        }

        var srtp: NegotiatedSRTP?
        var cryptoLine: SDPAttribute?
        switch cryptoDecision(for: media, local: local) {
        case .reject(let reason):
            return .rejected(reason)
        case .plain:
            break
        case .srtp(let offered):
            let ours: SRTPKeyingMaterial
            if previous?.mediaType == media.mediaType,
               let kept = previous?.cryptoAttributes.first(where: { $0.suite == offered.suite }) {
                ours = kept.keyingMaterial
            } else {
                do { ours = try local.keyGenerator(offered.suite) } catch { throw .keyGeneration(error) }
            }
            guard let theirs = try? offered.usableKeyingMaterial(),
                  let answerLine = try? SRTPCryptoAttribute(tag: offered.tag, keyingMaterial: ours) else {
                return .rejected(.noUsableCrypto)
            }
            srtp = NegotiatedSRTP(tag: offered.tag, inbound: theirs, outbound: ours)
            cryptoLine = SDPAttribute("crypto", answerLine.value)
        }

        // Direction (RFC 3264 §6.1): we send what the peer receives and receive what it sends,
        // limited by our own wish; c=0.0.0.0 means "send nothing to me" (§8.4).
        let offerDirection = offer.direction(of: media)
        let rtcpMux = media.rtcpMux && local.rtcpMux
        let remote = remoteTransport(of: media, in: offer, rtcpMux: rtcpMux)
        let peerReceives = offerDirection.receives && !remote.isNullAddress
        let direction = SDPMediaDirection(sends: peerReceives, receives: offerDirection.sends).intersection(local.direction)

        var attributes: [SDPAttribute] = []
        if let mid = media.mid { attributes.append(SDPAttribute("mid", mid)) }
        var formats = ["\(choice.payloadType)"]
        var feedback: SDPRTCPFeedbackSet = []
        var video: NegotiatedVideo?
        var opus: NegotiatedOpus?
        let offeredParameters = offeredFormats.formatParameters(choice.payloadType)

        attributes.append(rtpMap(choice.codec, payloadType: choice.payloadType))
        if let h264 = choice.h264 {
            let level = answerLevel(for: h264, offerDirection: offerDirection, local: local)
            let localProfileLevel = h264.profileLevel.with(level: level)
            var parameters = [SDPFormatParameters.Parameter("profile-level-id", localProfileLevel.hex)]
            // packetization-mode must be echoed as offered (RFC 6184 §8.2.2); absent stays absent.
            if offeredParameters?["packetization-mode"] != nil {
                parameters.append(.init("packetization-mode", "\(h264.mode.rawValue)"))
            }
            if offeredParameters?["level-asymmetry-allowed"] == "1" { parameters.append(.init("level-asymmetry-allowed", "1")) }
            // A level capped by the offer's understates what we decode; max-mbps, max-fs and
            // max-br are receiver capabilities that may exceed the level (RFC 6184 §8.1), as
            // room systems use them (428016 with 1080p limits).
            let ourLevel = local.video.maxLevel
            if level < ourLevel {
                parameters += [.init("max-mbps", "\(ourLevel.maxMacroblocksPerSecond)"),
                               .init("max-fs", "\(ourLevel.maxFrameSize)"), .init("max-br", "\(ourLevel.maxBitrate)")]
            }
            attributes.append(SDPFormatParameters(format: "\(choice.payloadType)", parameters: parameters).attribute)
            feedback = agreedFeedback(in: media, payloadType: choice.payloadType, local: local)
            attributes += feedback.attributes(payloadType: choice.payloadType)
            let mode = h264.limits.bestMode(among: local.video.resolutions, frameRate: local.video.maxFrameRate,
                                            minimumFrameRate: local.video.minimumFrameRate)
            video = NegotiatedVideo(packetizationMode: h264.mode, remoteLimits: h264.limits,
                                    remoteProfileLevel: h264.profileLevel, localProfileLevel: localProfileLevel,
                                    maxWidth: mode.resolution.width, maxHeight: mode.resolution.height,
                                    maxFrameRate: mode.frameRate)
        } else {
            if choice.codec == .opus {
                attributes.append(opusParameters(payloadType: choice.payloadType))
                opus = NegotiatedOpus(formatParameters: offeredParameters)
            }
            if let eventType = choice.telephoneEventPayloadType {
                formats.append("\(eventType)")
                attributes += telephoneEventAttributes(payloadType: eventType, clockRate: choice.codec.clockRate)
            }
            attributes.append(SDPAttribute("ptime", "\(local.audioPacketTime)"))
        }
        attributes.append(direction.attribute)
        if rtcpMux { attributes.append(SDPAttribute("rtcp-mux")) }
        if let cryptoLine { attributes.append(cryptoLine) }

        let section = MediaDescription(mediaType: media.mediaType, port: localPort,
                                       transportProtocol: media.transportProtocol, formats: formats, attributes: attributes)
        let stream = NegotiatedStream(
            mediaIndex: index, kind: kind, mid: media.mid, localPort: localPort,
            remoteAddress: remote.address, remotePort: media.port,
            remoteRTCPAddress: remote.rtcpAddress, remoteRTCPPort: remote.rtcpPort, rtcpMux: rtcpMux,
            payloadType: choice.payloadType, codec: choice.codec,
            telephoneEventPayloadType: choice.telephoneEventPayloadType, direction: direction,
            isRemoteHold: !peerReceives, rtcpFeedback: feedback, srtp: srtp, packetTime: media.packetTime,
            maxBitrate: media.maximumBitrate, video: video, opus: opus)
        return .accepted(stream, section)
    }

    /// The level we answer, i.e. the most we will receive (RFC 6184 §8.2.2). For a sendrecv
    /// or recvonly offer it may not exceed the offer's level, so it is the lower of the
    /// offer's and ours. When the offerer only sends, or allows level asymmetry
    /// (`level-asymmetry-allowed=1`, RFC 6184 §8.1), the answer's level only describes what we
    /// receive and is simply our maximum.
    static func answerLevel(for h264: H264Choice, offerDirection: SDPMediaDirection, local: SDPLocalCapabilities) -> H264Level {
        let asymmetric = h264.formatParameters?["level-asymmetry-allowed"] == "1"
        if asymmetric || offerDirection == .sendonly { return local.video.maxLevel }
        return min(h264.limits.level, local.video.maxLevel)
    }
}
