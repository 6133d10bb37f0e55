import COpenSSL
import Foundation

/// Salted, deliberately slow password hashes for admin users: PBKDF2-HMAC-SHA256 (libcrypto)
/// with a 16-byte random salt, stored as `pbkdf2-sha256$<rounds>$<salt b64>$<hash b64>`.
/// 210,000 rounds follows OWASP's 2023 figure for PBKDF2-SHA256 (about 0.1 s on these cores);
/// the API caches a verified Authorization header briefly so basic auth does not pay it per
/// request.
public enum PasswordHash {
    public static let defaultRounds = 210_000

    public static func make(_ password: String, rounds: Int = defaultRounds) -> String {
        var generator = SystemRandomNumberGenerator()
        let salt = (0..<16).map { _ in UInt8.random(in: 0...255, using: &generator) }
        let hash = derive(password, salt: salt, rounds: rounds)
        return "pbkdf2-sha256$\(rounds)$\(Data(salt).base64EncodedString())$\(Data(hash).base64EncodedString())"
    }

    /// True when `password` matches `stored` (compared in constant time).
    public static func verify(_ password: String, against stored: String) -> Bool {
        let parts = stored.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count == 4, parts[0] == "pbkdf2-sha256", let rounds = Int(parts[1]), rounds > 0, rounds <= 10_000_000,
              let salt = Data(base64Encoded: String(parts[2])), let expected = Data(base64Encoded: String(parts[3])),
              !expected.isEmpty else { return false }
        let actual = derive(password, salt: Array(salt), rounds: rounds, length: expected.count)
        var difference: UInt8 = 0
        for (a, b) in zip(actual, expected) { difference |= a ^ b }
        return difference == 0 && actual.count == expected.count
    }

    static func derive(_ password: String, salt: [UInt8], rounds: Int, length: Int = 32) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: length)
        let count = Int32(password.utf8.count)
        let ok = password.withCString { pw in
            PKCS5_PBKDF2_HMAC(pw, count, salt, Int32(salt.count), Int32(rounds), EVP_sha256(), Int32(length), &out)
        }
        precondition(ok == 1, "PKCS5_PBKDF2_HMAC failed")
        return out
    }

    /// A random password for the first admin user: 16 characters from an unambiguous alphabet.
    public static func randomPassword(length: Int = 16) -> String {
        let alphabet = Array("abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        var generator = SystemRandomNumberGenerator()
        return String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
    }
}
