/// A cursor over the UTF-8 bytes of one header value (already unfolded), with the small
/// productions that RFC 3261's header grammars share: SWS, tokens, quoted strings and
/// `;name=value` parameters. Every method leaves the cursor unchanged when it fails.
struct SIPScanner {
    let bytes: UnsafeBufferPointer<UInt8>
    var index: Int
    let end: Int

    init(_ bytes: UnsafeBufferPointer<UInt8>, range: Range<Int>? = nil) {
        self.bytes = bytes
        self.index = range?.lowerBound ?? 0
        self.end = range?.upperBound ?? bytes.count
    }

    /// Runs `body` over the bytes of `string` without copying them (native strings are UTF-8).
    static func scan<T>(_ string: String, _ body: (inout SIPScanner) -> T?) -> T? {
        var copy = string
        return copy.withUTF8 { buffer in
            var scanner = SIPScanner(buffer)
            return body(&scanner)
        }
    }

    var isAtEnd: Bool { index >= end }
    var peek: UInt8? { index < end ? bytes[index] : nil }

    func string(_ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    var remaining: Range<Int> { index..<end }

    /// Skips SP/HTAB (values are unfolded, so this is SWS/LWS); true when something was skipped.
    @discardableResult
    mutating func skipWhitespace() -> Bool {
        let start = index
        while index < end, SIPGrammar.isWhitespace(bytes[index]) { index += 1 }
        return index > start
    }

    mutating func consume(_ byte: UInt8) -> Bool {
        guard index < end, bytes[index] == byte else { return false }
        index += 1
        return true
    }

    /// `SWS byte SWS`, the shape of RFC 3261's SEMI, EQUAL, COLON, SLASH and COMMA.
    mutating func consumeSeparator(_ byte: UInt8) -> Bool {
        let start = index
        skipWhitespace()
        guard consume(byte) else { index = start; return false }
        skipWhitespace()
        return true
    }

    mutating func scan(while predicate: (UInt8) -> Bool) -> Range<Int> {
        let start = index
        while index < end, predicate(bytes[index]) { index += 1 }
        return start..<index
    }

    mutating func scan(_ cls: SIPGrammar.Class) -> Range<Int> {
        scan { SIPGrammar.is($0, cls) }
    }

    mutating func token() -> String? {
        let range = scan(.token)
        return range.isEmpty ? nil : string(range)
    }

    /// A quoted-string (RFC 3261 §25.1) including its quotes; nil when it is unterminated.
    /// quoted-pair lets a backslash escape any octet but CR and LF.
    mutating func quotedStringRange() -> Range<Int>? {
        let start = index
        guard consume(UInt8(ascii: "\"")) else { return nil }
        while index < end {
            let b = bytes[index]
            if b == UInt8(ascii: "\\") {
                guard index + 1 < end else { break }
                index += 2
            } else if b == UInt8(ascii: "\"") {
                index += 1
                return start..<index
            } else {
                index += 1
            }
        }
        index = start
        return nil
    }

    /// The content of a quoted-string with quoted-pairs resolved.
    mutating func quotedString() -> String? {
        guard let range = quotedStringRange() else { return nil }
        return SIPScanner.unquote(UnsafeBufferPointer(rebasing: bytes[(range.lowerBound + 1)..<(range.upperBound - 1)]))
    }

    static func unquote(_ inner: UnsafeBufferPointer<UInt8>) -> String {
        guard inner.contains(UInt8(ascii: "\\")) else { return String(decoding: inner, as: UTF8.self) }
        var out: [UInt8] = []
        out.reserveCapacity(inner.count)
        var i = 0
        while i < inner.count {
            if inner[i] == UInt8(ascii: "\\"), i + 1 < inner.count {
                out.append(inner[i + 1])
                i += 2
            } else {
                out.append(inner[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Characters of a generic parameter value: gen-value = token / host / quoted-string, so
    /// token characters plus the ":" "[" "]" of IPv6 addresses.
    static func isParameterValueByte(_ b: UInt8) -> Bool {
        SIPGrammar.is(b, .token) || b == UInt8(ascii: ":") || b == UInt8(ascii: "[") || b == UInt8(ascii: "]")
    }

    /// `*( SEMI generic-param )` up to the first byte that cannot continue it. Values keep their
    /// quotes. Nil on an empty name (";;"), a dangling "=" or an unterminated quoted string.
    mutating func parameters() -> SIPParameters? {
        var parameters = SIPParameters()
        while true {
            let save = index
            guard consumeSeparator(UInt8(ascii: ";")) else { index = save; break }
            guard let name = token() else { return nil }
            var value: String?
            let beforeEqual = index
            if consumeSeparator(UInt8(ascii: "=")) {
                if peek == UInt8(ascii: "\"") {
                    guard let range = quotedStringRange() else { return nil }
                    value = string(range)
                } else {
                    let range = scan(while: SIPScanner.isParameterValueByte)
                    guard !range.isEmpty else { return nil }
                    value = string(range)
                }
            } else {
                index = beforeEqual
            }
            parameters.append(name: name, value: value)
        }
        return parameters
    }
}
