/// Our o= line across a dialog: the session id never changes, the version goes up by one for
/// every description that differs from the last one we sent (RFC 3264 §8; RFC 8866 §5.2),
/// e.g. a hold or resume re-offer.
public struct SDPSessionVersion: Equatable, Sendable {
    public let username: String
    public let sessionID: UInt64
    public private(set) var version: UInt64
    public let address: String

    public init(sessionID: UInt64, version: UInt64 = 1, username: String = "callbridge", address: String) {
        self.username = username
        self.sessionID = sessionID
        self.version = version
        self.address = address
    }

    /// A fresh session with a random id below 2^62 (so it is obviously a plain decimal for
    /// every peer), version 1.
    public static func random(address: String, username: String = "callbridge") -> SDPSessionVersion {
        var generator = SystemRandomNumberGenerator()
        return SDPSessionVersion(sessionID: UInt64.random(in: 1..<(1 << 62), using: &generator), username: username,
                                 address: address)
    }

    /// The o= line for the current version.
    public var origin: SDPOrigin {
        SDPOrigin(username: username, sessionID: String(sessionID), sessionVersion: version, address: address)
    }

    /// Moves to the next version and returns its o= line: call before sending a changed
    /// description; resend an unchanged one with `origin`.
    @discardableResult
    public mutating func increment() -> SDPOrigin {
        version &+= 1
        return origin
    }
}
