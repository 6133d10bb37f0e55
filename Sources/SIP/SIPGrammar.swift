/// Character classes of the RFC 3261 §25.1 grammar, as one 256-entry table so every byte test is
/// a load and a mask. Internal: the public types validate and escape through these.
enum SIPGrammar {
    struct Class: OptionSet {
        let rawValue: UInt16
        static let alphanumeric = Class(rawValue: 1 << 0)
        /// `token` = alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
        static let token = Class(rawValue: 1 << 1)
        /// `unreserved` = alphanum / mark; mark = "-" / "_" / "." / "!" / "~" / "*" / "'" / "(" / ")"
        static let unreserved = Class(rawValue: 1 << 2)
        /// `user-unreserved` = "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
        static let userUnreserved = Class(rawValue: 1 << 3)
        /// password = *( unreserved / escaped / "&" / "=" / "+" / "$" / "," )
        static let passwordExtra = Class(rawValue: 1 << 4)
        /// `param-unreserved` = "[" / "]" / "/" / ":" / "&" / "+" / "$"
        static let paramUnreserved = Class(rawValue: 1 << 5)
        /// `hnv-unreserved` = "[" / "]" / "/" / "?" / ":" / "+" / "$"
        static let headerUnreserved = Class(rawValue: 1 << 6)
        static let hexDigit = Class(rawValue: 1 << 7)
        static let digit = Class(rawValue: 1 << 8)
        /// Characters of a host name (alphanum, "-", "." and, leniently, "_").
        static let hostname = Class(rawValue: 1 << 9)
        /// Scheme characters after the first: ALPHA / DIGIT / "+" / "-" / "."
        static let scheme = Class(rawValue: 1 << 10)

        // Unions, spelled out so that no array literal is built per use.
        /// user = 1*( unreserved / escaped / user-unreserved )
        static let userPart = Class(rawValue: unreserved.rawValue | userUnreserved.rawValue)
        static let passwordPart = Class(rawValue: unreserved.rawValue | passwordExtra.rawValue)
        /// paramchar = param-unreserved / unreserved / escaped
        static let parameterPart = Class(rawValue: unreserved.rawValue | paramUnreserved.rawValue)
        /// hname / hvalue characters
        static let headerPart = Class(rawValue: unreserved.rawValue | headerUnreserved.rawValue)
    }

    static let table: [UInt16] = {
        var table = [UInt16](repeating: 0, count: 256)
        func add(_ characters: String, _ cls: Class) {
            for b in characters.utf8 { table[Int(b)] |= cls.rawValue }
        }
        for b in UInt8(ascii: "a")...UInt8(ascii: "z") { table[Int(b)] |= Class.alphanumeric.rawValue }
        for b in UInt8(ascii: "A")...UInt8(ascii: "Z") { table[Int(b)] |= Class.alphanumeric.rawValue }
        for b in UInt8(ascii: "0")...UInt8(ascii: "9") {
            table[Int(b)] |= Class.alphanumeric.rawValue | Class.digit.rawValue | Class.hexDigit.rawValue
        }
        add("abcdefABCDEF", .hexDigit)
        for i in 0..<256 where table[i] & Class.alphanumeric.rawValue != 0 {
            table[i] |= Class.token.rawValue | Class.unreserved.rawValue | Class.hostname.rawValue | Class.scheme.rawValue
        }
        add("-.!%*_+`'~", .token)
        add("-_.!~*'()", .unreserved)
        add("&=+$,;?/", .userUnreserved)
        add("&=+$,", .passwordExtra)
        add("[]/:&+$", .paramUnreserved)
        add("[]/?:+$", .headerUnreserved)
        add("-._", .hostname)
        add("+-.", .scheme)
        return table
    }()

    @inline(__always) static func `is`(_ byte: UInt8, _ cls: Class) -> Bool {
        table[Int(byte)] & cls.rawValue != 0
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool { byte == 0x20 || byte == 0x09 }

    typealias Bytes = UnsafeBufferPointer<UInt8>

    static func isToken(_ bytes: Bytes, _ range: Range<Int>) -> Bool {
        guard !range.isEmpty else { return false }
        for i in range where !`is`(bytes[i], .token) { return false }
        return true
    }

    static func isToken(_ string: String) -> Bool {
        var copy = string
        return copy.withUTF8 { isToken($0, 0..<$0.count) }
    }

    /// Whether every byte of `range` belongs to `cls`.
    static func all(_ bytes: Bytes, _ range: Range<Int>, _ cls: Class) -> Bool {
        for i in range where !`is`(bytes[i], cls) { return false }
        return true
    }

    static func firstIndex(of byte: UInt8, in bytes: Bytes, _ range: Range<Int>) -> Int? {
        var i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == byte { return i }
            i += 1
        }
        return nil
    }

    static func string(_ bytes: Bytes, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: bytes[range]), as: UTF8.self)
    }

    static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return byte - UInt8(ascii: "A") + 10
        default: return nil
        }
    }

    @inline(__always) static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z") ? byte | 0x20 : byte
    }

    /// ASCII-only lowercasing: SIP tokens are ASCII, and `String.lowercased()` would apply
    /// Unicode rules to values that are compared octet by octet.
    static func asciiLowercased(_ string: String) -> String {
        var copy = string
        return copy.withUTF8 { buf -> String in
            var hasUpper = false
            for b in buf where b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { hasUpper = true; break }
            guard hasUpper else { return string }
            return String(unsafeUninitializedCapacity: buf.count, initializingUTF8With: { (out: UnsafeMutableBufferPointer<UInt8>) -> Int in
                for i in 0..<buf.count { out[i] = lowercased(buf[i]) }
                return buf.count
            })
        }
    }

    static func asciiUppercased(_ string: String) -> String {
        if !string.utf8.contains(where: { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") }) { return string }
        return String(decoding: string.utf8.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z") ? $0 & ~0x20 : $0 }, as: UTF8.self)
    }

    static func caseInsensitiveEquals(_ a: String, _ b: String) -> Bool {
        a.utf8.count == b.utf8.count && zip(a.utf8, b.utf8).allSatisfy { lowercased($0) == lowercased($1) }
    }

    /// Decodes `%HH` escapes; every other byte must belong to `allowed`. Nil when an escape is
    /// incomplete or a byte is not allowed (RFC 3261 §19.1.2: such characters must be escaped).
    static func unescape(_ bytes: Bytes, _ range: Range<Int>, allowed: Class) -> String? {
        var i = range.lowerBound
        var hasEscape = false
        while i < range.upperBound {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                hasEscape = true
                guard i + 2 < range.upperBound, hexValue(bytes[i + 1]) != nil, hexValue(bytes[i + 2]) != nil else { return nil }
                i += 3
            } else {
                guard `is`(b, allowed) else { return nil }
                i += 1
            }
        }
        guard hasEscape else { return string(bytes, range) }
        var out: [UInt8] = []
        out.reserveCapacity(range.count)
        i = range.lowerBound
        while i < range.upperBound {
            if bytes[i] == UInt8(ascii: "%") {
                out.append(hexValue(bytes[i + 1])! << 4 | hexValue(bytes[i + 2])!)
                i += 3
            } else {
                out.append(bytes[i])
                i += 1
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Percent-encodes every UTF-8 byte of `string` outside `allowed` (RFC 3261 §19.1.2).
    static func escape(_ string: String, allowed: Class) -> String {
        if string.utf8.allSatisfy({ `is`($0, allowed) }) { return string }
        let hex = Array("0123456789ABCDEF".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(string.utf8.count + 8)
        for b in string.utf8 {
            if `is`(b, allowed) {
                out.append(b)
            } else {
                out.append(UInt8(ascii: "%"))
                out.append(hex[Int(b >> 4)])
                out.append(hex[Int(b & 0x0F)])
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// Parses 1*DIGIT into a value no larger than `maximum`; nil on anything else.
    static func decimal(_ bytes: Bytes, _ range: Range<Int>, maximum: UInt64) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var value: UInt64 = 0
        for i in range {
            let b = bytes[i]
            guard b >= UInt8(ascii: "0"), b <= UInt8(ascii: "9") else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1, !o2, a <= maximum else { return nil }
            value = a
        }
        return value
    }

    static func decimal(_ string: String, maximum: UInt64) -> UInt64? {
        var copy = string
        return copy.withUTF8 { decimal($0, 0..<$0.count, maximum: maximum) }
    }

    /// The string with leading and trailing SP/HTAB removed (byte-wise: SIP whitespace is ASCII).
    static func trimmed(_ string: String) -> String {
        let u = string.utf8
        guard let f = u.first, let l = u.last, isWhitespace(f) || isWhitespace(l) else { return string }
        var start = u.startIndex
        var end = u.endIndex
        while start < end, isWhitespace(u[start]) { start = u.index(after: start) }
        while end > start, isWhitespace(u[u.index(before: end)]) { end = u.index(before: end) }
        return String(decoding: u[start..<end], as: UTF8.self)
    }
}
