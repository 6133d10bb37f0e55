/// Why a session description was refused by the parser (RFC 8866). `line` is the 1-based line
/// number of the offending line (nil for whole-body problems), so a SIP layer can log or send
/// back (Warning header, RFC 3261 §20.43) a reason a person can act on. Offending text is cut
/// to 40 bytes so a hostile body cannot blow up logs.
public struct SDPError: Error, Equatable, Sendable, CustomStringConvertible {
    public enum Reason: Equatable, Sendable {
        /// More than `SDPParser.maximumBodySize` bytes.
        case bodyTooLarge(bytes: Int)
        /// More than `SDPParser.maximumMediaSections` m= lines.
        case tooManyMediaSections
        /// The first line is not `v=` (RFC 8866 §5: the description starts with v=).
        case missingVersion
        /// `v=` other than 0 (RFC 8866 §5.1).
        case unsupportedVersion(String)
        /// A control character (NUL, a CR inside a line, ...) that RFC 8866 §9 `text` excludes.
        case invalidCharacter
        /// Not of the form `<letter>=<value>` (RFC 8866 §5).
        case malformedLine(String)
        /// A line that may appear once per description (v, o, s) or once per section (c).
        case duplicateLine(Character)
        /// A session-only line (v, o, s, t) after the first m= line.
        case misplacedLine(Character)
        /// An m= line before the named mandatory session line (RFC 8866 §5: o, s and t come first).
        case mediaBeforeSessionLines(missing: Character)
        /// A mandatory session line (o, s, t) is absent.
        case missingLine(Character)
        case malformedOrigin(String)
        case malformedConnection(String)
        case malformedBandwidth(String)
        case malformedTiming(String)
        /// `a=` with an empty attribute name.
        case malformedAttribute(String)
        /// m= without `<media> <port> <proto> <fmt>...` (RFC 8866 §5.14).
        case malformedMediaLine(String)
        /// A port or port count that is not a decimal number in range.
        case badPort(String)
        /// A format that is not an RTP payload type number (0-127) in an RTP profile.
        case nonNumericFormat(String)
        /// A media section with no c= line while the session has none either (RFC 8866 §5.7).
        case missingConnection(mediaIndex: Int)
    }

    public let reason: Reason
    /// 1-based line number, nil when the problem is the body as a whole.
    public let line: Int?

    public init(_ reason: Reason, line: Int? = nil) {
        self.reason = reason
        self.line = line
    }

    public var description: String {
        let text: String
        switch reason {
        case .bodyTooLarge(let bytes): text = "SDP body of \(bytes) bytes exceeds \(SDPParser.maximumBodySize) bytes"
        case .tooManyMediaSections: text = "more than \(SDPParser.maximumMediaSections) media sections"
        case .missingVersion: text = "SDP does not start with v=0"
        case .unsupportedVersion(let value): text = "unsupported SDP version '\(value)' (only v=0 exists)"
        case .invalidCharacter: text = "control character in SDP line"
        case .malformedLine(let value): text = "line '\(value)' is not <type>=<value>"
        case .duplicateLine(let type): text = "more than one \(type)= line"
        case .misplacedLine(let type): text = "\(type)= line inside a media section"
        case .mediaBeforeSessionLines(let missing): text = "m= line before the mandatory \(missing)= line"
        case .missingLine(let type): text = "mandatory \(type)= line missing"
        case .malformedOrigin(let value): text = "o= line '\(value)' is not <username> <sess-id> <sess-version> <nettype> <addrtype> <address>"
        case .malformedConnection(let value): text = "c= line '\(value)' is not <nettype> <addrtype> <address>"
        case .malformedBandwidth(let value): text = "b= line '\(value)' is not <bwtype>:<bandwidth>"
        case .malformedTiming(let value): text = "t= line '\(value)' is not <start-time> <stop-time>"
        case .malformedAttribute(let value): text = "a= line '\(value)' has no attribute name"
        case .malformedMediaLine(let value): text = "m= line '\(value)' is not <media> <port> <proto> <fmt> ..."
        case .badPort(let value): text = "port '\(value)' is not a number from 0 to 65535 (count from 1)"
        case .nonNumericFormat(let value): text = "format '\(value)' is not an RTP payload type (0-127)"
        case .missingConnection(let index): text = "media section \(index) has no c= line and the session has none"
        }
        guard let line else { return text }
        return "line \(line): \(text)"
    }

    /// The first 40 bytes of an offending token, for messages.
    static func clip(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(40), as: UTF8.self)
    }
}
