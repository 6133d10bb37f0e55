import CSRTP
import Testing

/// The CSRTP module map and shims link and work: a protect/unprotect round trip through
/// libsrtp2 with the AES_CM_128_HMAC_SHA1_80 policy set by our shim (RFC 3711).
@Suite("CSRTP module")
struct SRTPModuleTests {
    @Test func protectThenUnprotectRestoresThePacket() throws {
        try #require(srtp_init() == srtp_err_status_ok)
        var key = [UInt8](repeating: 0, count: 30)
        for i in 0..<30 { key[i] = UInt8(i * 3 + 1) }

        func makeSession(outbound: Bool) throws -> srtp_t? {
            var policy = srtp_policy_t()
            cb_srtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtp)
            cb_srtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtcp)
            if outbound { cb_srtp_policy_ssrc_any_outbound(&policy) } else { cb_srtp_policy_ssrc_any_inbound(&policy) }
            policy.window_size = 128
            var session: srtp_t?
            let status = key.withUnsafeMutableBufferPointer { k -> srtp_err_status_t in
                policy.key = k.baseAddress
                return srtp_create(&session, &policy)
            }
            try #require(status == srtp_err_status_ok)
            return session
        }
        let sender = try makeSession(outbound: true)
        let receiver = try makeSession(outbound: false)
        defer { srtp_dealloc(sender); srtp_dealloc(receiver) }

        // RTP header: V=2, PT 96, seq 1, ts 1000, SSRC 0x11223344, 40-byte payload.
        let original: [UInt8] = [0x80, 96, 0, 1, 0, 0, 0x03, 0xE8, 0x11, 0x22, 0x33, 0x44] + (0..<40).map { UInt8($0) }
        var packet = original + [UInt8](repeating: 0, count: 16)   // room for the auth tag (SRTP_MAX_TRAILER_LEN)
        var length = Int32(original.count)
        #expect(srtp_protect(sender, &packet, &length) == srtp_err_status_ok)
        #expect(length == Int32(original.count + 10), "80-bit tag appended")
        #expect(Array(packet[12..<52]) != Array(original[12..<52]), "payload encrypted")
        var tampered = packet
        tampered[20] ^= 1
        var tamperedLength = length
        #expect(srtp_unprotect(receiver, &tampered, &tamperedLength) == srtp_err_status_auth_fail)
        #expect(srtp_unprotect(receiver, &packet, &length) == srtp_err_status_ok)
        #expect(Array(packet[0..<Int(length)]) == original)
    }
}
