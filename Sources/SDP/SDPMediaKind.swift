/// The media types the bridge handles. Anything else (application, text, image, ...) is
/// kept in the model but rejected in negotiation.
public enum SDPMediaKind: String, Sendable, CaseIterable {
    case audio
    case video
}
