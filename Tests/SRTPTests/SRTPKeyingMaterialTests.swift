import SRTP
import Testing

@Suite("SRTPKeyingMaterial")
struct SRTPKeyingMaterialTests {
    @Test(arguments: SRTPSuite.allCases)
    func generatedKeysHaveTheSuiteLengthsAndDiffer(suite: SRTPSuite) throws {
        let a = try SRTPKeyingMaterial.generate(suite: suite)
        let b = try SRTPKeyingMaterial.generate(suite: suite)
        #expect(a.masterKey.count == suite.masterKeyLength && a.masterSalt.count == suite.masterSaltLength)
        #expect(a.keyAndSalt.count == [30, 30, 28, 44][SRTPSuite.allCases.firstIndex(of: suite)!])
        #expect(a != b, "two draws from the CSPRNG collide only with probability 2^-224 or less")
    }

    @Test func wrongLengthsAreRefused() {
        #expect(throws: SRTPError.wrongKeyLength(.aesCM128HMACSHA1_80, expected: 16, actual: 15)) {
            try SRTPKeyingMaterial(suite: .aesCM128HMACSHA1_80, masterKey: .init(repeating: 1, count: 15), masterSalt: .init(repeating: 1, count: 14))
        }
        #expect(throws: SRTPError.wrongSaltLength(.aeadAES128GCM, expected: 12, actual: 14)) {
            try SRTPKeyingMaterial(suite: .aeadAES128GCM, masterKey: .init(repeating: 1, count: 16), masterSalt: .init(repeating: 1, count: 14))
        }
        #expect(throws: SRTPError.wrongKeyLength(.aeadAES256GCM, expected: 44, actual: 30)) {
            try SRTPKeyingMaterial(suite: .aeadAES256GCM, keyAndSalt: .init(repeating: 1, count: 30))
        }
    }

    @Test func descriptionsNeverShowTheKey() throws {
        let key = try SRTPKeyingMaterial(suite: .aesCM128HMACSHA1_80, keyAndSalt: .init(repeating: 0xAB, count: 30))
        for text in [String(describing: key), String(reflecting: key), "\(key)"] {
            #expect(!text.contains("171") && !text.contains("q6ur"), "\(text)")
        }
        var dumped = ""
        dump(key, to: &dumped)
        #expect(!dumped.contains("171"))
    }

    @Test func suiteNamesParseCaseInsensitively() {
        #expect(SRTPSuite(name: "aes_cm_128_hmac_sha1_32") == .aesCM128HMACSHA1_32)
        #expect(SRTPSuite(name: "AEAD_AES_256_GCM") == .aeadAES256GCM)
        #expect(SRTPSuite(name: "AES_256_CM_HMAC_SHA1_80") == nil)
    }
}
