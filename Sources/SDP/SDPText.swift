/// Small text helpers shared by the parser and the typed attribute views. They work on UTF-8
/// bytes with plain index loops: every separator SDP uses is ASCII, so byte positions are
/// always character-safe, and index loops stay fast in debug builds too (where a per-byte
/// closure costs about 100 ns), which keeps the 100,000-input fuzz test quick.
enum SDPText {
    static let space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")

    /// Runs `body` over the UTF-8 bytes of `text` without copying a native string.
    static func withBytes<R>(_ text: some StringProtocol, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        var string = String(text)
        return string.withUTF8(body)
    }

    static func string(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> String {
        String(decoding: UnsafeBufferPointer(rebasing: buffer[range]), as: UTF8.self)
    }

    /// Fields separated by runs of spaces or tabs (RFC 8866 says one SP; peers vary).
    static func fields(_ text: some StringProtocol) -> [String] {
        withBytes(text) { fields($0, 0..<$0.count) }
    }

    static func fields(_ buffer: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> [String] {
        var result: [String] = []
        var index = range.lowerBound
        while index < range.upperBound {
            while index < range.upperBound, buffer[index] == space || buffer[index] == tab { index += 1 }
            let start = index
            while index < range.upperBound, buffer[index] != space && buffer[index] != tab { index += 1 }
            if index > start { result.append(string(buffer, start..<index)) }
        }
        return result
    }

    /// Splits at the first `separator` byte: (before, after), or nil when it is absent.
    static func split(_ text: some StringProtocol, at separator: UInt8) -> (String, String)? {
        withBytes(text) { buffer in
            var index = 0
            while index < buffer.count, buffer[index] != separator { index += 1 }
            guard index < buffer.count else { return nil }
            return (string(buffer, 0..<index), string(buffer, (index + 1)..<buffer.count))
        }
    }

    /// Splits at the first space or tab: (before, after), or nil when there is none.
    static func splitAtWhitespace(_ text: some StringProtocol) -> (String, String)? {
        withBytes(text) { buffer in
            var index = 0
            while index < buffer.count, buffer[index] != space && buffer[index] != tab { index += 1 }
            guard index < buffer.count else { return nil }
            return (string(buffer, 0..<index), string(buffer, (index + 1)..<buffer.count))
        }
    }

    /// Every piece between `separator` bytes, empty pieces included.
    static func pieces(_ text: some StringProtocol, separator: UInt8) -> [String] {
        withBytes(text) { buffer in
            var result: [String] = []
            var start = 0
            for index in 0..<buffer.count where buffer[index] == separator {
                result.append(string(buffer, start..<index))
                start = index + 1
            }
            result.append(string(buffer, start..<buffer.count))
            return result
        }
    }

    /// Text with leading and trailing spaces and tabs removed.
    static func trimmed(_ text: some StringProtocol) -> String {
        withBytes(text) { buffer in
            var start = 0, end = buffer.count
            while start < end, buffer[start] == space || buffer[start] == tab { start += 1 }
            while end > start, buffer[end - 1] == space || buffer[end - 1] == tab { end -= 1 }
            return string(buffer, start..<end)
        }
    }

    /// A non-empty all-digit decimal of at most `maxDigits` digits (leading zeros allowed).
    static func decimal(_ text: some StringProtocol, maxDigits: Int = 18) -> UInt64? {
        withBytes(text) { buffer in
            guard buffer.count > 0, buffer.count <= maxDigits else { return nil }
            var value: UInt64 = 0
            for index in 0..<buffer.count {
                let byte = buffer[index]
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + UInt64(byte - 0x30)
            }
            return value
        }
    }

    /// A decimal that fits `T`, nil otherwise.
    static func integer<T: FixedWidthInteger>(_ text: some StringProtocol, as type: T.Type = T.self) -> T? {
        decimal(text, maxDigits: 19).flatMap { T(exactly: $0) }
    }

    /// ASCII case-insensitive equality (encoding, parameter and attribute names, RFC 4855 §3).
    static func equalsIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        guard a.utf8.count == b.utf8.count else { return false }
        if a == b { return true }
        return withBytes(a) { x in
            withBytes(b) { y in
                for index in 0..<x.count where lowercased(x[index]) != lowercased(y[index]) { return false }
                return true
            }
        }
    }

    static func lowercased(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte + 0x20 : byte
    }
}
