/// The Session-Expires header of the session timer extension (RFC 4028 §4):
/// `delta-seconds [;refresher=uac|uas]`.
public struct SIPSessionExpires: Sendable, Hashable, CustomStringConvertible {
    /// Which side refreshes the session (RFC 4028 §7.1).
    public enum Refresher: String, Sendable, Hashable {
        case uac, uas
    }

    public var seconds: UInt32
    /// All se-params in order, `refresher` included.
    public var parameters: SIPParameters

    public init(seconds: UInt32, refresher: Refresher? = nil, parameters: SIPParameters = SIPParameters()) {
        self.seconds = seconds
        self.parameters = parameters
        if let refresher { self.parameters.set("refresher", to: refresher.rawValue) }
    }

    public var refresher: Refresher? {
        get { parameters["refresher"].flatMap { Refresher(rawValue: SIPGrammar.asciiLowercased($0)) } }
        set { if let newValue { parameters.set("refresher", to: newValue.rawValue) } else { parameters.remove("refresher") } }
    }

    /// A refresher other than uac/uas is malformed.
    public init(parsing value: String) throws(SIPParseError) {
        guard let (seconds, parameters) = SIPDeltaSeconds.parse(value),
              parameters["refresher"].map({ Refresher(rawValue: SIPGrammar.asciiLowercased($0)) != nil }) ?? !parameters.contains("refresher")
        else { throw SIPParseError(.malformedHeader(.sessionExpires)) }
        self.seconds = seconds
        self.parameters = parameters
    }

    public var description: String { String(seconds) + parameters.description }
}
