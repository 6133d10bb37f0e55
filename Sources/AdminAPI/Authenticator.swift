import Foundation
import Store
import Synchronization

/// HTTP basic auth (RFC 7617) against the store's admin users. Verifying a PBKDF2 hash costs
/// about 0.1 s, so a header that verified is remembered for a minute (keyed by its SHA-free
/// exact text, which only the client that knows the password can produce); a user removed by
/// the CLI loses access within that minute.
public final class Authenticator: Sendable {
    private let store: ConfigStore
    private let verified = Mutex<[String: (user: String, until: Date)]>([:])
    public static let cacheSeconds: TimeInterval = 60

    public init(store: ConfigStore) { self.store = store }

    /// The user an `Authorization` header proves, or nil.
    public func user(authorization: String?) -> String? {
        guard let authorization, authorization.count < 1024 else { return nil }
        let now = Date()
        if let hit = verified.withLock({ cache in cache[authorization] }), hit.until > now { return hit.user }
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1].trimmingCharacters(in: .whitespaces))),
              let decoded = String(data: data, encoding: .utf8), let colon = decoded.firstIndex(of: ":") else { return nil }
        let name = String(decoded[..<colon]), password = String(decoded[decoded.index(after: colon)...])
        guard let hash = try? store.read({ try $0.passwordHash(user: name) }), PasswordHash.verify(password, against: hash) else {
            return nil
        }
        verified.withLock { cache in
            if cache.count > 1000 { cache = cache.filter { $0.value.until > now } }
            cache[authorization] = (name, now.addingTimeInterval(Self.cacheSeconds))
        }
        return name
    }
}
