import COpenSSL

/// AES-128 in counter mode (RFC 3711 §4.1.1) over one OpenSSL `EVP_CIPHER_CTX`, keyed once.
/// Per packet only the IV changes: `EVP_EncryptInit_ex` with a NULL cipher and key keeps the
/// provider context and key schedule and just loads the IV (and resets the block offset), so a
/// packet costs no allocation. OpenSSL's CTR increments all 128 bits big-endian; SRTP's counter
/// is the low 16 bits, which never carry for packets under 2^16 blocks (1 MiB).
final class AESCounterMode {
    private let context: OpaquePointer

    init(key: [UInt8]) throws(SRTPError) {
        precondition(key.count == 16, "AES_CM_128 takes a 128-bit key")
        guard let context = EVP_CIPHER_CTX_new() else { throw .openSSL(operation: "EVP_CIPHER_CTX_new") }
        let zeroIV = [UInt8](repeating: 0, count: 16)
        guard EVP_EncryptInit_ex(context, EVP_aes_128_ctr(), nil, key, zeroIV) == 1 else {
            EVP_CIPHER_CTX_free(context)
            throw .openSSL(operation: "EVP_EncryptInit_ex")
        }
        self.context = context
    }

    deinit { EVP_CIPHER_CTX_free(context) }   // also cleanses the key schedule

    /// XORs the keystream that starts at counter block `iv` (16 bytes) into `data` in place.
    /// Encryption and decryption are the same operation.
    @discardableResult
    func apply(iv: UnsafePointer<UInt8>, to data: UnsafeMutablePointer<UInt8>, count: Int) -> Bool {
        guard EVP_EncryptInit_ex(context, nil, nil, nil, iv) == 1 else { return false }
        guard count > 0 else { return true }
        var written: Int32 = 0
        return EVP_EncryptUpdate(context, data, &written, data, Int32(count)) == 1 && Int(written) == count
    }
}

/// HMAC-SHA1 (RFC 2104) with the key folded in once: the SHA-1 states after the ipad and opad
/// blocks are computed at setup, and each message starts from copies of them. Plain `SHA_CTX`
/// structs, so nothing is allocated per message (see CModules/COpenSSL/shim.h for why not
/// EVP_MAC). Owns one block holding the two precomputed states, a work state and the digest.
final class HMACSHA1 {
    static let digestLength = 20
    private static let blockLength = 64

    /// [0] after ipad, [1] after opad, [2] work.
    private let states: UnsafeMutablePointer<SHA_CTX>
    private let digest: UnsafeMutablePointer<UInt8>

    init(key: [UInt8]) {
        precondition(key.count <= Self.blockLength, "SRTP auth keys are 160 bits")
        states = .allocate(capacity: 3)
        states.initialize(repeating: SHA_CTX(), count: 3)
        digest = .allocate(capacity: Self.digestLength)
        digest.initialize(repeating: 0, count: Self.digestLength)
        var pad = [UInt8](repeating: 0, count: Self.blockLength)
        for (i, byte) in key.enumerated() { pad[i] = byte }
        for i in pad.indices { pad[i] ^= 0x36 }
        SHA1_Init(states)
        SHA1_Update(states, pad, Self.blockLength)
        for i in pad.indices { pad[i] ^= 0x36 ^ 0x5C }
        SHA1_Init(states + 1)
        SHA1_Update(states + 1, pad, Self.blockLength)
        OPENSSL_cleanse(&pad, Self.blockLength)
    }

    deinit {
        OPENSSL_cleanse(states, 3 * MemoryLayout<SHA_CTX>.stride)
        states.deallocate()
        digest.deallocate()
    }

    /// HMAC over `message` followed by `suffix` as 4 big-endian bytes when given (the ROC,
    /// RFC 3711 §4.2). Returns the 20-byte digest, valid until the next call.
    func authenticate(_ message: UnsafeRawPointer, count: Int, suffix: UInt32?) -> UnsafePointer<UInt8> {
        let work = states + 2
        work.update(from: states, count: 1)
        SHA1_Update(work, message, count)
        if let suffix {
            var bigEndian = suffix.bigEndian
            SHA1_Update(work, &bigEndian, 4)
        }
        SHA1_Final(digest, work)
        work.update(from: states + 1, count: 1)
        SHA1_Update(work, digest, Self.digestLength)
        SHA1_Final(digest, work)
        return UnsafePointer(digest)
    }
}
