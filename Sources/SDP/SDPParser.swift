/// Parses SDP bodies (RFC 8866) into `SessionDescription`.
///
/// Lenient where peers differ harmlessly: LF or CRLF line ends, trailing spaces and tabs,
/// blank lines, runs of spaces between fields, and line types we do not model (u=, e=, p=,
/// z=, k=, r= and unknown letters) are ignored. RFC 8866 §5 lets a parser "ignore or reject"
/// a description with an unknown type letter; we ignore the line, because rejecting would
/// fail a call over a line we would not use anyway.
///
/// Strict where RFC 8866 is and where the answer would otherwise be built on sand: the body
/// must start with `v=0`; o=, s= and t= must all come before the first m=; v=, o=, s= and c=
/// may appear once per section; m= must carry a port (0-65535, optional count), a protocol and
/// at least one format, and RTP formats must be payload type numbers; every media section
/// needs a c= of its own or at session level; control characters are refused. Bodies over
/// 64 KiB or with more than 64 media sections are refused before any work is done.
public enum SDPParser {
    public static let maximumBodySize = 64 * 1024
    public static let maximumMediaSections = 64

    public static func parse(_ text: String) throws(SDPError) -> SessionDescription {
        try parse(text.utf8)
    }

    public static func parse(_ bytes: some Collection<UInt8>) throws(SDPError) -> SessionDescription {
        let count = bytes.count
        guard count <= maximumBodySize else { throw SDPError(.bodyTooLarge(bytes: count)) }
        var builder = Builder()
        var number = 0
        for rawLine in Array(bytes).split(separator: 0x0A, omittingEmptySubsequences: false) {
            number += 1
            var line = rawLine
            while let last = line.last, last == 0x0D || last == 0x20 || last == 0x09 { line.removeLast() }
            if line.isEmpty { continue }
            try builder.add(line, number: number)
        }
        return try builder.finish()
    }

    /// Collects lines into the session; `media` grows as m= lines arrive, so "the current
    /// section" is `media.last` once there is one.
    private struct Builder {
        var sawVersion = false
        var origin: SDPOrigin?
        var sessionName: String?
        var information: String?
        var connection: SDPConnection?
        var bandwidths: [SDPBandwidth] = []
        var timings: [SDPTiming] = []
        var attributes: [SDPAttribute] = []
        var media: [MediaDescription] = []
        /// The line number of each m= line, for errors found at the end.
        var mediaLineNumbers: [Int] = []

        mutating func add(_ line: ArraySlice<UInt8>, number: Int) throws(SDPError) {
            // RFC 8866 §9: text excludes NUL, CR and LF; other controls (but tab) are no better.
            guard line.allSatisfy({ ($0 >= 0x20 && $0 != 0x7F) || $0 == 0x09 }) else {
                throw SDPError(.invalidCharacter, line: number)
            }
            let first = line[line.startIndex]
            let isLetter = (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A)
            guard line.count >= 2, isLetter, line[line.startIndex + 1] == UInt8(ascii: "=") else {
                throw SDPError(.malformedLine(SDPError.clip(line)), line: number)
            }
            let type = Character(Unicode.Scalar(first))
            let value = String(decoding: line.dropFirst(2), as: UTF8.self)
            guard sawVersion || type == "v" else { throw SDPError(.missingVersion, line: number) }
            let inMedia = !media.isEmpty

            switch type {
            case "v":
                guard !sawVersion else { throw SDPError(inMedia ? .misplacedLine("v") : .duplicateLine("v"), line: number) }
                guard value == "0" else { throw SDPError(.unsupportedVersion(SDPError.clip(value.utf8)), line: number) }
                sawVersion = true
            case "o":
                try checkSessionOnly("o", seen: origin != nil, number: number)
                origin = try Self.origin(value, number: number)
            case "s":
                try checkSessionOnly("s", seen: sessionName != nil, number: number)
                sessionName = value
            case "t":
                guard !inMedia else { throw SDPError(.misplacedLine("t"), line: number) }
                timings.append(try Self.timing(value, number: number))
            case "i":
                // Once per section; a second one is harmless, so the first is kept.
                if inMedia {
                    if media[media.count - 1].information == nil { media[media.count - 1].information = value }
                } else if information == nil {
                    information = value
                }
            case "c":
                let parsed = try Self.connection(value, number: number)
                if inMedia {
                    guard media[media.count - 1].connection == nil else { throw SDPError(.duplicateLine("c"), line: number) }
                    media[media.count - 1].connection = parsed
                } else {
                    guard connection == nil else { throw SDPError(.duplicateLine("c"), line: number) }
                    connection = parsed
                }
            case "b":
                let parsed = try Self.bandwidth(value, number: number)
                if inMedia { media[media.count - 1].bandwidths.append(parsed) } else { bandwidths.append(parsed) }
            case "a":
                let parsed = try Self.attribute(value, number: number)
                if inMedia { media[media.count - 1].attributes.append(parsed) } else { attributes.append(parsed) }
            case "m":
                if origin == nil { throw SDPError(.mediaBeforeSessionLines(missing: "o"), line: number) }
                if sessionName == nil { throw SDPError(.mediaBeforeSessionLines(missing: "s"), line: number) }
                if timings.isEmpty { throw SDPError(.mediaBeforeSessionLines(missing: "t"), line: number) }
                guard media.count < SDPParser.maximumMediaSections else {
                    throw SDPError(.tooManyMediaSections, line: number)
                }
                media.append(try Self.mediaLine(value, number: number))
                mediaLineNumbers.append(number)
            default:
                break   // u, e, p, z, k, r and unknown types: not modelled (see the type's comment)
            }
        }

        func finish() throws(SDPError) -> SessionDescription {
            guard sawVersion else { throw SDPError(.missingVersion) }
            guard let origin else { throw SDPError(.missingLine("o")) }
            guard let sessionName else { throw SDPError(.missingLine("s")) }
            guard !timings.isEmpty else { throw SDPError(.missingLine("t")) }
            if connection == nil, let index = media.firstIndex(where: { $0.connection == nil }) {
                throw SDPError(.missingConnection(mediaIndex: index), line: mediaLineNumbers[index])
            }
            return SessionDescription(origin: origin, sessionName: sessionName, information: information,
                                      connection: connection, bandwidths: bandwidths, timings: timings,
                                      attributes: attributes, media: media)
        }

        private func checkSessionOnly(_ type: Character, seen: Bool, number: Int) throws(SDPError) {
            guard media.isEmpty else { throw SDPError(.misplacedLine(type), line: number) }
            guard !seen else { throw SDPError(.duplicateLine(type), line: number) }
        }

        // MARK: - Line values

        /// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2)
        static func origin(_ value: String, number: Int) throws(SDPError) -> SDPOrigin {
            let fields = SDPText.fields(value)
            guard fields.count == 6, let version = SDPText.integer(fields[2], as: UInt64.self) else {
                throw SDPError(.malformedOrigin(SDPError.clip(value.utf8)), line: number)
            }
            return SDPOrigin(username: String(fields[0]), sessionID: String(fields[1]), sessionVersion: version,
                             networkType: String(fields[3]), addressType: String(fields[4]), address: String(fields[5]))
        }

        /// c=<nettype> <addrtype> <connection-address> (§5.7)
        static func connection(_ value: String, number: Int) throws(SDPError) -> SDPConnection {
            let fields = SDPText.fields(value)
            guard fields.count == 3 else { throw SDPError(.malformedConnection(SDPError.clip(value.utf8)), line: number) }
            return SDPConnection(networkType: String(fields[0]), addressType: String(fields[1]), address: String(fields[2]))
        }

        /// b=<bwtype>:<bandwidth> (§5.8)
        static func bandwidth(_ value: String, number: Int) throws(SDPError) -> SDPBandwidth {
            guard let (type, amount) = SDPText.split(value, at: ":"), !type.isEmpty,
                  SDPText.fields(type).count == 1, let bandwidth = SDPText.integer(amount, as: UInt64.self) else {
                throw SDPError(.malformedBandwidth(SDPError.clip(value.utf8)), line: number)
            }
            return SDPBandwidth(type: String(type), value: bandwidth)
        }

        /// t=<start-time> <stop-time> (§5.9)
        static func timing(_ value: String, number: Int) throws(SDPError) -> SDPTiming {
            let fields = SDPText.fields(value)
            guard fields.count == 2, let start = SDPText.integer(fields[0], as: UInt64.self),
                  let stop = SDPText.integer(fields[1], as: UInt64.self) else {
                throw SDPError(.malformedTiming(SDPError.clip(value.utf8)), line: number)
            }
            return SDPTiming(start: start, stop: stop)
        }

        /// a=<attribute-name>[:<attribute-value>] (§5.13)
        static func attribute(_ value: String, number: Int) throws(SDPError) -> SDPAttribute {
            let (name, attributeValue) = SDPText.split(value, at: ":").map { ($0.0, Optional($0.1)) } ?? (Substring(value), nil)
            guard !name.isEmpty else { throw SDPError(.malformedAttribute(SDPError.clip(value.utf8)), line: number) }
            return SDPAttribute(String(name), attributeValue.map(String.init))
        }

        /// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14)
        static func mediaLine(_ value: String, number: Int) throws(SDPError) -> MediaDescription {
            let fields = SDPText.fields(value)
            guard fields.count >= 4 else { throw SDPError(.malformedMediaLine(SDPError.clip(value.utf8)), line: number) }
            let portParts = fields[1].split(separator: "/", omittingEmptySubsequences: false)
            guard portParts.count <= 2, let port = SDPText.integer(portParts[0], as: UInt16.self) else {
                throw SDPError(.badPort(SDPError.clip(fields[1].utf8)), line: number)
            }
            var portCount: Int?
            if portParts.count == 2 {
                guard let count = SDPText.integer(portParts[1], as: UInt16.self), count >= 1 else {
                    throw SDPError(.badPort(SDPError.clip(fields[1].utf8)), line: number)
                }
                portCount = Int(count)
            }
            let proto = fields[2]
            let formats = fields[3...].map(String.init)
            if MediaDescription.isRTP(proto) {
                for format in formats where !(SDPText.integer(format, as: UInt8.self).map { $0 < 128 } ?? false) {
                    throw SDPError(.nonNumericFormat(SDPError.clip(format.utf8)), line: number)
                }
            }
            return MediaDescription(mediaType: String(fields[0]), port: port, portCount: portCount,
                                    transportProtocol: String(proto), formats: formats)
        }
    }
}
