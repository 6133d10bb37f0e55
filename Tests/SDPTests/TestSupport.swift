import SDP
import SRTP

/// An SDP body from lines, CRLF-terminated (as peers send it).
func sdp(_ lines: String...) -> String { sdp(lines) }

func sdp(_ lines: [String]) -> String {
    lines.map { $0 + "\r\n" }.joined()
}

/// Keys for tests: `0x11...` for us (so answers are reproducible), known base64 for peers.
enum TestKeys {
    /// RFC 4568 §9.1's example key (30 bytes, AES_CM suites).
    static let peerAES = "PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"
    static let peerAES2 = "NzB4d1BINUAvLEw6UzF3WSJ+PSdFcGdUJShpX1Zj"
    static let peerGCM128 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHA=="
    static let peerGCM256 = "AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyAhIiMkJSYnKCkqKyw="

    static func ours(_ suite: SRTPSuite, fill: UInt8 = 0x11) -> SRTPKeyingMaterial {
        try! SRTPKeyingMaterial(suite: suite, keyAndSalt: [UInt8](repeating: fill, count: suite.keyAndSaltLength))
    }

    static func material(_ suite: SRTPSuite, base64: String) -> SRTPKeyingMaterial {
        try! SRTPKeyingMaterial(suite: suite, keyAndSalt: Base64.decode(base64)!)
    }

    /// The base64 of `ours(suite)`, as it appears in our descriptions.
    static func oursBase64(_ suite: SRTPSuite, fill: UInt8 = 0x11) -> String {
        Base64.encode(ours(suite, fill: fill).keyAndSalt)
    }
}

extension SDPLocalCapabilities {
    /// The bridge at 203.0.113.10 with audio on 40000, video on 40002 and fixed keys.
    static func bridge(encryption: SDPEncryptionPolicy = .optional, audioPort: UInt16? = 40_000,
                       videoPort: UInt16? = 40_002) -> SDPLocalCapabilities {
        var local = SDPLocalCapabilities(address: "203.0.113.10", audioPort: audioPort, videoPort: videoPort)
        local.encryption = encryption
        local.keyGenerator = { suite throws(SRTPError) in TestKeys.ours(suite) }
        return local
    }
}

enum TestOrigins {
    static let bridge = SDPOrigin(username: "callbridge", sessionID: "4242", sessionVersion: 1, address: "203.0.113.10")
}

extension SessionDescription {
    /// The a= lines of media section `index` as text, for compact expectations.
    func attributeLines(_ index: Int) -> [String] { media[index].attributes.map(\.text) }
}
