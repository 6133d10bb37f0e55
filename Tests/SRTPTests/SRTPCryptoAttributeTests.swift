import SRTP
import Testing

/// SDES `a=crypto` (RFC 4568 §9.1) parsing, serialization and refusal of bad lines.
@Suite("SRTPCryptoAttribute")
struct SRTPCryptoAttributeTests {
    static let rfcKey = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
    static let gcm128Key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=="
    static let gcm256Key = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw="

    @Test func rfc4568Example() throws {
        let line = "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(Self.rfcKey)|2^20|1:32"
        let attribute = try SRTPCryptoAttribute(parsing: line)
        #expect(attribute.tag == 1)
        #expect(attribute.suite == .aesCM128HMACSHA1_80)
        #expect(attribute.keyingMaterial.masterKey == [61, 45, 110, 64, 37, 94, 120, 33, 66, 106, 117, 102, 114, 57, 41, 63])
        #expect(attribute.keyingMaterial.masterSalt == [44, 35, 53, 104, 92, 96, 61, 38, 93, 123, 113, 105, 80, 81])
        #expect(attribute.lifetime == 1 << 20)
        #expect(attribute.mki == (try SRTPCryptoAttribute.MKI(value: 1, length: 32)))
        #expect(attribute.sessionParameters.isEmpty)
        #expect(attribute.line == line)
        // Parsed and kept, but our sessions never use an MKI.
        #expect(throws: SRTPCryptoAttributeError.mkiUnsupported) { try attribute.usableKeyingMaterial() }
    }

    struct Valid: Sendable, CustomTestStringConvertible {
        let input: String
        let tag: Int
        let suite: SRTPSuite
        let lifetime: UInt64?
        let mki: (UInt64, Int)?
        let parameters: [String]
        /// `line` after parsing; nil when it equals the input.
        let canonical: String?
        let usable: Bool
        var testDescription: String { input }
    }

    static let valid: [Valid] = [
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)", tag: 1, suite: .aesCM128HMACSHA1_80,
              lifetime: nil, mki: nil, parameters: [], canonical: nil, usable: true),
        .init(input: "a=crypto:2 AES_CM_128_HMAC_SHA1_32 inline:\(rfcKey)|2^31", tag: 2, suite: .aesCM128HMACSHA1_32,
              lifetime: 1 << 31, mki: nil, parameters: [], canonical: nil, usable: true),
        .init(input: "a=crypto:999999999 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)|1000", tag: 999_999_999,
              suite: .aesCM128HMACSHA1_80, lifetime: 1000, mki: nil, parameters: [], canonical: nil, usable: true),
        .init(input: "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)|1048576", tag: 3, suite: .aesCM128HMACSHA1_80,
              lifetime: 1 << 20, mki: nil, parameters: [],
              canonical: "a=crypto:3 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)|2^20", usable: true),
        .init(input: "a=crypto:4 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)|4:1", tag: 4, suite: .aesCM128HMACSHA1_80,
              lifetime: nil, mki: (4, 1), parameters: [], canonical: nil, usable: false),
        .init(input: "a=crypto:1 AEAD_AES_128_GCM inline:\(gcm128Key)", tag: 1, suite: .aeadAES128GCM,
              lifetime: nil, mki: nil, parameters: [], canonical: nil, usable: true),
        .init(input: "a=crypto:7 AEAD_AES_256_GCM inline:\(gcm256Key)|2^48", tag: 7, suite: .aeadAES256GCM,
              lifetime: 1 << 48, mki: nil, parameters: [], canonical: nil, usable: true),
        // Unpadded base64 as some peers send it; written back padded.
        .init(input: "a=crypto:1 AEAD_AES_128_GCM inline:\(gcm128Key.dropLast(2))", tag: 1, suite: .aeadAES128GCM,
              lifetime: nil, mki: nil, parameters: [], canonical: "a=crypto:1 AEAD_AES_128_GCM inline:\(gcm128Key)", usable: true),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey) WSH=64 -FOO", tag: 1, suite: .aesCM128HMACSHA1_80,
              lifetime: nil, mki: nil, parameters: ["WSH=64", "-FOO"], canonical: nil, usable: true),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey) FEC_ORDER=FEC_SRTP", tag: 1, suite: .aesCM128HMACSHA1_80,
              lifetime: nil, mki: nil, parameters: ["FEC_ORDER=FEC_SRTP"], canonical: nil, usable: true),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey) KDR=1 UNENCRYPTED_SRTCP", tag: 1,
              suite: .aesCM128HMACSHA1_80, lifetime: nil, mki: nil, parameters: ["KDR=1", "UNENCRYPTED_SRTCP"],
              canonical: nil, usable: false),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey) UNAUTHENTICATED_SRTP", tag: 1,
              suite: .aesCM128HMACSHA1_80, lifetime: nil, mki: nil, parameters: ["UNAUTHENTICATED_SRTP"],
              canonical: nil, usable: false),
        // Prefix forms, WSP runs, tabs, CRLF, case-insensitive ABNF literals, leading zeros in the tag.
        .init(input: "crypto:05\tAES_CM_128_HMAC_SHA1_80   INLINE:\(rfcKey)|2^20|1:4\r\n", tag: 5, suite: .aesCM128HMACSHA1_80,
              lifetime: 1 << 20, mki: (1, 4), parameters: [],
              canonical: "a=crypto:5 AES_CM_128_HMAC_SHA1_80 inline:\(rfcKey)|2^20|1:4", usable: false),
        .init(input: "1 aes_cm_128_hmac_sha1_32 inline:\(rfcKey)|2^0|255:1", tag: 1, suite: .aesCM128HMACSHA1_32,
              lifetime: 1, mki: (255, 1), parameters: [],
              canonical: "a=crypto:1 AES_CM_128_HMAC_SHA1_32 inline:\(rfcKey)|2^0|255:1", usable: false),
    ]

    @Test(arguments: valid)
    func parsesAndWritesBack(_ example: Valid) throws {
        let attribute = try SRTPCryptoAttribute(parsing: example.input)
        #expect(attribute.tag == example.tag)
        #expect(attribute.suite == example.suite)
        #expect(attribute.lifetime == example.lifetime)
        #expect(attribute.mki?.value == example.mki?.0 && attribute.mki?.length == example.mki?.1)
        #expect(attribute.sessionParameters == example.parameters)
        #expect(attribute.line == (example.canonical ?? example.input))
        #expect(try SRTPCryptoAttribute(parsing: attribute.line) == attribute)
        #expect(try SRTPCryptoAttribute(parsing: attribute.value) == attribute)
        #expect((try? attribute.usableKeyingMaterial()) == (example.usable ? attribute.keyingMaterial : nil))
    }

    struct Invalid: Sendable, CustomTestStringConvertible {
        let input: String
        let error: SRTPCryptoAttributeError
        var testDescription: String { input }
    }

    static let k = rfcKey
    static let invalid: [Invalid] = [
        .init(input: "a=rtpmap:0 PCMU/8000", error: .notCryptoAttribute),
        .init(input: "a=crypto:", error: .missingField(.tag)),
        .init(input: "   ", error: .missingField(.tag)),
        .init(input: "a=crypto:1", error: .missingField(.suite)),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80", error: .missingField(.keyParameters)),
        .init(input: "a=crypto:0 AES_CM_128_HMAC_SHA1_80 inline:\(k)", error: .badTag("0")),
        .init(input: "a=crypto:1234567890 AES_CM_128_HMAC_SHA1_80 inline:\(k)", error: .badTag("1234567890")),
        .init(input: "a=crypto:-1 AES_CM_128_HMAC_SHA1_80 inline:\(k)", error: .badTag("-1")),
        .init(input: "a=crypto:x AES_CM_128_HMAC_SHA1_80 inline:\(k)", error: .badTag("x")),
        .init(input: "a=crypto:1 AES_256_CM_HMAC_SHA1_80 inline:\(k)", error: .unknownSuite("AES_256_CM_HMAC_SHA1_80")),
        .init(input: "a=crypto:1 F8_128_HMAC_SHA1_80 inline:\(k)", error: .unknownSuite("F8_128_HMAC_SHA1_80")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 \(k)", error: .missingInline),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline", error: .missingInline),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 uri:https://keys.example/1", error: .unsupportedKeyMethod("uri")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|2^20|1:4;inline:\(k)|2^20|2:4", error: .multipleKeys),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k.dropLast())!", error: .badBase64),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)=", error: .badBase64),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:", error: .wrongKeyLength(.aesCM128HMACSHA1_80, expected: 30, actual: 0)),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(gcm128Key)",
              error: .wrongKeyLength(.aesCM128HMACSHA1_80, expected: 30, actual: 28)),
        .init(input: "a=crypto:1 AEAD_AES_128_GCM inline:\(k)", error: .wrongKeyLength(.aeadAES128GCM, expected: 28, actual: 30)),
        .init(input: "a=crypto:1 AEAD_AES_256_GCM inline:\(gcm128Key)", error: .wrongKeyLength(.aeadAES256GCM, expected: 44, actual: 28)),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|2^49", error: .badLifetime("2^49")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|2^", error: .badLifetime("2^")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|0", error: .badLifetime("0")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|281474976710657", error: .badLifetime("281474976710657")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|", error: .badLifetime("")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|1:0", error: .badMKI("1:0")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|1:129", error: .badMKI("1:129")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|256:1", error: .badMKI("256:1")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|1:2:3", error: .badMKI("1:2:3")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|:4", error: .badMKI(":4")),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|1:4|2^20", error: .badKeyInfo),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|2^20|2^20", error: .badKeyInfo),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k)|2^20|1:4|x", error: .badKeyInfo),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\(k) WSH=é", error: .invalidCharacter),
        .init(input: "a=crypto:1 AES_CM_128_HMAC_SHA1_80\u{0} inline:\(k)", error: .invalidCharacter),
    ]

    @Test(arguments: invalid)
    func refusesWithTheRightReason(_ example: Invalid) {
        #expect(throws: example.error) { try SRTPCryptoAttribute(parsing: example.input) }
    }

    @Test func errorMessagesAreReadableAndNeverEchoTheKey() {
        for example in Self.invalid {
            let text = example.error.description
            #expect(!text.isEmpty && !text.contains(Self.k.prefix(12)), "\(text)")
        }
        #expect(SRTPCryptoAttributeError.unknownSuite("X").description == "unknown or unsupported crypto suite 'X'")
        let long = String(repeating: "A", count: 500)
        #expect(throws: SRTPCryptoAttributeError.unknownSuite(String(repeating: "A", count: 40))) {
            try SRTPCryptoAttribute(parsing: "a=crypto:1 \(long) inline:\(Self.k)")
        }
    }

    @Test func memberwiseInitValidates() throws {
        let key = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80)
        #expect(throws: SRTPCryptoAttributeError.badTag("0")) { try SRTPCryptoAttribute(tag: 0, keyingMaterial: key) }
        #expect(throws: SRTPCryptoAttributeError.badTag("1000000000")) { try SRTPCryptoAttribute(tag: 1_000_000_000, keyingMaterial: key) }
        #expect(throws: SRTPCryptoAttributeError.badLifetime("0")) { try SRTPCryptoAttribute(tag: 1, keyingMaterial: key, lifetime: 0) }
        #expect(throws: SRTPCryptoAttributeError.badSessionParameter("A B")) {
            try SRTPCryptoAttribute(tag: 1, keyingMaterial: key, sessionParameters: ["A B"])
        }
        #expect(throws: SRTPCryptoAttributeError.badMKI("256:1")) { try SRTPCryptoAttribute.MKI(value: 256, length: 1) }
        #expect(throws: Never.self) { try SRTPCryptoAttribute.MKI(value: .max, length: 8) }
    }

    /// What an offerer writes, an answerer reads back bit for bit, for every suite.
    @Test(arguments: SRTPSuite.allCases)
    func generatedKeysSurviveTheSDPRoundTrip(suite: SRTPSuite) throws {
        for tag in 1...200 {
            let key = try SRTPKeyingMaterial.generate(suite: suite)
            let offered = try SRTPCryptoAttribute(tag: tag, keyingMaterial: key)
            let answered = try SRTPCryptoAttribute(parsing: offered.line)
            #expect(try answered.usableKeyingMaterial() == key)
        }
    }
}
