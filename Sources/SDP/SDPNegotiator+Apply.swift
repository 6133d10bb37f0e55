import SRTP

extension SDPNegotiator {
    /// Reads the peer's answer to our offer (RFC 3264 §7). The answer must have as many
    /// m-lines as the offer, of the same media types. Per m-line, the codec is the first of
    /// the answer's formats that we offered (the answerer's choice), sent with the answer's
    /// payload type number; for H.264 the answer's fmtp bounds what we send (an answer that
    /// leaves out the fmtp for an offered number is read with our offered one, which is what
    /// such peers mean). SRTP: the answer's a=crypto must name a tag and suite we offered; its
    /// key is inbound, ours for that tag outbound. A stream we offered as RTP/SAVP, or under
    /// `.required`, without a usable answer key is rejected.
    public static func apply(answer: SessionDescription, toOffer offer: SessionDescription,
                             local: SDPLocalCapabilities) throws(SDPNegotiationFailure) -> NegotiatedSession {
        guard answer.media.count == offer.media.count else {
            throw .answerMismatch("\(answer.media.count) m-lines for \(offer.media.count) offered")
        }
        var streams: [NegotiatedStream] = []
        var rejections: [SDPMediaRejection] = []
        for (index, (offered, answered)) in zip(offer.media, answer.media).enumerated() {
            guard SDPText.equalsIgnoringCase(offered.mediaType, answered.mediaType) else {
                throw .answerMismatch("m-line \(index) is \(answered.mediaType), offered \(offered.mediaType)")
            }
            let outcome: SectionOutcome
            if offered.port == 0 {
                outcome = .rejected(.disabledInOffer)
            } else if answered.port == 0 {
                outcome = .rejected(.rejectedByPeer)
            } else {
                outcome = try applySection(index: index, offered: offered, answered: answered, answer: answer, local: local)
            }
            switch outcome {
            case .accepted(let stream, _): streams.append(stream)
            case .rejected(let reason):
                rejections.append(SDPMediaRejection(mediaIndex: index, mediaType: offered.mediaType, reason: reason))
            }
        }
        guard !streams.isEmpty else { throw SDPNegotiationFailure.choose(from: rejections) }
        return NegotiatedSession(streams: streams, rejectedMedia: rejections, remoteOrigin: answer.origin)
    }

    private static func applySection(index: Int, offered: MediaDescription, answered: MediaDescription,
                                     answer: SessionDescription, local: SDPLocalCapabilities) throws(SDPNegotiationFailure) -> SectionOutcome {
        guard let kind = offered.kind, let localPort = local.port(for: kind) else { return .rejected(.unsupportedMediaType) }

        let ourFormats = PayloadFormats(offered), theirFormats = PayloadFormats(answered)
        // The answer's rtpmap and fmtp, or ours for the same number when the answer leaves them out.
        func rtpMap(_ payloadType: UInt8) -> SDPRTPMap? {
            theirFormats.rtpMap(payloadType) ?? ourFormats.rtpMap(payloadType)
        }
        func weOffered(_ codec: SDPCodec) -> Bool {
            ourFormats.payloadTypes.contains { ourFormats.rtpMap($0).map(codec.matches) ?? false }
        }
        var choice: CodecChoice?
        for payloadType in theirFormats.payloadTypes {
            guard let map = rtpMap(payloadType) else { continue }
            if kind == .video {
                let parameters = theirFormats.formatParameters(payloadType) ?? ourFormats.formatParameters(payloadType)
                if let h264 = h264Choice(rtpMap: map, parameters: parameters, local: local) {
                    choice = CodecChoice(payloadType: payloadType, codec: .h264, telephoneEventPayloadType: nil, h264: h264)
                    break
                }
            } else if let codec = local.audioCodecs.first(where: { $0.kind == .audio && $0.matches(map) }), weOffered(codec) {
                let eventType = local.telephoneEvent
                    ? theirFormats.payloadTypes.first { rtpMap($0)?.isEncoding("telephone-event", clockRate: codec.clockRate) ?? false }
                    : nil
                choice = CodecChoice(payloadType: payloadType, codec: codec, telephoneEventPayloadType: eventType)
                break
            }
        }
        guard let choice else { return .rejected(.noCommonCodec) }

        var srtp: NegotiatedSRTP?
        if local.encryption != .prohibited {
            if let theirs = answered.cryptoAttributes.first(where: { (try? $0.usableKeyingMaterial()) != nil }) {
                guard let ours = offered.cryptoAttributes.first(where: { $0.tag == theirs.tag && $0.suite == theirs.suite }) else {
                    throw .answerMismatch("a=crypto tag \(theirs.tag) with \(theirs.suite) was not offered in m-line \(index)")
                }
                srtp = NegotiatedSRTP(tag: theirs.tag, inbound: theirs.keyingMaterial, outbound: ours.keyingMaterial)
            } else if offered.isSecureProfile {
                return .rejected(.noUsableCrypto)
            } else if local.encryption == .required {
                return .rejected(.encryptionRequired)
            }
        }

        let answerDirection = answer.direction(of: answered)
        let rtcpMux = offered.rtcpMux && answered.rtcpMux
        let remote = remoteTransport(of: answered, in: answer, rtcpMux: rtcpMux)
        let peerReceives = answerDirection.receives && !remote.isNullAddress
        let direction = SDPMediaDirection(sends: peerReceives, receives: answerDirection.sends).intersection(local.direction)

        var video: NegotiatedVideo?
        var feedback: SDPRTCPFeedbackSet = []
        if let h264 = choice.h264 {
            feedback = agreedFeedback(in: answered, payloadType: choice.payloadType, local: local)
            let mode = h264.limits.bestMode(among: local.video.resolutions, frameRate: local.video.maxFrameRate,
                                            minimumFrameRate: local.video.minimumFrameRate)
            let ourParameters = ourFormats.formatParameters(choice.payloadType)
            let localProfileLevel = ourParameters?["profile-level-id"].flatMap { H264ProfileLevel(hex: $0) }
                ?? .constrainedBaseline(local.video.maxLevel)
            video = NegotiatedVideo(packetizationMode: h264.mode, remoteLimits: h264.limits,
                                    remoteProfileLevel: h264.profileLevel, localProfileLevel: localProfileLevel,
                                    maxWidth: mode.resolution.width, maxHeight: mode.resolution.height,
                                    maxFrameRate: mode.frameRate)
        }
        let opus = choice.codec == .opus
            ? NegotiatedOpus(formatParameters: theirFormats.formatParameters(choice.payloadType)) : nil

        let stream = NegotiatedStream(
            mediaIndex: index, kind: kind, mid: answered.mid ?? offered.mid, localPort: localPort,
            remoteAddress: remote.address, remotePort: answered.port,
            remoteRTCPAddress: remote.rtcpAddress, remoteRTCPPort: remote.rtcpPort, rtcpMux: rtcpMux,
            payloadType: choice.payloadType, codec: choice.codec,
            telephoneEventPayloadType: choice.telephoneEventPayloadType, direction: direction,
            isRemoteHold: local.direction.sends && !peerReceives, rtcpFeedback: feedback, srtp: srtp,
            packetTime: answered.packetTime, maxBitrate: answered.maximumBitrate, video: video, opus: opus)
        return .accepted(stream, answered)
    }
}
