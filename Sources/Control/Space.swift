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
    /// CMS `qualityMain`: the largest picture sent to a leg of this space.
    public var qualityMain: QualityMain
    /// The admin store's id for this coSpace (a UUID); nil for spaces not from the store.
    public var key: String?
    /// Further user parts that reach the space (CMS `secondaryUri`, `callId`).
    public var otherURIs: [String] = []
    /// CMS callProfile `participantLimit`: joins beyond it are refused (SIP 486).
    public var participantLimit: Int?
    /// CMS callLegProfile mutes applied to every new leg of the space.
    public var legDefaults = LegMutes()
    /// CMS callLegProfile `changeLayoutAllowed` (endpoints may pick their own layout).
    public var changeLayoutAllowed = true

    public init(id: Int, uri: String, name: String, defaultLayout: LayoutName = .allEqual,
                mediaEncryption: SDPEncryptionPolicy = .optional, participantLabels: Bool = true,
                qualityMain: QualityMain = .unrestricted) {
        self.id = id
        self.uri = uri
        self.name = name
        self.defaultLayout = defaultLayout
        self.mediaEncryption = mediaEncryption
        self.participantLabels = participantLabels
        self.qualityMain = qualityMain
    }

    /// Whether `user` (a Request-URI user part) reaches this space.
    public func answers(to user: String) -> Bool {
        ([uri] + otherURIs).contains { !$0.isEmpty && $0.caseInsensitiveCompare(user) == .orderedSame }
    }

    private enum CodingKeys: String, CodingKey {
        case id, uri, name, defaultLayout, mediaEncryption, participantLabels, qualityMain
    }

    /// Files written before a field existed still load (missing fields take their defaults).
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        id = try c.decode(Int.self, forKey: .id)
        uri = try c.decode(String.self, forKey: .uri)
        name = try c.decodeIfPresent(String.self, forKey: .name) ?? uri
        defaultLayout = try c.decodeIfPresent(LayoutName.self, forKey: .defaultLayout) ?? .allEqual
        mediaEncryption = try c.decodeIfPresent(SDPEncryptionPolicy.self, forKey: .mediaEncryption) ?? .optional
        participantLabels = try c.decodeIfPresent(Bool.self, forKey: .participantLabels) ?? true
        qualityMain = try c.decodeIfPresent(QualityMain.self, forKey: .qualityMain) ?? .unrestricted
    }
}

/// CMS call leg profile `qualityMain`: caps the main video a leg receives. The picture is the
/// largest of 1080p30, 720p30, 480p30 (then smaller standard sizes) that both this cap and the
/// endpoint's H.264 level / max-fs / max-mbps allow.
public enum QualityMain: String, Codable, Sendable, CaseIterable {
    case unrestricted, max1080p30, max720p30, max480p30

    public var maximumHeight: Int {
        switch self {
        case .unrestricted, .max1080p30: return 1080
        case .max720p30: return 720
        case .max480p30: return 480
        }
    }
}

extension SDPEncryptionPolicy: Codable {}

/// CMS call leg mutes, seen from the bridge: rx = what the bridge receives from the leg
/// (others do not hear / see it), tx = what the bridge sends to the leg.
public struct LegMutes: Sendable, Equatable {
    public var rxAudio = false
    public var txAudio = false
    public var rxVideo = false
    public var txVideo = false

    public init(rxAudio: Bool = false, txAudio: Bool = false, rxVideo: Bool = false, txVideo: Bool = false) {
        self.rxAudio = rxAudio
        self.txAudio = txAudio
        self.rxVideo = rxVideo
        self.txVideo = txVideo
    }
}

/// CMS inbound dial plan rule: calls to `domain` (the Request-URI host; a leading `*.`
/// matches any subdomain) resolve to coSpaces when `resolveToCoSpaces`. Higher priority first.
public struct InboundDialPlanRule: Sendable, Equatable {
    public var domain: String
    public var priority: Int
    public var resolveToCoSpaces: Bool

    public init(domain: String, priority: Int = 0, resolveToCoSpaces: Bool = true) {
        self.domain = domain
        self.priority = priority
        self.resolveToCoSpaces = resolveToCoSpaces
    }

    public func matches(host: String) -> Bool {
        let host = host.lowercased(), domain = domain.lowercased()
        if domain == "*" { return true }
        if domain.hasPrefix("*.") { return host.hasSuffix(String(domain.dropFirst(1))) }
        return host == domain
    }
}
