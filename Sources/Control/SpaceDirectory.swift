import Foundation
import Synchronization

/// The spaces and inbound dial plan the bridge answers with. The admin store feeds it
/// (`replace` after every change, so live calls see new settings at once); `spaces.json`
/// from before the store is imported once. Engine space numbers stay stable per store key
/// across reloads, so a space edited mid-call keeps its room.
public final class SpaceDirectory: Sendable {
    private struct State {
        var spaces: [Space]
        var rules: [InboundDialPlanRule] = []
        var numbers: [String: Int] = [:]
        var nextNumber = 1
    }
    private let state: Mutex<State>

    public init(_ spaces: [Space], rules: [InboundDialPlanRule] = []) {
        let next = (spaces.map(\.id).max() ?? 0) + 1
        state = Mutex(State(spaces: spaces, rules: rules, nextNumber: next))
    }

    /// Swaps in a new configuration. Spaces with a `key` get a stable engine number (their
    /// `id` is ignored); others keep theirs.
    public func replace(spaces: [Space], rules: [InboundDialPlanRule]) {
        state.withLock { s in
            var numbered: [Space] = []
            for var space in spaces {
                if let key = space.key {
                    if let number = s.numbers[key] { space.id = number } else {
                        space.id = s.nextNumber
                        s.numbers[key] = s.nextNumber
                        s.nextNumber += 1
                    }
                } else {
                    s.nextNumber = max(s.nextNumber, space.id + 1)
                }
                numbered.append(space)
            }
            s.spaces = numbered
            s.rules = rules.sorted { $0.priority > $1.priority }
        }
    }

    public static let defaultSpaces = [Space(id: 1, uri: "1000", name: "Meeting 1000")]

    /// Loads `path`, writing the default spaces there first if the file does not exist.
    public static func load(path: String) throws -> SpaceDirectory {
        let files = FileManager.default
        if !files.fileExists(atPath: path) {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try encoder.encode(defaultSpaces).write(to: URL(fileURLWithPath: path))
        }
        let data = try Data(contentsOf: URL(fileURLWithPath: path))
        do {
            let spaces = try JSONDecoder().decode([Space].self, from: data)
            var seen = Set<String>()
            for space in spaces where !seen.insert(space.uri.lowercased()).inserted {
                throw SpaceDirectoryError(reason: "space URI '\(space.uri)' is defined twice")
            }
            return SpaceDirectory(spaces)
        } catch let error as DecodingError {
            throw SpaceDirectoryError(reason: "\(path) is not a valid space list: \(error)")
        }
    }

    /// The dial plan: with no inbound rules any domain reaches the spaces; otherwise the
    /// highest-priority rule matching `domain` decides (RFC 3261 §16.4 leaves local policy to
    /// us; this is CMS's). The user part names a space by uri, secondaryUri or callId,
    /// case-insensitively. `domain` nil skips the rules (dial-out, tests).
    public func resolve(user: String, domain: String? = nil) -> Space? {
        state.withLock { s in
            if let domain, !s.rules.isEmpty {
                guard let rule = s.rules.first(where: { $0.matches(host: domain) }), rule.resolveToCoSpaces else { return nil }
            }
            return s.spaces.first { $0.uri.caseInsensitiveCompare(user) == .orderedSame }
                ?? s.spaces.first { $0.answers(to: user) }
        }
    }

    public func space(id: Int) -> Space? { state.withLock { s in s.spaces.first { $0.id == id } } }

    public var all: [Space] { state.withLock { $0.spaces } }
}

public struct SpaceDirectoryError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
