import SRTP
import Testing

@Suite("Base64")
struct Base64Tests {
    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"),
        ("foob", "Zm9vYg=="), ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(encoded) == Array(plain.utf8))
            // Unpadded input is accepted too (SDES peers omit padding).
            #expect(Base64.decode(encoded.filter { $0 != "=" }) == Array(plain.utf8))
        }
    }

    @Test func everyByteValueAndLengthRoundTrips() {
        var generator = SeededGenerator(seed: 4648)
        for length in 0...300 {
            let data = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let text = Base64.encode(data)
            #expect(text.utf8.count == (length + 2) / 3 * 4)
            #expect(firstMismatch(Base64.decode(text) ?? [0xFF], data) == nil, "length \(length)")
        }
        let all = (0...255).map { UInt8($0) }
        #expect(Base64.decode(Base64.encode(all)) == all)
        #expect(Base64.encode([0xFB, 0xFF, 0xBF]) == "+/+/")
    }

    @Test(arguments: ["Z", "Zg=", "Zg===", "Zm9v=", "=Zg=", "Zm 9v", "Zm9v\n", "Zg==Zg==", "Zh==", "Zm9=", "Zm-v", "Zm_v", "é", "===="])
    func rejectsMalformedText(_ text: String) {
        #expect(Base64.decode(text) == nil)
    }
}
