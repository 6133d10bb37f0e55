/// Base64 with the standard alphabet (RFC 4648 §4), for SDES `inline:` key material. Kept
/// here so the SRTP target needs no Foundation.
public enum Base64 {
    private static let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)

    /// Value of each ASCII byte, 0xFF where the byte is not in the alphabet.
    private static let values: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        for (value, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(value) }
        return table
    }()

    /// Padded encoding (RFC 4648 §4).
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        let input = Array(bytes)
        var output = [UInt8]()
        output.reserveCapacity((input.count + 2) / 3 * 4)
        var i = 0
        while i < input.count {
            let b0 = UInt32(input[i])
            let b1 = i + 1 < input.count ? UInt32(input[i + 1]) : 0
            let b2 = i + 2 < input.count ? UInt32(input[i + 2]) : 0
            let group = b0 << 16 | b1 << 8 | b2
            output.append(alphabet[Int(group >> 18 & 63)])
            output.append(alphabet[Int(group >> 12 & 63)])
            output.append(i + 1 < input.count ? alphabet[Int(group >> 6 & 63)] : UInt8(ascii: "="))
            output.append(i + 2 < input.count ? alphabet[Int(group & 63)] : UInt8(ascii: "="))
            i += 3
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// Decodes padded or unpadded text (SDES peers send both). Returns nil for a byte outside
    /// the alphabet, whitespace, misplaced or excess `=`, an impossible length, or non-zero
    /// leftover bits (a non-canonical encoding, RFC 4648 §3.5: for key material that means
    /// corruption, not a variant).
    public static func decode(_ text: some StringProtocol) -> [UInt8]? {
        var chars = Array(text.utf8)
        var padding = 0
        while chars.last == UInt8(ascii: "=") { chars.removeLast(); padding += 1 }
        if padding > 0 && (padding > 2 || (chars.count + padding) % 4 != 0) { return nil }
        if chars.count % 4 == 1 { return nil }

        var output = [UInt8]()
        output.reserveCapacity(chars.count * 3 / 4)
        var accumulator: UInt32 = 0
        var bits = 0
        for char in chars {
            let value = values[Int(char)]
            if value == 0xFF { return nil }
            accumulator = accumulator << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                accumulator &= (1 << UInt32(bits)) - 1
            }
        }
        // 2 or 4 bits remain after a partial group; they must be zero.
        if accumulator != 0 { return nil }
        return output
    }
}
