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
        let body = Array(bytes)
        let result: Result<SessionDescription, SDPError> = body.withUnsafeBufferPointer { buffer in
            Result { () throws(SDPError) in try parse(buffer) }
        }
        return try result.get()
    }

    /// One pass over the body: split at LF, drop trailing CR, spaces and tabs, skip blank
    /// lines, hand each line to the builder. Index loops over the buffer (not per-byte
    /// closures) keep this cheap in debug builds too.
    private static func parse(_ buffer: UnsafeBufferPointer<UInt8>) throws(SDPError) -> SessionDescription {
        var builder = Builder()
        var number = 0
        var lineStart = 0
        while lineStart <= buffer.count {
            // Find the LF, noting the first control character (RFC 8866 §9: text excludes NUL,
            // CR and LF; other controls but tab are no better). A CR is fine only at the end.
            var lineEnd = lineStart
            var firstControl = Int.max
            while lineEnd < buffer.count {
                let byte = buffer[lineEnd]
                if byte == 0x0A { break }
                if ((byte < 0x20 && byte != 0x09) || byte == 0x7F) && firstControl == .max { firstControl = lineEnd }
                lineEnd += 1
            }
            number += 1
            var end = lineEnd
            while end > lineStart, buffer[end - 1] == 0x0D || buffer[end - 1] == 0x20 || buffer[end - 1] == 0x09 { end -= 1 }
            if end > lineStart {
                let line = Line(buffer: buffer, range: lineStart..<end, number: number)
                guard firstControl >= end else { throw line.error(.invalidCharacter) }
                try builder.add(line)
            }
            lineStart = lineEnd + 1
        }
        return try builder.finish()
    }

    /// One line of the body, with what the builder needs to read it.
    private struct Line {
        let buffer: UnsafeBufferPointer<UInt8>
        /// The whole line, `<type>=<value>`, without its end.
        let range: Range<Int>
        let number: Int

        var type: UInt8 { buffer[range.lowerBound] }
        var valueRange: Range<Int> { (range.lowerBound + 2)..<range.upperBound }
        var value: String { SDPText.string(buffer, valueRange) }
        var fields: [String] { SDPText.fields(buffer, valueRange) }
        /// The first 40 bytes of the line, for messages.
        var clipped: String { SDPText.string(buffer, range.lowerBound..<min(range.upperBound, range.lowerBound + 40)) }
        var clippedValue: String { SDPText.string(buffer, valueRange.lowerBound..<min(range.upperBound, valueRange.lowerBound + 40)) }

        /// `<letter>=` at the start (RFC 8866 §5).
        var hasTypeAndEquals: Bool {
            let first = buffer[range.lowerBound]
            let isLetter = (first >= 0x61 && first <= 0x7A) || (first >= 0x41 && first <= 0x5A)
            return range.count >= 2 && isLetter && buffer[range.lowerBound + 1] == UInt8(ascii: "=")
        }

        /// The index of the first `byte` in the value.
        func firstIndex(of byte: UInt8) -> Int? {
            for index in valueRange where buffer[index] == byte { return index }
            return nil
        }

        func error(_ reason: SDPError.Reason) -> SDPError { SDPError(reason, line: number) }
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

        mutating func add(_ line: Line) throws(SDPError) {
            guard line.hasTypeAndEquals else { throw line.error(.malformedLine(line.clipped)) }
            guard sawVersion || line.type == UInt8(ascii: "v") else { throw line.error(.missingVersion) }
            let inMedia = !media.isEmpty
            let last = media.count - 1

            switch line.type {
            case UInt8(ascii: "v"):
                guard !sawVersion else { throw line.error(inMedia ? .misplacedLine("v") : .duplicateLine("v")) }
                guard line.valueRange.count == 1, line.buffer[line.valueRange.lowerBound] == UInt8(ascii: "0") else {
                    throw line.error(.unsupportedVersion(line.clippedValue))
                }
                sawVersion = true
            case UInt8(ascii: "o"):
                try checkSessionOnly("o", seen: origin != nil, line: line)
                origin = try Self.origin(line)
            case UInt8(ascii: "s"):
                try checkSessionOnly("s", seen: sessionName != nil, line: line)
                sessionName = line.value
            case UInt8(ascii: "t"):
                guard !inMedia else { throw line.error(.misplacedLine("t")) }
                timings.append(try Self.timing(line))
            case UInt8(ascii: "i"):
                // Once per section; a second one is harmless, so the first is kept.
                if inMedia {
                    if media[last].information == nil { media[last].information = line.value }
                } else if information == nil {
                    information = line.value
                }
            case UInt8(ascii: "c"):
                let parsed = try Self.connection(line)
                if inMedia {
                    guard media[last].connection == nil else { throw line.error(.duplicateLine("c")) }
                    media[last].connection = parsed
                } else {
                    guard connection == nil else { throw line.error(.duplicateLine("c")) }
                    connection = parsed
                }
            case UInt8(ascii: "b"):
                let parsed = try Self.bandwidth(line)
                if inMedia { media[last].bandwidths.append(parsed) } else { bandwidths.append(parsed) }
            case UInt8(ascii: "a"):
                let parsed = try Self.attribute(line)
                if inMedia { media[last].attributes.append(parsed) } else { attributes.append(parsed) }
            case UInt8(ascii: "m"):
                if origin == nil { throw line.error(.mediaBeforeSessionLines(missing: "o")) }
                if sessionName == nil { throw line.error(.mediaBeforeSessionLines(missing: "s")) }
                if timings.isEmpty { throw line.error(.mediaBeforeSessionLines(missing: "t")) }
                guard media.count < SDPParser.maximumMediaSections else { throw line.error(.tooManyMediaSections) }
                media.append(try Self.mediaLine(line))
                mediaLineNumbers.append(line.number)
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

        private func checkSessionOnly(_ type: Character, seen: Bool, line: Line) throws(SDPError) {
            guard media.isEmpty else { throw line.error(.misplacedLine(type)) }
            guard !seen else { throw line.error(.duplicateLine(type)) }
        }

        // MARK: - Line values

        /// o=<username> <sess-id> <sess-version> <nettype> <addrtype> <unicast-address> (§5.2)
        static func origin(_ line: Line) throws(SDPError) -> SDPOrigin {
            let fields = line.fields
            guard fields.count == 6, let version = SDPText.integer(fields[2], as: UInt64.self) else {
                throw line.error(.malformedOrigin(line.clippedValue))
            }
            return SDPOrigin(username: fields[0], sessionID: fields[1], sessionVersion: version,
                             networkType: fields[3], addressType: fields[4], address: fields[5])
        }

        /// c=<nettype> <addrtype> <connection-address> (§5.7)
        static func connection(_ line: Line) throws(SDPError) -> SDPConnection {
            let fields = line.fields
            guard fields.count == 3 else { throw line.error(.malformedConnection(line.clippedValue)) }
            return SDPConnection(networkType: fields[0], addressType: fields[1], address: fields[2])
        }

        /// b=<bwtype>:<bandwidth> (§5.8)
        static func bandwidth(_ line: Line) throws(SDPError) -> SDPBandwidth {
            guard let colon = line.firstIndex(of: UInt8(ascii: ":")) else {
                throw line.error(.malformedBandwidth(line.clippedValue))
            }
            let type = SDPText.fields(line.buffer, line.valueRange.lowerBound..<colon)
            let amount = SDPText.string(line.buffer, (colon + 1)..<line.range.upperBound)
            guard type.count == 1, let bandwidth = SDPText.integer(amount, as: UInt64.self) else {
                throw line.error(.malformedBandwidth(line.clippedValue))
            }
            return SDPBandwidth(type: type[0], value: bandwidth)
        }

        /// t=<start-time> <stop-time> (§5.9)
        static func timing(_ line: Line) throws(SDPError) -> SDPTiming {
            let fields = line.fields
            guard fields.count == 2, let start = SDPText.integer(fields[0], as: UInt64.self),
                  let stop = SDPText.integer(fields[1], as: UInt64.self) else {
                throw line.error(.malformedTiming(line.clippedValue))
            }
            return SDPTiming(start: start, stop: stop)
        }

        /// a=<attribute-name>[:<attribute-value>] (§5.13)
        static func attribute(_ line: Line) throws(SDPError) -> SDPAttribute {
            let colon = line.firstIndex(of: UInt8(ascii: ":"))
            let nameRange = line.valueRange.lowerBound..<(colon ?? line.range.upperBound)
            guard !nameRange.isEmpty else { throw line.error(.malformedAttribute(line.clippedValue)) }
            return SDPAttribute(SDPText.string(line.buffer, nameRange),
                                colon.map { SDPText.string(line.buffer, ($0 + 1)..<line.range.upperBound) })
        }

        /// m=<media> <port>[/<number of ports>] <proto> <fmt> ... (§5.14)
        static func mediaLine(_ line: Line) throws(SDPError) -> MediaDescription {
            let fields = line.fields
            guard fields.count >= 4 else { throw line.error(.malformedMediaLine(line.clippedValue)) }
            let portParts = SDPText.pieces(fields[1], separator: UInt8(ascii: "/"))
            guard portParts.count <= 2, let port = SDPText.integer(portParts[0], as: UInt16.self) else {
                throw line.error(.badPort(SDPError.clip(fields[1].utf8)))
            }
            var portCount: Int?
            if portParts.count == 2 {
                guard let count = SDPText.integer(portParts[1], as: UInt16.self), count >= 1 else {
                    throw line.error(.badPort(SDPError.clip(fields[1].utf8)))
                }
                portCount = Int(count)
            }
            let proto = fields[2]
            let formats = Array(fields[3...])
            if MediaDescription.isRTP(proto) {
                for format in formats where !(SDPText.integer(format, as: UInt8.self).map { $0 < 128 } ?? false) {
                    throw line.error(.nonNumericFormat(SDPError.clip(format.utf8)))
                }
            }
            return MediaDescription(mediaType: fields[0], port: port, portCount: portCount,
                                    transportProtocol: proto, formats: formats)
        }
    }
}
