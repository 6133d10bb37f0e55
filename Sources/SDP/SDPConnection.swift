/// A c= line (RFC 8866 §5.7): where media is sent. Unicast only in practice; a multicast
/// `/ttl/count` suffix is kept in `address` and left out of `host`.
public struct SDPConnection: Equatable, Sendable {
    public var networkType: String
    public var addressType: String
    public var address: String

    public init(networkType: String = "IN", addressType: String? = nil, address: String) {
        self.networkType = networkType
        self.addressType = addressType ?? Self.addressType(of: address)
        self.address = address
    }

    /// The address without any multicast `/ttl[/count]` suffix.
    public var host: String {
        guard let slash = address.firstIndex(of: "/") else { return address }
        return String(address[..<slash])
    }

    /// `0.0.0.0` (or `::`): the pre-RFC 3264 way to put a call on hold, which RFC 3264 §8.4
    /// still asks answerers to understand as "send nothing to me".
    public var isUnspecified: Bool { host == "0.0.0.0" || host == "::" }

    /// The value after `c=`.
    public var value: String { "\(networkType) \(addressType) \(address)" }

    /// IP6 for anything with a colon, else IP4 (RFC 8866 §5.7 address types).
    static func addressType(of address: String) -> String {
        address.contains(":") ? "IP6" : "IP4"
    }
}
