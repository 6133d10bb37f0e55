import COpenSSL
import MediaCore

/// Our RFC 3711 SRTP/SRTCP for AES_CM_128_HMAC_SHA1_80 and _32, in place and allocation-free
/// per packet: the cipher and HMAC contexts, IV scratch and per-SSRC state are all made before
/// the first packet of a stream. A C allocation happens once per new SSRC (its replay bitmaps
/// and dictionary slot), after authentication on the inbound side, so forged SSRCs cost nothing.
///
/// Behaviour matches the libsrtp2 contexts it replaces (`LibSRTP.createContext`): one wildcard
/// context for any number of SSRCs, a 1024-packet SRTP and 128-packet SRTCP replay window,
/// outbound allowed to re-protect an index it already sent (NACK answers) but not one older
/// than the window, SRTCP always encrypted with an 80-bit tag for both suites (RFC 4568 §6.2.1).
///
/// Owned by one `SRTPSession`; same thread rule (one media worker, no locks).
final class SRTPTransform {
    /// One SSRC's crypto context state (§3.2.1, §3.2.3).
    final class Stream {
        /// SRTP index state and replay list (ROC and s_l live in the window's `highest`).
        var rtp: SRTPReplayWindow
        /// SRTCP index replay list inbound; `highest` is the last index sent outbound.
        var rtcp: SRTPReplayWindow

        init() {
            rtp = SRTPReplayWindow(size: LibSRTP.replayWindow)
            rtcp = SRTPReplayWindow(size: SRTPTransform.rtcpReplayWindow)
        }
    }

    static func handles(_ suite: SRTPSuite) -> Bool {
        suite == .aesCM128HMACSHA1_80 || suite == .aesCM128HMACSHA1_32
    }

    /// libsrtp2's fixed SRTCP window, kept so the backend change is invisible to peers.
    static let rtcpReplayWindow = 128
    /// 2^31 - 1: the SRTCP index is 31 bits and must not wrap under one key (§3.3.1, §9.2).
    static let maximumSRTCPIndex: UInt64 = 0x7FFF_FFFF

    let rtpTagLength: Int
    let rtcpTagLength = 10

    private let rtpCipher: AESCounterMode
    private let rtcpCipher: AESCounterMode
    private let rtpAuth: HMACSHA1
    private let rtcpAuth: HMACSHA1
    /// [0..<16] RTP session salt * 2^16, [16..<32] the SRTCP one, [32..<48] the IV being built.
    private let ivBlocks: UnsafeMutablePointer<UInt8>

    private var streams: [UInt32: Stream] = [:]
    /// Most packets in a row share an SSRC; skips hashing for them.
    private var lastStream: Stream?
    private var lastSSRC: UInt32 = 0

    /// Direction is not needed here: which of protect/unprotect is called decides (SRTPSession
    /// enforces one direction per session).
    init(keyingMaterial: SRTPKeyingMaterial) throws(SRTPError) {
        precondition(Self.handles(keyingMaterial.suite))
        var keys = try SRTPSessionKeys(masterKey: keyingMaterial.masterKey, masterSalt: keyingMaterial.masterSalt)
        defer { keys.wipe() }
        rtpTagLength = keyingMaterial.suite.rtpTrailerLength
        rtpCipher = try AESCounterMode(key: keys.rtpEncryption)
        rtcpCipher = try AESCounterMode(key: keys.rtcpEncryption)
        rtpAuth = HMACSHA1(key: keys.rtpAuthentication)
        rtcpAuth = HMACSHA1(key: keys.rtcpAuthentication)
        ivBlocks = .allocate(capacity: 48)
        ivBlocks.initialize(repeating: 0, count: 48)
        for i in 0..<14 {
            ivBlocks[i] = keys.rtpSalt[i]
            ivBlocks[16 + i] = keys.rtcpSalt[i]
        }
    }

    deinit {
        OPENSSL_cleanse(ivBlocks, 48)
        ivBlocks.deallocate()
    }

    // MARK: - SRTP (§3.1, §3.3)

    /// Returns the SRTP length, or nil for a malformed header or an index older than the window.
    /// The caller has checked there is room for the tag.
    func protectRTP(_ base: UnsafeMutableRawPointer, length: Int) -> Int? {
        guard let headerLength = Self.rtpHeaderLength(base, length: length) else { return nil }
        let ssrc = Self.load32(base + 8), sequence = Self.load16(base + 2)
        let stream = self.stream(ssrc, create: true)!
        let index = stream.rtp.isEmpty ? UInt64(sequence) : SRTPReplayWindow.estimateIndex(sequence: sequence, highest: stream.rtp.highest)
        // Re-sending an index already sent is allowed (same bytes, same keystream); one older
        // than the window is refused, as libsrtp2 with allow_repeat_tx does.
        guard stream.rtp.check(index) != .tooOld else { return nil }

        let payload = base.assumingMemoryBound(to: UInt8.self) + headerLength
        guard rtpCipher.apply(iv: makeIV(salt: 0, ssrc: ssrc, index: index), to: payload, count: length - headerLength) else { return nil }
        stream.rtp.accept(index)
        // §4.2: the tag covers header and encrypted payload followed by the 32-bit ROC.
        let tag = rtpAuth.authenticate(base, count: length, suffix: UInt32(truncatingIfNeeded: index >> 16))
        (base + length).copyMemory(from: tag, byteCount: rtpTagLength)
        return length + rtpTagLength
    }

    func unprotectRTP(_ base: UnsafeMutableRawPointer, length: Int) -> SRTPUnprotectResult {
        let authenticatedLength = length - rtpTagLength
        guard authenticatedLength >= 12, let headerLength = Self.rtpHeaderLength(base, length: authenticatedLength) else {
            return .dropped(.srtpOtherError)
        }
        let ssrc = Self.load32(base + 8), sequence = Self.load16(base + 2)
        let known = stream(ssrc, create: false)
        // A stream's first packet starts at ROC 0 (§3.3.1 leaves the initial ROC to signalling; SDES says 0).
        var index = UInt64(sequence)
        if let known, !known.rtp.isEmpty {
            index = SRTPReplayWindow.estimateIndex(sequence: sequence, highest: known.rtp.highest)
            // §3.3.2: replay check before authentication; a failed packet never moves the window.
            guard known.rtp.check(index) == .fresh else { return .dropped(.srtpReplay) }
        }
        let tag = rtpAuth.authenticate(base, count: authenticatedLength, suffix: UInt32(truncatingIfNeeded: index >> 16))
        guard CRYPTO_memcmp(tag, base + authenticatedLength, rtpTagLength) == 0 else {
            return .dropped(.srtpAuthenticationFailed)
        }
        let payload = base.assumingMemoryBound(to: UInt8.self) + headerLength
        guard rtpCipher.apply(iv: makeIV(salt: 0, ssrc: ssrc, index: index), to: payload, count: authenticatedLength - headerLength) else {
            return .dropped(.srtpOtherError)
        }
        (known ?? stream(ssrc, create: true)!).rtp.accept(index)
        return .ok(length: authenticatedLength)
    }

    // MARK: - SRTCP (§3.4)

    /// Encrypts after the first 8 bytes, appends E = 1 and the 31-bit SRTCP index, then the
    /// 80-bit tag over all of it. Nil when shorter than an RTCP header or the index is spent.
    func protectRTCP(_ base: UnsafeMutableRawPointer, length: Int) -> Int? {
        guard length >= 8 else { return nil }
        let ssrc = Self.load32(base + 4)
        let stream = self.stream(ssrc, create: true)!
        let index = stream.rtcp.isEmpty ? 1 : stream.rtcp.highest + 1   // counts from 1, as libsrtp2
        guard index <= Self.maximumSRTCPIndex else { return nil }

        let encrypted = base.assumingMemoryBound(to: UInt8.self) + 8
        guard rtcpCipher.apply(iv: makeIV(salt: 16, ssrc: ssrc, index: index), to: encrypted, count: length - 8) else { return nil }
        stream.rtcp.accept(index)
        Self.store32(0x8000_0000 | UInt32(index), base + length)
        let tag = rtcpAuth.authenticate(base, count: length + 4, suffix: nil)
        (base + length + 4).copyMemory(from: tag, byteCount: rtcpTagLength)
        return length + 4 + rtcpTagLength
    }

    func unprotectRTCP(_ base: UnsafeMutableRawPointer, length: Int) -> SRTPUnprotectResult {
        let authenticatedLength = length - rtcpTagLength
        let plainLength = authenticatedLength - 4
        guard plainLength >= 8 else { return .dropped(.srtpOtherError) }
        let ssrc = Self.load32(base + 4)
        let trailer = Self.load32(base + plainLength)
        let index = UInt64(trailer & 0x7FFF_FFFF)
        let known = stream(ssrc, create: false)
        if let known { guard known.rtcp.check(index) == .fresh else { return .dropped(.srtpReplay) } }
        // The E flag and index are authenticated too (§3.4), so they cannot be altered.
        let tag = rtcpAuth.authenticate(base, count: authenticatedLength, suffix: nil)
        guard CRYPTO_memcmp(tag, base + authenticatedLength, rtcpTagLength) == 0 else {
            return .dropped(.srtpAuthenticationFailed)
        }
        // E = 0: the sender chose not to encrypt (allowed by §3.4); authenticated all the same.
        if trailer & 0x8000_0000 != 0 {
            let encrypted = base.assumingMemoryBound(to: UInt8.self) + 8
            guard rtcpCipher.apply(iv: makeIV(salt: 16, ssrc: ssrc, index: index), to: encrypted, count: plainLength - 8) else {
                return .dropped(.srtpOtherError)
            }
        }
        (known ?? stream(ssrc, create: true)!).rtcp.accept(index)
        return .ok(length: plainLength)
    }

    // MARK: - Helpers

    /// The IV for one packet, built in `ivBlocks`. `salt` is the offset of the salt block there.
    private func makeIV(salt: Int, ssrc: UInt32, index: UInt64) -> UnsafePointer<UInt8> {
        Self.writeIV(ivBlocks + 32, saltBlock: ivBlocks + salt, ssrc: ssrc, index: index)
        return UnsafePointer(ivBlocks + 32)
    }

    /// §4.1.1: IV = (k_s * 2^16) XOR (SSRC * 2^64) XOR (i * 2^16), with i the 48-bit SRTP index
    /// or the 31-bit SRTCP index; `saltBlock` is the 16-byte k_s * 2^16.
    static func writeIV(_ iv: UnsafeMutablePointer<UInt8>, saltBlock: UnsafePointer<UInt8>, ssrc: UInt32, index: UInt64) {
        iv.update(from: saltBlock, count: 16)
        iv[4] ^= UInt8(truncatingIfNeeded: ssrc >> 24)
        iv[5] ^= UInt8(truncatingIfNeeded: ssrc >> 16)
        iv[6] ^= UInt8(truncatingIfNeeded: ssrc >> 8)
        iv[7] ^= UInt8(truncatingIfNeeded: ssrc)
        iv[8] ^= UInt8(truncatingIfNeeded: index >> 40)
        iv[9] ^= UInt8(truncatingIfNeeded: index >> 32)
        iv[10] ^= UInt8(truncatingIfNeeded: index >> 24)
        iv[11] ^= UInt8(truncatingIfNeeded: index >> 16)
        iv[12] ^= UInt8(truncatingIfNeeded: index >> 8)
        iv[13] ^= UInt8(truncatingIfNeeded: index)
    }

    private func stream(_ ssrc: UInt32, create: Bool) -> Stream? {
        if let lastStream, lastSSRC == ssrc { return lastStream }
        var found = streams[ssrc]
        if found == nil, create {
            found = Stream()
            streams[ssrc] = found
        }
        if let found {
            lastStream = found
            lastSSRC = ssrc
        }
        return found
    }

    /// RTP header length with CSRCs and header extension (RFC 3550 §5.1, §5.3.1), nil if it
    /// does not fit in `length`. The payload (padding included) is what SRTP encrypts.
    private static func rtpHeaderLength(_ base: UnsafeMutableRawPointer, length: Int) -> Int? {
        guard length >= 12 else { return nil }
        let first = base.load(as: UInt8.self)
        var headerLength = 12 + 4 * Int(first & 0x0F)
        if first & 0x10 != 0 {
            guard headerLength + 4 <= length else { return nil }
            headerLength += 4 + 4 * Int(load16(base + headerLength + 2))
        }
        return headerLength <= length ? headerLength : nil
    }

    private static func load16(_ p: UnsafeMutableRawPointer) -> UInt16 {
        UInt16(p.load(as: UInt8.self)) << 8 | UInt16(p.load(fromByteOffset: 1, as: UInt8.self))
    }

    private static func load32(_ p: UnsafeMutableRawPointer) -> UInt32 {
        UInt32(bigEndian: p.loadUnaligned(as: UInt32.self))
    }

    private static func store32(_ value: UInt32, _ p: UnsafeMutableRawPointer) {
        p.storeBytes(of: value.bigEndian, as: UInt32.self)
    }
}

/// Not Sendable: see `SRTPSession`'s thread rule.
@available(*, unavailable)
extension SRTPTransform: Sendable {}
