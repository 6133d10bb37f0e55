import Mixer
import SDP

/// A meeting space (CMS coSpace): the URI endpoints dial, its default layout and media
/// encryption policy.
public struct Space: Codable, Sendable, Equatable {
    public var id: Int
    /// The user part endpoints dial (`sip:1000@bridge`).
    public var uri: String
    public var name: String
    public var defaultLayout: LayoutName
    /// CMS `sipMediaEncryption`: optional, required, prohibited.
    public var mediaEncryption: SDPEncryptionPolicy
    /// Name labels on panes (CMS `participantLabels`).
    public var participantLabels: Bool

    public init(id: Int, uri: String, name: String, defaultLayout: LayoutName = .allEqual,
                mediaEncryption: SDPEncryptionPolicy = .optional, participantLabels: Bool = true) {
        self.id = id
        self.uri = uri
        self.name = name
        self.defaultLayout = defaultLayout
        self.mediaEncryption = mediaEncryption
        self.participantLabels = participantLabels
    }
}

extension SDPEncryptionPolicy: Codable {}
