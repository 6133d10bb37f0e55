/// An SRTP crypto suite, named as SDES (RFC 4568 §6.2, RFC 7714 §12) names it. The lengths
/// here are what the wire and the SDP key parameter carry; our AES-CM transform
/// (`SRTPTransform`) uses them, and libsrtp2 is told the same through its crypto policies in
/// `LibSRTP`.
public enum SRTPSuite: String, CaseIterable, Sendable, CustomStringConvertible {
    /// AES-128 counter mode, HMAC-SHA1 with an 80-bit tag (RFC 4568 §6.2.1, RFC 3711 default).
    case aesCM128HMACSHA1_80 = "AES_CM_128_HMAC_SHA1_80"
    /// As above with a 32-bit SRTP tag; SRTCP keeps the 80-bit tag (RFC 4568 §6.2.1,
    /// RFC 3711 §5.2: the short tag is for RTP only).
    case aesCM128HMACSHA1_32 = "AES_CM_128_HMAC_SHA1_32"
    /// AES-128 GCM with a 16-octet tag (RFC 7714 §14.2).
    case aeadAES128GCM = "AEAD_AES_128_GCM"
    /// AES-256 GCM with a 16-octet tag (RFC 7714 §14.2).
    case aeadAES256GCM = "AEAD_AES_256_GCM"

    /// The SDES crypto-suite token.
    public var name: String { rawValue }

    public var description: String { rawValue }

    /// Parses an SDES suite token. ABNF literals are case-insensitive (RFC 5234 §2.3), so
    /// "aes_cm_128_hmac_sha1_80" is accepted too.
    public init?(name: some StringProtocol) {
        self.init(rawValue: String(decoding: name.utf8.map { $0 >= 0x61 && $0 <= 0x7A ? $0 - 0x20 : $0 }, as: UTF8.self))
    }

    public var masterKeyLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32, .aeadAES128GCM: return 16
        case .aeadAES256GCM: return 32
        }
    }

    /// 112-bit salt for AES-CM (RFC 3711 §8.2), 96-bit for GCM (RFC 7714 §8.1).
    public var masterSaltLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: return 14
        case .aeadAES128GCM, .aeadAES256GCM: return 12
        }
    }

    /// Bytes of the SDES `inline:` key-salt (key then salt, RFC 4568 §6.1).
    public var keyAndSaltLength: Int { masterKeyLength + masterSaltLength }

    /// Bytes `protectRTP` appends: the authentication tag (no MKI is ever used).
    public var rtpTrailerLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80: return 10
        case .aesCM128HMACSHA1_32: return 4
        case .aeadAES128GCM, .aeadAES256GCM: return 16
        }
    }

    /// Bytes `protectRTCP` appends: the 4-byte E flag + SRTCP index (RFC 3711 §3.4) and the
    /// tag, which is 80 bits for both HMAC suites.
    public var rtcpTrailerLength: Int {
        switch self {
        case .aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32: return 4 + 10
        case .aeadAES128GCM, .aeadAES256GCM: return 4 + 16
        }
    }

    /// Whether a session can be created with this suite: always for the AES-CM suites (our own
    /// transform over OpenSSL libcrypto); for GCM, whether the libsrtp2 this process linked has
    /// a crypto backend (OpenSSL, NSS, mbedTLS) for it, probed once.
    public var isSupported: Bool { SRTPTransform.handles(self) || LibSRTP.supportedSuites.contains(self) }
}
