/// A media section's rtpmap and fmtp lines indexed by payload type, read once. The
/// negotiator looks formats up many times per m-line; the public `rtpMap(for:)` and
/// `formatParameters(for:)` re-read the attribute list on every call.
struct PayloadFormats {
    let payloadTypes: [UInt8]
    private let rtpMaps: [UInt8: SDPRTPMap]
    private let parameters: [UInt8: SDPFormatParameters]

    init(_ media: MediaDescription) {
        payloadTypes = media.payloadTypes
        var rtpMaps: [UInt8: SDPRTPMap] = [:]
        var parameters: [UInt8: SDPFormatParameters] = [:]
        for attribute in media.attributes {
            // The first line for a payload type wins, as in the public accessors.
            if let rtpMap = SDPRTPMap(attribute), rtpMaps[rtpMap.payloadType] == nil {
                rtpMaps[rtpMap.payloadType] = rtpMap
            } else if let fmtp = SDPFormatParameters(attribute), let payloadType = SDPText.integer(fmtp.format, as: UInt8.self),
                      parameters[payloadType] == nil {
                parameters[payloadType] = fmtp
            }
        }
        self.rtpMaps = rtpMaps
        self.parameters = parameters
    }

    /// The rtpmap, or the implied one for static PCMU (0) and PCMA (8).
    func rtpMap(_ payloadType: UInt8) -> SDPRTPMap? {
        rtpMaps[payloadType] ?? MediaDescription.staticRTPMap(payloadType)
    }

    func formatParameters(_ payloadType: UInt8) -> SDPFormatParameters? {
        parameters[payloadType]
    }
}
