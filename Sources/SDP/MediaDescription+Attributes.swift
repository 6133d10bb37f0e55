import SRTP

/// Typed views over a media section's attribute list. Each reads the ordered list on demand
/// (control plane: clarity over caching) and skips lines it cannot parse, as RFC 8866 §5.13
/// asks of unknown or unusable attributes.
extension MediaDescription {
    public var rtpMaps: [SDPRTPMap] { attributes.compactMap(SDPRTPMap.init) }

    /// The rtpmap for `payloadType`; for the static types of RFC 3551 §6 that we use (0 PCMU,
    /// 8 PCMA) an implied one when the section has none.
    public func rtpMap(for payloadType: UInt8) -> SDPRTPMap? {
        rtpMaps.first { $0.payloadType == payloadType } ?? Self.staticRTPMap(payloadType)
    }

    static func staticRTPMap(_ payloadType: UInt8) -> SDPRTPMap? {
        switch payloadType {
        case 0: return SDPRTPMap(payloadType: 0, encodingName: "PCMU", clockRate: 8000)
        case 8: return SDPRTPMap(payloadType: 8, encodingName: "PCMA", clockRate: 8000)
        default: return nil
        }
    }

    public var formatParameters: [SDPFormatParameters] { attributes.compactMap(SDPFormatParameters.init) }

    /// The fmtp line for `payloadType`, if any.
    public func formatParameters(for payloadType: UInt8) -> SDPFormatParameters? {
        formatParameters.first { SDPText.integer($0.format, as: UInt8.self) == payloadType }
    }

    public var rtcpFeedback: [SDPRTCPFeedback] { attributes.compactMap(SDPRTCPFeedback.init) }

    /// The rtcp-fb lines that apply to `payloadType` (its own and `*`).
    public func rtcpFeedback(for payloadType: UInt8) -> [SDPRTCPFeedback] {
        rtcpFeedback.filter { $0.applies(to: payloadType) }
    }

    /// `a=rtcp-mux` (RFC 5761 §5.1.1): RTP and RTCP share the RTP port.
    public var rtcpMux: Bool { attributes.contains(named: "rtcp-mux") }

    /// `a=rtcp` (RFC 3605).
    public var rtcp: SDPRTCPAttribute? { attributes.first(named: "rtcp").flatMap(SDPRTCPAttribute.init) }

    /// This section's own direction attribute; `SessionDescription.direction(of:)` applies the
    /// session default.
    public var direction: SDPMediaDirection? { attributes.direction }

    /// The `a=crypto` lines (RFC 4568) that parse; lines with suites or syntax we do not know
    /// are skipped, as RFC 4568 §7.1.2 lets an answerer do.
    public var cryptoAttributes: [SRTPCryptoAttribute] {
        attributes.all(named: "crypto").compactMap { attribute in
            attribute.value.flatMap { try? SRTPCryptoAttribute(parsing: $0) }
        }
    }

    /// `a=ptime` in milliseconds (RFC 8866 §6.4). A fractional value is cut to whole ms.
    public var packetTime: Int? { milliseconds("ptime") }

    /// `a=maxptime` in milliseconds (RFC 8866 §6.5).
    public var maximumPacketTime: Int? { milliseconds("maxptime") }

    /// `a=mid` (RFC 5888 §4).
    public var mid: String? { attributes.first(named: "mid")?.value }

    /// `a=content` (RFC 4796): `main`, `slides`, `speaker`, ...
    public var content: String? { attributes.first(named: "content")?.value }

    public var extensionMaps: [SDPExtensionMap] { attributes.compactMap(SDPExtensionMap.init) }

    public var sources: [SDPSourceAttribute] { attributes.compactMap(SDPSourceAttribute.init) }

    /// ICE `a=candidate` values (RFC 8839), kept opaque: the bridge is not an ICE agent yet.
    public var candidates: [String] { attributes.all(named: "candidate").compactMap(\.value) }

    /// The bandwidth limit of this section in bits per second: the smallest of b=TIAS and
    /// b=AS (RFC 3890, RFC 8866 §5.8), nil when neither is given.
    public var maximumBitrate: Int? {
        bandwidths.compactMap(\.bitsPerSecond).min().map { Int(clamping: $0) }
    }

    private func milliseconds(_ name: String) -> Int? {
        guard let value = attributes.first(named: name)?.value else { return nil }
        let whole = SDPText.trimmed(value).prefix { $0 != "." }
        return SDPText.integer(whole, as: UInt16.self).map(Int.init)
    }
}
