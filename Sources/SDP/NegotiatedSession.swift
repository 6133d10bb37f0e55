/// The outcome of an offer/answer exchange: the accepted streams and why the others were
/// rejected. At most one audio and one video stream is accepted.
public struct NegotiatedSession: Equatable, Sendable {
    /// Accepted streams in m-line order.
    public var streams: [NegotiatedStream]
    /// Rejected m-lines (port 0 in the answer) in m-line order.
    public var rejectedMedia: [SDPMediaRejection]
    /// The peer's o= line: a later offer with the same session and a higher version is a
    /// re-offer (RFC 3264 §8).
    public var remoteOrigin: SDPOrigin

    public init(streams: [NegotiatedStream], rejectedMedia: [SDPMediaRejection], remoteOrigin: SDPOrigin) {
        self.streams = streams
        self.rejectedMedia = rejectedMedia
        self.remoteOrigin = remoteOrigin
    }

    public var audio: NegotiatedStream? { streams.first { $0.kind == .audio } }
    public var video: NegotiatedStream? { streams.first { $0.kind == .video } }

    /// The peer holds the call: every accepted stream is on remote hold.
    public var isRemoteHold: Bool { !streams.isEmpty && streams.allSatisfy(\.isRemoteHold) }
}
