/// The o= line (RFC 8866 §5.2): who made the description and which version of it this is.
/// `sessionID` stays the same for the whole dialog; `sessionVersion` grows by one with every
/// changed offer or answer (RFC 3264 §8), which is how a peer tells a re-offer from a repeat.
public struct SDPOrigin: Equatable, Sendable {
    public var username: String
    /// Kept as written: RFC 8866 says digits, but it is only ever echoed and compared.
    public var sessionID: String
    public var sessionVersion: UInt64
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(username: String = "-", sessionID: String, sessionVersion: UInt64,
                networkType: String = "IN", addressType: String? = nil, address: String) {
        self.username = username
        self.sessionID = sessionID
        self.sessionVersion = sessionVersion
        self.networkType = networkType
        self.addressType = addressType ?? SDPConnection.addressType(of: address)
        self.address = address
    }

    /// The value after `o=`.
    public var value: String {
        "\(username) \(sessionID) \(sessionVersion) \(networkType) \(addressType) \(address)"
    }

    /// Whether `other` describes the same session (RFC 8866 §5.2: all fields but the version
    /// identify it).
    public func isSameSession(as other: SDPOrigin) -> Bool {
        username == other.username && sessionID == other.sessionID && networkType == other.networkType
            && addressType == other.addressType && address == other.address
    }
}
