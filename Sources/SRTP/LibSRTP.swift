import CSRTP

/// The C side of SRTP in one place: one-time library setup, policies per suite, status names.
/// Nothing here is public; `SRTPSession` owns the contexts made here.
enum LibSRTP {
    /// `srtp_init()` registers libsrtp2's cipher and auth types and must run once before the
    /// first `srtp_create`. A static let is initialised exactly once, thread-safely
    /// (swift_once), by whichever thread gets here first. If other code in the process
    /// already called it, libsrtp2 re-runs its self-tests and then answers `bad_param` for
    /// the debug module it cannot register twice: the library is ready, so that counts as ok.
    /// (Nothing else may call `srtp_init` concurrently with this: libsrtp2's init is unlocked.)
    static let initStatus: Int32 = {
        let status = srtp_init()
        return status == srtp_err_status_bad_param ? 0 : Int32(bitPattern: status.rawValue)
    }()

    /// Suites this libsrtp2 can really create a context for, found by trying each once with a
    /// throwaway key. GCM is only present when libsrtp2 was built with a crypto backend, and a
    /// missing cipher shows up only at `srtp_create` time, so asking is the honest check.
    static let supportedSuites: Set<SRTPSuite> = Set(SRTPSuite.allCases.filter { suite in
        let probeKey = [UInt8](repeating: 0x5A, count: suite.keyAndSaltLength)
        guard case .success(let context) = createContext(suite: suite, keyAndSalt: probeKey, outbound: true) else {
            return false
        }
        srtp_dealloc(context)
        return true
    })

    /// Fills both crypto policies for `suite`. For the 32-bit HMAC suite SRTCP keeps the 80-bit
    /// tag (RFC 4568 §6.2.1 and RFC 3711 §5.2; libsrtp and every peer do the same).
    static func setCryptoPolicies(_ policy: inout srtp_policy_t, suite: SRTPSuite) {
        switch suite {
        case .aesCM128HMACSHA1_80:
            cb_srtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtp)
            cb_srtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtcp)
        case .aesCM128HMACSHA1_32:
            cb_srtp_policy_aes_cm_128_hmac_sha1_32(&policy.rtp)
            cb_srtp_policy_aes_cm_128_hmac_sha1_80(&policy.rtcp)
        case .aeadAES128GCM:
            cb_srtp_policy_aes_gcm_128_16_auth(&policy.rtp)
            cb_srtp_policy_aes_gcm_128_16_auth(&policy.rtcp)
        case .aeadAES256GCM:
            cb_srtp_policy_aes_gcm_256_16_auth(&policy.rtp)
            cb_srtp_policy_aes_gcm_256_16_auth(&policy.rtcp)
        }
    }

    /// Replay window in packets (RFC 3711 §3.3.2 asks for at least 64). 1024 covers ~1 s of
    /// 1 Mb/s-class video reordered by a jitter-prone path and is what browsers use.
    static let replayWindow = 1024

    /// Makes one libsrtp2 context with a wildcard SSRC policy. libsrtp2 derives the session
    /// keys inside `srtp_create` and keeps no pointer to `keyAndSalt`.
    static func createContext(suite: SRTPSuite, keyAndSalt: [UInt8], outbound: Bool) -> Result<OpaquePointer, SRTPError> {
        guard initStatus == 0 else {
            return .failure(.library(status: initStatus, operation: "srtp_init"))
        }
        precondition(keyAndSalt.count == suite.keyAndSaltLength)
        var policy = srtp_policy_t()
        setCryptoPolicies(&policy, suite: suite)
        if outbound { cb_srtp_policy_ssrc_any_outbound(&policy) } else { cb_srtp_policy_ssrc_any_inbound(&policy) }
        policy.window_size = UInt(replayWindow)
        // Retransmission of an already-sent index is allowed on the sending side: a NACK
        // answer (RFC 4585) without RTX resends the same packet under the same sequence
        // number, and identical bytes at an identical index give identical ciphertext, so
        // nothing leaks. The rule callers keep: one index, one payload. RTX (RFC 4588) uses
        // its own SSRC and sequence space and never needs this. Receivers still reject repeats.
        policy.allow_repeat_tx = outbound ? 1 : 0
        policy.next = nil

        var key = keyAndSalt
        defer { for i in key.indices { key[i] = 0 } }
        var context: OpaquePointer?
        let status = key.withUnsafeMutableBufferPointer { keyBuffer -> srtp_err_status_t in
            policy.key = keyBuffer.baseAddress
            return srtp_create(&context, &policy)
        }
        guard status == srtp_err_status_ok, let context else {
            return .failure(.library(status: Int32(bitPattern: status.rawValue), operation: "srtp_create"))
        }
        return .success(context)
    }

    static func statusName(_ status: Int32) -> String {
        switch status {
        case 0: return "ok"
        case 1: return "unspecified failure"
        case 2: return "unsupported parameter"
        case 3: return "allocation failed"
        case 5: return "initialisation failed"
        case 7: return "authentication failed"
        case 8: return "cipher failed"
        case 9: return "replayed packet"
        case 10: return "packet too old for the replay window"
        case 11: return "algorithm self-test failed"
        case 12: return "unsupported operation"
        case 13: return "no context for this SSRC"
        case 15: return "key expired"
        case 21: return "parse error"
        case 25: return "bad MKI"
        default: return "error"
        }
    }
}
