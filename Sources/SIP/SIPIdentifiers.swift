/// Random identifiers for transactions and dialogs (RFC 3261 §8.1.1.4, §8.1.1.7, §19.3).
///
/// Control-plane code, so the system generator is fine; the generic variants take a seeded
/// generator for tests. Output uses letters and digits only: valid in tokens, Call-IDs and
/// URIs alike.
public enum SIPIdentifiers {
    private static let alphabet = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)

    /// `z9hG4bK` + 22 random characters (≈131 bits): unique per transaction across space and
    /// time, as §8.1.1.7 requires.
    public static func makeBranch() -> String {
        var generator = SystemRandomNumberGenerator()
        return makeBranch(using: &generator)
    }

    public static func makeBranch<G: RandomNumberGenerator>(using generator: inout G) -> String {
        SIPVia.magicCookie + random(22, using: &generator)
    }

    /// 12 random characters (≈71 bits; §19.3 asks for at least 32).
    public static func makeTag() -> String {
        var generator = SystemRandomNumberGenerator()
        return makeTag(using: &generator)
    }

    public static func makeTag<G: RandomNumberGenerator>(using generator: inout G) -> String {
        random(12, using: &generator)
    }

    /// 24 random characters (≈143 bits), with `@host` when given (§8.1.1.4 recommends it
    /// alongside the randomness; the randomness alone makes it unique).
    public static func makeCallID(host: String? = nil) -> String {
        var generator = SystemRandomNumberGenerator()
        return makeCallID(host: host, using: &generator)
    }

    public static func makeCallID<G: RandomNumberGenerator>(host: String? = nil, using generator: inout G) -> String {
        let id = random(24, using: &generator)
        return host.map { id + "@" + $0 } ?? id
    }

    private static func random<G: RandomNumberGenerator>(_ count: Int, using generator: inout G) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(count)
        for _ in 0..<count { bytes.append(alphabet[Int.random(in: 0..<alphabet.count, using: &generator)]) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
