import Control
import Foundation
import Mixer
import SDP
import Store

/// Turns the store's coSpaces, profiles and dial plan into what `Control` answers calls with,
/// and pushes it into the live `SpaceDirectory` after every change.
public enum ConfigurationLoader {
    /// First start of a store: import the spaces of a pre-store `spaces.json` if there is one,
    /// otherwise create space 1000. Runs once per store (a `seeded` setting remembers it).
    public static func seedIfNew(_ store: ConfigStore, legacySpaces: [Space]?) throws {
        try store.write { tx in
            guard try tx.setting("seeded") == nil else { return }
            let spaces = legacySpaces ?? SpaceDirectory.defaultSpaces
            for space in spaces {
                var profile: [String: StoreValue] = [:]
                if space.mediaEncryption != .optional { profile["sipMediaEncryption"] = .text(space.mediaEncryption.rawValue) }
                if !space.participantLabels { profile["participantLabels"] = .bool(false) }
                if space.qualityMain != .unrestricted { profile["qualityMain"] = .text(space.qualityMain.rawValue) }
                var values: [String: StoreValue] = ["uri": .text(space.uri), "name": .text(space.name)]
                if space.defaultLayout != .allEqual { values["defaultLayout"] = .text(space.defaultLayout.rawValue) }
                if !profile.isEmpty { values["callLegProfile"] = .text(try tx.insert(.callLegProfiles, profile)) }
                try tx.insert(.coSpaces, values)
            }
            try tx.setSetting("seeded", ISO8601DateFormatter().string(from: Date()))
        }
    }

    /// Reads the whole configuration (one read transaction, so it is consistent).
    public static func read(_ store: ConfigStore) throws -> (spaces: [Space], rules: [InboundDialPlanRule]) {
        try store.read { tx in
            let profiles = Dictionary(uniqueKeysWithValues: try tx.list(.callLegProfiles).objects.map { ($0.id, $0) })
            let callProfiles = Dictionary(uniqueKeysWithValues: try tx.list(.callProfiles).objects.map { ($0.id, $0) })
            var spaces: [Space] = []
            for object in try tx.list(.coSpaces).objects {
                guard let uri = object["uri"]?.text else { continue }
                let profile = object["callLegProfile"]?.text.flatMap { profiles[$0] }
                var space = Space(id: 0, uri: uri, name: object["name"]?.text ?? uri)
                space.key = object.id
                space.defaultLayout = (object["defaultLayout"] ?? profile?["defaultLayout"])?.text.flatMap(LayoutName.init) ?? .allEqual
                if let text = profile?["sipMediaEncryption"]?.text, let policy = SDPEncryptionPolicy(rawValue: text) {
                    space.mediaEncryption = policy
                }
                space.participantLabels = profile?["participantLabels"]?.bool ?? true
                space.qualityMain = profile?["qualityMain"]?.text.flatMap(QualityMain.init) ?? .unrestricted
                space.changeLayoutAllowed = profile?["changeLayoutAllowed"]?.bool ?? true
                space.legDefaults = LegMutes(rxAudio: profile?["rxAudioMute"]?.bool ?? false, txAudio: profile?["txAudioMute"]?.bool ?? false,
                                             rxVideo: profile?["rxVideoMute"]?.bool ?? false, txVideo: profile?["txVideoMute"]?.bool ?? false)
                space.otherURIs = [object["secondaryUri"]?.text, object["callId"]?.text].compactMap { $0 }
                space.participantLimit = object["callProfile"]?.text.flatMap { callProfiles[$0] }?["participantLimit"]?.integer
                spaces.append(space)
            }
            let rules = try tx.list(.inboundDialPlanRules).objects.map {
                InboundDialPlanRule(domain: $0["domain"]?.text ?? "", priority: $0["priority"]?.integer ?? 0,
                                    resolveToCoSpaces: $0["resolveToCoSpaces"]?.bool ?? true)
            }
            return (spaces, rules)
        }
    }

    /// Loads the store into `directory`; live legs whose space's default layout changed and
    /// that still show the old default switch to the new one.
    public static func apply(_ store: ConfigStore, to directory: SpaceDirectory, controller: CallController? = nil) throws {
        let before = Dictionary(directory.all.compactMap { s in s.key.map { ($0, s) } }, uniquingKeysWith: { a, _ in a })
        let (spaces, rules) = try read(store)
        directory.replace(spaces: spaces, rules: rules)
        guard let controller else { return }
        for space in directory.all {
            guard let key = space.key, let old = before[key], old.defaultLayout != space.defaultLayout else { continue }
            for leg in controller.legInfos where leg.spaceID == space.id && leg.layout == old.defaultLayout {
                controller.setLayout(legID: leg.id, space.defaultLayout)
            }
        }
    }
}
