import Foundation
import Store
import Synchronization

/// HTTP basic auth (RFC 7617) against the store's admin users. Verifying a PBKDF2 hash costs
/// about 0.1 s of a core, so a header that verified is remembered for a minute (keyed by its
/// exact text, which only a client that knows the password can produce; a user removed by the
/// CLI loses access within that minute), and at most `failuresPerSecond` wrong passwords are
/// checked per second: beyond that a guess is refused unchecked (429), so password guessing
/// cannot take CPU from the media workers.
public final class Authenticator: Sendable {
    private let store: ConfigStore
    private let verified = Mutex<[String: (user: String, until: Date)]>([:])
    private let failures = Mutex<(second: Int, count: Int)>((0, 0))
    public static let cacheSeconds: TimeInterval = 60
    public static let failuresPerSecond = 5

    public enum Outcome: Equatable {
        case user(String)
        case refused
        /// Too many wrong passwords this second: not checked.
        case throttled
    }

    public init(store: ConfigStore) { self.store = store }

    /// The user an `Authorization` header proves, or nil.
    public func user(authorization: String?) -> String? {
        if case .user(let name) = check(authorization) { return name }
        return nil
    }

    public func check(_ authorization: String?) -> Outcome {
        guard let authorization, authorization.count < 1024 else { return .refused }
        let now = Date()
        if let hit = verified.withLock({ cache in cache[authorization] }), hit.until > now { return .user(hit.user) }
        let second = Int(now.timeIntervalSince1970)
        let throttled = failures.withLock { f in f.second == second && f.count >= Self.failuresPerSecond }
        if throttled { return .throttled }
        guard let name = verify(authorization) else {
            failures.withLock { f in
                if f.second != second { f = (second, 0) }
                f.count += 1
            }
            return .refused
        }
        verified.withLock { cache in
            if cache.count > 1000 { cache = cache.filter { $0.value.until > now } }
            cache[authorization] = (name, now.addingTimeInterval(Self.cacheSeconds))
        }
        return .user(name)
    }

    private func verify(_ authorization: String) -> String? {
        let parts = authorization.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "basic",
              let data = Data(base64Encoded: String(parts[1].trimmingCharacters(in: .whitespaces))),
              let decoded = String(data: data, encoding: .utf8), let colon = decoded.firstIndex(of: ":") else { return nil }
        let name = String(decoded[..<colon]), password = String(decoded[decoded.index(after: colon)...])
        guard let hash = try? store.read({ try $0.passwordHash(user: name) }), PasswordHash.verify(password, against: hash) else {
            return nil
        }
        return name
    }
}
