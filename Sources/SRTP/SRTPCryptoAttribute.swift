/// One SDES crypto attribute (RFC 4568 §9.1):
/// `a=crypto:<tag> <suite> inline:<base64 key||salt>[|lifetime][|MKI:length] [session-params]`.
///
/// Parsing accepts everything the grammar allows for the suites we know and keeps what it
/// read (lifetime, MKI, session parameters), so an answerer can see every offered line;
/// `usableKeyingMaterial()` then says whether our sessions can honour it. Control plane only:
/// this allocates freely.
public struct SRTPCryptoAttribute: Equatable, Sendable {
    /// Master Key Identifier (RFC 3711 §3.1, RFC 4568 §6.1): `value` sent in `length` bytes
    /// after every packet.
    public struct MKI: Equatable, Sendable {
        public let value: UInt64
        public let length: Int

        public init(value: UInt64, length: Int) throws(SRTPCryptoAttributeError) {
            guard (1...128).contains(length), length >= 8 || value < (1 as UInt64) << (8 * UInt64(length)) else {
                throw .badMKI("\(value):\(length)")
            }
            self.value = value
            self.length = length
        }
    }

    /// Identifies this line among the offer's alternatives; the answer echoes it (§5.1.2).
    public let tag: Int
    public let keyingMaterial: SRTPKeyingMaterial
    /// Master key lifetime in packets, if given (§6.1); at most 2^48 (RFC 3711 §9.2).
    public let lifetime: UInt64?
    public let mki: MKI?
    /// Session parameters as written (§6.3), e.g. `WSH=64`, `UNENCRYPTED_SRTCP`.
    public let sessionParameters: [String]

    public var suite: SRTPSuite { keyingMaterial.suite }

    public static let maximumLifetime: UInt64 = 1 << 48

    public init(tag: Int, keyingMaterial: SRTPKeyingMaterial, lifetime: UInt64? = nil, mki: MKI? = nil,
                sessionParameters: [String] = []) throws(SRTPCryptoAttributeError) {
        guard (1...999_999_999).contains(tag) else { throw .badTag(String(tag)) }
        if let lifetime, !(1...Self.maximumLifetime).contains(lifetime) { throw .badLifetime(String(lifetime)) }
        for parameter in sessionParameters
        where parameter.isEmpty || parameter.utf8.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) {
            throw .badSessionParameter(Self.clip(parameter.utf8))
        }
        self.tag = tag
        self.keyingMaterial = keyingMaterial
        self.lifetime = lifetime
        self.mki = mki
        self.sessionParameters = sessionParameters
    }

    /// Parses the attribute with or without its `a=crypto:` (or `crypto:`) prefix; a trailing
    /// CR/LF is ignored, and fields may be separated by any run of spaces or tabs (1*WSP).
    public init(parsing text: some StringProtocol) throws(SRTPCryptoAttributeError) {
        var bytes = ArraySlice(text.utf8)
        while let last = bytes.last, last == 0x0D || last == 0x0A { bytes.removeLast() }
        if bytes.starts(with: "a=".utf8) {
            guard bytes.starts(with: "a=crypto:".utf8) else { throw .notCryptoAttribute }
            bytes = bytes.dropFirst(9)
        } else if bytes.starts(with: "crypto:".utf8) {
            bytes = bytes.dropFirst(7)
        }
        guard bytes.allSatisfy({ ($0 >= 0x20 && $0 <= 0x7E) || $0 == 0x09 }) else { throw .invalidCharacter }
        let fields = bytes.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 })
        guard fields.count >= 1 else { throw .missingField(.tag) }
        guard fields.count >= 2 else { throw .missingField(.suite) }
        guard fields.count >= 3 else { throw .missingField(.keyParameters) }

        let tagField = fields[0]
        guard (1...9).contains(tagField.count), let tag = Self.decimal(tagField), tag >= 1 else {
            throw .badTag(Self.clip(tagField))
        }
        guard let suite = SRTPSuite(name: String(decoding: fields[1], as: UTF8.self)) else {
            throw .unknownSuite(Self.clip(fields[1]))
        }

        // key-params = key-param *(";" key-param); key-param = key-method ":" key-info
        let keyParameters = fields[2]
        guard !keyParameters.contains(UInt8(ascii: ";")) else { throw .multipleKeys }
        guard let colon = keyParameters.firstIndex(of: UInt8(ascii: ":")) else { throw .missingInline }
        let method = keyParameters[..<colon]
        guard method.count == 6, method.map({ $0 | 0x20 }).elementsEqual("inline".utf8) else {
            throw .unsupportedKeyMethod(Self.clip(method))
        }
        // key-info = key-salt ["|" lifetime] ["|" mki]
        let parts = keyParameters[(colon + 1)...].split(separator: UInt8(ascii: "|"), omittingEmptySubsequences: false)
        guard parts.count <= 3 else { throw .badKeyInfo }
        guard let keyAndSalt = Base64.decode(String(decoding: parts[0], as: UTF8.self)) else { throw .badBase64 }
        guard keyAndSalt.count == suite.keyAndSaltLength else {
            throw .wrongKeyLength(suite, expected: suite.keyAndSaltLength, actual: keyAndSalt.count)
        }
        var lifetime: UInt64?
        var mki: MKI?
        for part in parts.dropFirst() {
            if part.contains(UInt8(ascii: ":")) {
                guard mki == nil else { throw .badKeyInfo }
                mki = try Self.parseMKI(part)
            } else {
                guard lifetime == nil, mki == nil else { throw .badKeyInfo }   // lifetime precedes MKI
                lifetime = try Self.parseLifetime(part)
            }
        }
        let keyingMaterial: SRTPKeyingMaterial
        do { keyingMaterial = try SRTPKeyingMaterial(suite: suite, keyAndSalt: keyAndSalt) } catch {
            throw .wrongKeyLength(suite, expected: suite.keyAndSaltLength, actual: keyAndSalt.count)
        }
        try self.init(tag: tag, keyingMaterial: keyingMaterial, lifetime: lifetime, mki: mki,
                      sessionParameters: fields.dropFirst(3).map { String(decoding: $0, as: UTF8.self) })
    }

    /// The attribute value, after `a=crypto:`. Lifetimes that are powers of two are written
    /// `2^n`, as RFC 4568's examples do; the key is padded base64.
    public var value: String {
        var text = "\(tag) \(suite.name) inline:\(Base64.encode(keyingMaterial.keyAndSalt))"
        if let lifetime {
            text += lifetime.nonzeroBitCount == 1 ? "|2^\(lifetime.trailingZeroBitCount)" : "|\(lifetime)"
        }
        if let mki { text += "|\(mki.value):\(mki.length)" }
        for parameter in sessionParameters { text += " " + parameter }
        return text
    }

    /// The whole SDP line without CRLF: `a=crypto:<value>`.
    public var line: String { "a=crypto:" + value }

    /// The key material if our sessions can use this attribute exactly as offered: no MKI
    /// (we never send or expect one) and no session parameter that changes the wire format.
    /// `WSH` (a window-size hint, §6.3.6), `FEC_ORDER` (meaningless without FEC, §6.3.4) and
    /// parameters prefixed with `-` (the grammar's optional srtp-session-extension) are
    /// ignored; `KDR`, `UNENCRYPTED_SRTP`, `UNENCRYPTED_SRTCP`, `UNAUTHENTICATED_SRTP`,
    /// `FEC_KEY` and anything unknown make the attribute unusable, as §6.3 requires.
    public func usableKeyingMaterial() throws(SRTPCryptoAttributeError) -> SRTPKeyingMaterial {
        if mki != nil { throw .mkiUnsupported }
        for parameter in sessionParameters {
            if parameter.hasPrefix("-") || parameter.hasPrefix("WSH=") || parameter.hasPrefix("FEC_ORDER=") { continue }
            throw .sessionParameterUnsupported(Self.clip(parameter.utf8))
        }
        return keyingMaterial
    }

    // MARK: - Field parsers

    /// lifetime = ["2^"] 1*(DIGIT), limited to RFC 3711's 2^48 packets.
    private static func parseLifetime(_ field: ArraySlice<UInt8>) throws(SRTPCryptoAttributeError) -> UInt64 {
        if field.starts(with: "2^".utf8) {
            let exponent = field.dropFirst(2)
            guard (1...2).contains(exponent.count), let n = decimal(exponent), n <= 48 else { throw .badLifetime(clip(field)) }
            return 1 << UInt64(n)
        }
        guard (1...15).contains(field.count), let value = decimal(field), value >= 1, UInt64(value) <= maximumLifetime else {
            throw .badLifetime(clip(field))
        }
        return UInt64(value)
    }

    /// mki = mki-value ":" mki-length; mki-length = 1*3DIGIT (1 to 128). Values beyond 18 digits
    /// are refused (no MKI field that long exists in practice).
    private static func parseMKI(_ field: ArraySlice<UInt8>) throws(SRTPCryptoAttributeError) -> MKI {
        let halves = field.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false)
        guard halves.count == 2, (1...18).contains(halves[0].count), (1...3).contains(halves[1].count),
              let value = decimal(halves[0]), let length = decimal(halves[1]) else {
            throw .badMKI(clip(field))
        }
        return try MKI(value: UInt64(value), length: length)
    }

    /// All-digit field to Int; nil for an empty field or any non-digit. Callers bound the length.
    private static func decimal(_ digits: ArraySlice<UInt8>) -> Int? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        var value = 0
        for byte in digits {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            value = value * 10 + Int(byte - 0x30)
        }
        return value
    }

    /// First 40 bytes of an offending token, for error messages.
    private static func clip(_ bytes: some Collection<UInt8>) -> String {
        String(decoding: bytes.prefix(40), as: UTF8.self)
    }
}
