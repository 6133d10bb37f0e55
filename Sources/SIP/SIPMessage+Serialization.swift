/// Wire encoding (RFC 3261 §7): start line, one `Name: value` line per field with canonical
/// full names, CRLF line ends, Content-Length always written (it is mandatory on streams,
/// §18.3, and harmless on UDP) and always equal to the body's size, then the body.
///
/// Fields keep their order and raw values, so a parsed message re-serializes to one that
/// parses to the same message (compact names expanded, folds joined, the Request-URI
/// re-escaped). CR and LF inside a value or start line are written as spaces: a value taken
/// from elsewhere can never inject header lines.
extension SIPMessage: CustomStringConvertible {
    public func serialized() -> [UInt8] {
        switch self {
        case .request(let r): return r.serialized()
        case .response(let r): return r.serialized()
        }
    }

    /// The serialized message as text (a binary body is shown with replacement characters).
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

extension SIPRequest: CustomStringConvertible {
    public func serialized() -> [UInt8] { SIPSerializer.serialize(startLine: requestLine, headers: headers, body: body) }
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

extension SIPResponse: CustomStringConvertible {
    public func serialized() -> [UInt8] { SIPSerializer.serialize(startLine: statusLine, headers: headers, body: body) }
    public var description: String { String(decoding: serialized(), as: UTF8.self) }
}

enum SIPSerializer {
    static func serialize(startLine: String, headers: SIPHeaders, body: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(startLine.utf8.count + headers.fields.reduce(0) { $0 + $1.name.canonicalName.utf8.count + $1.value.utf8.count + 4 } + body.count + 40)
        appendSanitized(startLine, to: &out)
        out.append(0x0D)
        out.append(0x0A)
        var wroteLength = false
        for field in headers.fields {
            if field.name == .contentLength {
                // Written once, where the first one was, with the real length.
                if !wroteLength { appendContentLength(body.count, to: &out) }
                wroteLength = true
                continue
            }
            appendSanitized(field.name.canonicalName, to: &out)
            out.append(UInt8(ascii: ":"))
            out.append(0x20)
            appendSanitized(field.value, to: &out)
            out.append(0x0D)
            out.append(0x0A)
        }
        if !wroteLength { appendContentLength(body.count, to: &out) }
        out += [0x0D, 0x0A]
        out += body
        return out
    }

    private static func appendContentLength(_ length: Int, to out: inout [UInt8]) {
        out += "Content-Length: ".utf8
        out += String(length).utf8
        out += [0x0D, 0x0A]
    }

    private static func appendSanitized(_ text: String, to out: inout [UInt8]) {
        var copy = text
        copy.withUTF8 { buf in
            let start = out.count
            out.append(contentsOf: buf)
            guard SIPGrammar.firstIndex(of: 0x0D, in: buf, 0..<buf.count) != nil
                || SIPGrammar.firstIndex(of: 0x0A, in: buf, 0..<buf.count) != nil
            else { return }
            for i in start..<out.count where out[i] == 0x0D || out[i] == 0x0A { out[i] = 0x20 }
        }
    }
}
