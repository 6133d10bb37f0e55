import Glibc
import MediaCore

/// A suite with its master key and master salt: everything an SRTP session needs to derive
/// its session keys (RFC 3711 §4.3). Values, so they can cross from the control plane to a
/// media worker. `description`, `debugDescription` and the mirror never show the key.
public struct SRTPKeyingMaterial: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let suite: SRTPSuite
    public let masterKey: [UInt8]
    public let masterSalt: [UInt8]

    public init(suite: SRTPSuite, masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
        guard masterKey.count == suite.masterKeyLength else {
            throw .wrongKeyLength(suite, expected: suite.masterKeyLength, actual: masterKey.count)
        }
        guard masterSalt.count == suite.masterSaltLength else {
            throw .wrongSaltLength(suite, expected: suite.masterSaltLength, actual: masterSalt.count)
        }
        self.suite = suite
        self.masterKey = masterKey
        self.masterSalt = masterSalt
    }

    /// From the concatenated form SDES (`inline:`), libsrtp2 and ffmpeg use: key, then salt.
    public init(suite: SRTPSuite, keyAndSalt: [UInt8]) throws(SRTPError) {
        guard keyAndSalt.count == suite.keyAndSaltLength else {
            throw .wrongKeyLength(suite, expected: suite.keyAndSaltLength, actual: keyAndSalt.count)
        }
        try self.init(suite: suite, masterKey: Array(keyAndSalt[..<suite.masterKeyLength]),
                      masterSalt: Array(keyAndSalt[suite.masterKeyLength...]))
    }

    /// Key then salt, as SDES `inline:` carries it (RFC 4568 §6.1).
    public var keyAndSalt: [UInt8] { masterKey + masterSalt }

    /// Fresh key and salt from the kernel CSPRNG. `getentropy` is glibc's wrapper over
    /// getrandom(2) (Swift's Glibc module does not import `getrandom` itself): it blocks only
    /// until the pool is initialised at boot and never returns short reads for ≤ 256 bytes.
    public static func generate(suite: SRTPSuite) throws(SRTPError) -> SRTPKeyingMaterial {
        var bytes = [UInt8](repeating: 0, count: suite.keyAndSaltLength)
        let result = bytes.withUnsafeMutableBytes { getentropy($0.baseAddress, $0.count) }
        guard result == 0 else { throw .randomSource(SystemError(errno: errno, operation: "getentropy")) }
        return try SRTPKeyingMaterial(suite: suite, keyAndSalt: bytes)
    }

    public var description: String { "SRTPKeyingMaterial(\(suite), key and salt redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: ["suite": suite], displayStyle: .struct) }
}
