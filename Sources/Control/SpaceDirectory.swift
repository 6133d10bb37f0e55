import Foundation
import Synchronization

/// The spaces the dial plan can reach. Until the admin store exists they come from a JSON
/// file (`spaces.json` in the data directory), created on first start with one default
/// space, 1000.
public final class SpaceDirectory: Sendable {
    private let spaces: Mutex<[Space]>

    public init(_ spaces: [Space]) {
        self.spaces = Mutex(spaces)
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

    /// The dial plan: the Request-URI's user part names a space (case-insensitive).
    public func resolve(user: String) -> Space? {
        spaces.withLock { list in list.first { $0.uri.caseInsensitiveCompare(user) == .orderedSame } }
    }

    public var all: [Space] { spaces.withLock { $0 } }
}

public struct SpaceDirectoryError: Error, CustomStringConvertible {
    public let reason: String
    public var description: String { reason }
}
