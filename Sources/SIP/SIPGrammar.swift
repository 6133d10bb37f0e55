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

    static func isToken<C: Collection<UInt8>>(_ bytes: C) -> Bool {
        !bytes.isEmpty && bytes.allSatisfy { `is`($0, .token) }
    }

    static func isToken(_ string: String) -> Bool { isToken(string.utf8) }

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
        if !string.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) { return string }
        return String(decoding: string.utf8.map(lowercased), as: UTF8.self)
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
    static func unescape<C: Collection<UInt8>>(_ bytes: C, allowed: Class) -> String? where C.Index == Int {
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count)
        var i = bytes.startIndex
        while i < bytes.endIndex {
            let b = bytes[i]
            if b == UInt8(ascii: "%") {
                guard i + 2 < bytes.endIndex,
                      let hi = hexValue(bytes[i + 1]), let lo = hexValue(bytes[i + 2])
                else { return nil }
                out.append(hi << 4 | lo)
                i += 3
            } else {
                guard `is`(b, allowed) else { return nil }
                out.append(b)
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
    static func decimal<C: Collection<UInt8>>(_ bytes: C, maximum: UInt64) -> UInt64? {
        guard !bytes.isEmpty else { return nil }
        var value: UInt64 = 0
        for b in bytes {
            guard `is`(b, .digit) else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(UInt64(b - UInt8(ascii: "0")))
            guard !o1, !o2, a <= maximum else { return nil }
            value = a
        }
        return value
    }

    static func decimal(_ string: String, maximum: UInt64) -> UInt64? { decimal(string.utf8, maximum: maximum) }

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
