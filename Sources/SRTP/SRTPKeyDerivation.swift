import COpenSSL

/// RFC 3711 §4.3 key derivation for the AES-CM suites, with key_derivation_rate 0 (the only
/// rate SDES offers by default and all peers use): r = 0, so keys are derived once per master key.
enum SRTPKeyDerivation {
    /// §4.3.2 labels.
    enum Label: UInt8 {
        case rtpEncryption = 0, rtpAuthentication, rtpSalt, rtcpEncryption, rtcpAuthentication, rtcpSalt
    }

    /// The AES-CM PRF (§4.3.3): the first `length` bytes of the AES-CM keystream under the
    /// master key, with IV = (master_salt XOR (label || r)) * 2^16. key_id = label || r is 56
    /// bits right-aligned in the 112-bit salt; with r = 0 only salt byte 7 changes.
    static func derive(_ label: Label, masterKey: [UInt8], masterSalt: [UInt8], length: Int) throws(SRTPError) -> [UInt8] {
        precondition(masterSalt.count == 14)
        var iv = masterSalt + [0, 0]
        iv[7] ^= label.rawValue
        var output = [UInt8](repeating: 0, count: length)
        let cipher = try AESCounterMode(key: masterKey)
        let ok = iv.withUnsafeBufferPointer { iv in
            output.withUnsafeMutableBufferPointer { cipher.apply(iv: iv.baseAddress!, to: $0.baseAddress!, count: length) }
        }
        guard ok else { throw .openSSL(operation: "EVP_EncryptUpdate") }
        return output
    }
}

/// The six session keys of one SRTP crypto context (§4.3.1): 128-bit encryption keys, 160-bit
/// authentication keys, 112-bit salts.
struct SRTPSessionKeys {
    var rtpEncryption: [UInt8]
    var rtpAuthentication: [UInt8]
    var rtpSalt: [UInt8]
    var rtcpEncryption: [UInt8]
    var rtcpAuthentication: [UInt8]
    var rtcpSalt: [UInt8]

    init(masterKey: [UInt8], masterSalt: [UInt8]) throws(SRTPError) {
        func derive(_ label: SRTPKeyDerivation.Label, _ length: Int) throws(SRTPError) -> [UInt8] {
            try SRTPKeyDerivation.derive(label, masterKey: masterKey, masterSalt: masterSalt, length: length)
        }
        rtpEncryption = try derive(.rtpEncryption, 16)
        rtpAuthentication = try derive(.rtpAuthentication, 20)
        rtpSalt = try derive(.rtpSalt, 14)
        rtcpEncryption = try derive(.rtcpEncryption, 16)
        rtcpAuthentication = try derive(.rtcpAuthentication, 20)
        rtcpSalt = try derive(.rtcpSalt, 14)
    }

    /// Best effort: these arrays are the only copies we made (OpenSSL keeps its own).
    mutating func wipe() {
        for i in rtpEncryption.indices { rtpEncryption[i] = 0 }
        for i in rtpAuthentication.indices { rtpAuthentication[i] = 0 }
        for i in rtpSalt.indices { rtpSalt[i] = 0 }
        for i in rtcpEncryption.indices { rtcpEncryption[i] = 0 }
        for i in rtcpAuthentication.indices { rtcpAuthentication[i] = 0 }
        for i in rtcpSalt.indices { rtcpSalt[i] = 0 }
    }
}
