/// Small text helpers shared by the parser and the typed attribute views. They split on
/// Unicode scalars, not Characters, so a combining mark after a space cannot hide the space.
enum SDPText {
    /// Fields separated by runs of spaces or tabs (RFC 8866 says one SP; peers vary).
    static func fields(_ text: some StringProtocol) -> [Substring] {
        Substring(text).unicodeScalars.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(Substring.init)
    }

    /// Splits at the first `separator` scalar: (before, after), or nil when it is absent.
    static func split(_ text: some StringProtocol, at separator: Unicode.Scalar) -> (Substring, Substring)? {
        let scalars = Substring(text).unicodeScalars
        guard let index = scalars.firstIndex(of: separator) else { return nil }
        return (Substring(scalars[..<index]), Substring(scalars[scalars.index(after: index)...]))
    }

    /// Text with leading and trailing spaces and tabs removed.
    static func trimmed(_ text: some StringProtocol) -> Substring {
        var scalars = Substring(text).unicodeScalars
        while let first = scalars.first, first == " " || first == "\t" { scalars.removeFirst() }
        while let last = scalars.last, last == " " || last == "\t" { scalars.removeLast() }
        return Substring(scalars)
    }

    /// A non-empty all-digit decimal of at most `maxDigits` digits (leading zeros allowed).
    static func decimal(_ text: some StringProtocol, maxDigits: Int = 18) -> UInt64? {
        let utf8 = text.utf8
        guard !utf8.isEmpty, utf8.count <= maxDigits else { return nil }
        var value: UInt64 = 0
        for byte in utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + UInt64(byte - 0x30)
        }
        return value
    }

    /// A decimal that fits `T`, nil otherwise.
    static func integer<T: FixedWidthInteger>(_ text: some StringProtocol, as type: T.Type = T.self) -> T? {
        decimal(text, maxDigits: 19).flatMap { T(exactly: $0) }
    }

    /// ASCII case-insensitive equality (encoding and parameter names, RFC 4855 §3).
    static func equalsIgnoringCase(_ a: some StringProtocol, _ b: some StringProtocol) -> Bool {
        a.utf8.count == b.utf8.count
            && zip(a.utf8, b.utf8).allSatisfy { SDPAttribute.lowercased($0) == SDPAttribute.lowercased($1) }
    }
}
