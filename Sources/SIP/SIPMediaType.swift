/// A Content-Type value (RFC 3261 §20.15): `type/subtype;parameters`, e.g. `application/sdp`.
public struct SIPMediaType: Sendable, Hashable, CustomStringConvertible {
    public var type: String
    public var subtype: String
    public var parameters: SIPParameters

    public init(type: String, subtype: String, parameters: SIPParameters = SIPParameters()) {
        self.type = type
        self.subtype = subtype
        self.parameters = parameters
    }

    public static let sdp = SIPMediaType(type: "application", subtype: "sdp")

    public init(parsing value: String) throws(SIPParseError) {
        let parsed: SIPMediaType? = SIPScanner.scan(value) { s in
            s.skipWhitespace()
            guard let type = s.token(), s.consumeSeparator(UInt8(ascii: "/")), let subtype = s.token(),
                  let parameters = s.parameters()
            else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            return SIPMediaType(type: type, subtype: subtype, parameters: parameters)
        }
        guard let parsed else { throw SIPParseError(.malformedHeader(.contentType)) }
        self = parsed
    }

    /// Type and subtype compared case-insensitively, parameters ignored.
    public func matches(_ other: SIPMediaType) -> Bool {
        SIPGrammar.caseInsensitiveEquals(type, other.type) && SIPGrammar.caseInsensitiveEquals(subtype, other.subtype)
    }

    public var description: String { type + "/" + subtype + parameters.description }
}
