import CSRTP
import Glibc
import MediaCore
@testable import SRTP
import Testing

/// Our RFC 3711 transform (AES-CM suites): the RFC's test vectors, byte-exact interop with
/// libsrtp2 both ways, replay and tamper handling, and zero allocations per packet.
@Suite("SRTP transform")
struct SRTPTransformTests {
    static let cmSuites: [SRTPSuite] = [.aesCM128HMACSHA1_80, .aesCM128HMACSHA1_32]

    // MARK: - RFC 3711 Appendix B

    /// B.2: the AES-CM keystream for session key 2B7E..., salt F0F1...FD, SSRC 0, index 0.
    @Test func appendixB2KeystreamVectors() {
        let cipher = try! AESCounterMode(key: bytes(hex: "2B7E151628AED2A6ABF7158809CF4F3C"))
        let saltBlock = bytes(hex: "F0F1F2F3F4F5F6F7F8F9FAFBFCFD 0000")
        var iv = [UInt8](repeating: 0xEE, count: 16)
        saltBlock.withUnsafeBufferPointer { salt in
            iv.withUnsafeMutableBufferPointer { SRTPTransform.writeIV($0.baseAddress!, saltBlock: salt.baseAddress!, ssrc: 0, index: 0) }
        }
        #expect(iv == saltBlock, "IV = salt * 2^16 for SSRC 0, index 0")
        // Keystream up to counter FF01: 0xFF02 blocks, enciphering zeros.
        var keystream = [UInt8](repeating: 0, count: 0xFF02 * 16)
        let ok = iv.withUnsafeBufferPointer { iv in
            keystream.withUnsafeMutableBufferPointer { cipher.apply(iv: iv.baseAddress!, to: $0.baseAddress!, count: $0.count) }
        }
        #expect(ok)
        func block(_ counter: Int) -> [UInt8] { Array(keystream[counter * 16 ..< counter * 16 + 16]) }
        #expect(block(0x0000) == bytes(hex: "E03EAD0935C95E80E166B16DD92B4EB4"))
        #expect(block(0x0001) == bytes(hex: "D23513162B02D0F72A43A2FE4A5F97AB"))
        #expect(block(0x0002) == bytes(hex: "41E95B3BB0A2E8DD477901E4FCA894C0"))
        #expect(block(0xFEFF) == bytes(hex: "EC8CDF7398607CB0F2D21675EA9EA1E4"))
        #expect(block(0xFF00) == bytes(hex: "362B7C3C6773516318A077D7FC5073AE"))
        #expect(block(0xFF01) == bytes(hex: "6A2CC3787889374FBEB4C81B17BA6C44"))
    }

    /// B.3: key derivation (labels 0, 1, 2) from master key E1F9... and master salt 0EC6...
    @Test func appendixB3KeyDerivationVectors() throws {
        let masterKey = bytes(hex: "E1F97A0D3E018BE0D64FA32C06DE4139")
        let masterSalt = bytes(hex: "0EC675AD498AFEEBB6960B3AABE6")
        let keys = try SRTPSessionKeys(masterKey: masterKey, masterSalt: masterSalt)
        #expect(keys.rtpEncryption == bytes(hex: "C61E7A93744F39EE10734AFE3FF7A087"))
        #expect(keys.rtpSalt == bytes(hex: "30CBBC08863D8C85D49DB34A9AE1"))
        #expect(keys.rtpAuthentication == bytes(hex: "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA4"))
        // The RFC lists 94 bytes of label-1 output; the first 48 of them.
        #expect(try SRTPKeyDerivation.derive(.rtpAuthentication, masterKey: masterKey, masterSalt: masterSalt, length: 48)
            == bytes(hex: "CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCEE049646C43D9327AD175578EF7227098"))
        // SRTCP labels differ only in the label byte: distinct keys.
        #expect(keys.rtcpEncryption != keys.rtpEncryption && keys.rtcpSalt != keys.rtpSalt)
    }

    // MARK: - Index estimation and replay window (§3.3.1, Appendix A, §3.3.2)

    @Test func indexEstimationFollowsAppendixA() {
        func estimate(_ seq: UInt16, roc: UInt64, sl: UInt64) -> UInt64 {
            SRTPReplayWindow.estimateIndex(sequence: seq, highest: roc << 16 | sl)
        }
        #expect(estimate(101, roc: 3, sl: 100) == 3 << 16 | 101)
        #expect(estimate(5, roc: 3, sl: 65530) == 4 << 16 | 5, "wrap forward: ROC + 1")
        #expect(estimate(65530, roc: 4, sl: 5) == 3 << 16 | 65530, "late packet from before the wrap: ROC - 1")
        #expect(estimate(65000, roc: 0, sl: 100) == 65000, "no ROC - 1 below zero (as libsrtp2)")
        #expect(estimate(40000, roc: 2, sl: 40100) == 2 << 16 | 40000)
    }

    @Test func replayWindowOf64() {
        var window = SRTPReplayWindow(size: 64)
        #expect(window.check(1000) == .fresh)
        window.accept(1000)
        #expect(window.check(1000) == .replayed)
        #expect(window.check(999) == .fresh)
        #expect(window.check(937) == .fresh, "63 behind: inside")
        #expect(window.check(936) == .tooOld, "64 behind: outside")
        window.accept(990)
        #expect(window.check(990) == .replayed)
        window.accept(1010)   // skips 1001...1009: their reused ring bits must read unseen
        for index in UInt64(1001)...1009 { #expect(window.check(index) == .fresh) }
        #expect(window.check(990) == .replayed && window.check(1000) == .replayed)
        #expect(window.check(946) == .tooOld)
        window.accept(1010 + 500)   // a jump past the whole window forgets everything
        #expect(window.check(1010) == .tooOld && window.check(1500) == .fresh && window.check(1510) == .replayed)
    }

    // MARK: - Interop with libsrtp2, both ways, across a sequence-number wrap

    /// A packet with CSRCs, a header extension, or an empty payload now and then.
    static func rtpPacket(sequence: UInt16, ssrc: UInt32, variant: Int) -> [UInt8] {
        var packet = TestPackets.rtp(sequence: sequence, timestamp: UInt32(truncatingIfNeeded: variant * 960), ssrc: ssrc,
                                     payload: TestPackets.payload(count: variant % 9 == 0 ? 0 : variant * 37 % 1100, seed: variant))
        var headerEnd = 12
        if variant % 5 == 1 {
            packet[0] |= 2
            packet.insert(contentsOf: [1, 2, 3, 4, 5, 6, 7, 8], at: 12)
            headerEnd += 8
        }
        if variant % 7 == 2 {
            packet[0] |= 0x10
            packet.insert(contentsOf: [0xBE, 0xDE, 0, 1, 0x10, 0xAA, 0, 0], at: headerEnd)   // RFC 8285 one-byte form
        }
        return packet
    }

    @Test(arguments: cmSuites)
    func rtpInteropWithLibSRTPAcrossTheWrap(suite: SRTPSuite) throws {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        let ours = (out: try SRTPSession(keyingMaterial: key, direction: .outbound),
                    in: try SRTPSession(keyingMaterial: key, direction: .inbound))
        let theirs = (out: try LibSRTPContext(key, outbound: true), in: try LibSRTPContext(key, outbound: false))
        var differentBytes = 0, oursRejected = 0, theirsRejected = 0
        for n in 0..<200 {
            let sequence = UInt16(truncatingIfNeeded: 65500 + n)   // ROC 0 -> 1 at n = 36
            let plain = Self.rtpPacket(sequence: sequence, ssrc: 0xCAFE_0001, variant: n)
            let byThem = try #require(theirs.out.protect(plain, rtcp: false))
            let byUs = try #require(ours.out.protectRTP(plain))
            if byThem != byUs { differentBytes += 1 }
            // Theirs -> ours, ours -> theirs.
            let (result, restored) = ours.in.unprotectRTP(byThem)
            if result != .ok(length: plain.count) || restored != plain { oursRejected += 1 }
            if theirs.in.unprotect(byUs, rtcp: false) != plain { theirsRejected += 1 }
        }
        #expect(differentBytes == 0, "same key, same index: byte-identical SRTP")
        #expect(oursRejected == 0 && theirsRejected == 0)
        #expect(ours.in.rtpPacketsUnprotected == 200 && ours.in.drops.total == 0)
    }

    @Test(arguments: cmSuites)
    func rtcpInteropWithLibSRTP(suite: SRTPSuite) throws {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        let ours = (out: try SRTPSession(keyingMaterial: key, direction: .outbound),
                    in: try SRTPSession(keyingMaterial: key, direction: .inbound))
        let theirs = (out: try LibSRTPContext(key, outbound: true), in: try LibSRTPContext(key, outbound: false))
        var differentBytes = 0, oursRejected = 0, theirsRejected = 0
        for n in UInt32(1)...200 {
            var plain = TestPackets.senderReport(ssrc: 0xCAFE_0001, packetCount: n)
            if n % 3 == 0 { plain += [0x81, 203, 0, 1, 0xCA, 0xFE, 0, 1] }   // compound with a BYE
            let byThem = try #require(theirs.out.protect(plain, rtcp: true))
            let byUs = try #require(ours.out.protectRTCP(plain))
            if byThem != byUs { differentBytes += 1 }
            let (result, restored) = ours.in.unprotectRTCP(byThem)
            if result != .ok(length: plain.count) || restored != plain { oursRejected += 1 }
            if theirs.in.unprotect(byUs, rtcp: true) != plain { theirsRejected += 1 }
        }
        #expect(differentBytes == 0)
        #expect(oursRejected == 0 && theirsRejected == 0)
        #expect(ours.in.rtcpPacketsUnprotected == 200 && ours.in.drops.total == 0)
    }

    // MARK: - Drops through the public API

    @Test(arguments: cmSuites)
    func tamperReplayTooOldAndReordering(suite: SRTPSuite) throws {
        let key = try SRTPKeyingMaterial.generate(suite: suite)
        let sender = try SRTPSession(keyingMaterial: key, direction: .outbound)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        let window = SRTPSession.replayWindow
        let packets = try (0..<(window + 200)).map {
            try #require(sender.protectRTP(Self.rtpPacket(sequence: UInt16(truncatingIfNeeded: 65000 + $0), ssrc: 7, variant: $0)))
        }
        // Reordered within the window, across the wrap: all accepted.
        for i in [1, 0, 3, 2, 700, 600, 650, 599] {
            #expect(receiver.unprotectRTP(packets[i]).0 == .ok(length: packets[i].count - suite.rtpTrailerLength))
        }
        var tampered = packets[701]
        tampered[tampered.count / 2] ^= 0x01
        #expect(receiver.unprotectRTP(tampered).0 == .dropped(.srtpAuthenticationFailed))
        #expect(receiver.unprotectRTP(packets[701]).0 == .ok(length: packets[701].count - suite.rtpTrailerLength))
        #expect(receiver.unprotectRTP(packets[650]).0 == .dropped(.srtpReplay), "replayed")
        #expect(receiver.unprotectRTP(packets[window + 199]).0 == .ok(length: packets[window + 199].count - suite.rtpTrailerLength))
        #expect(receiver.unprotectRTP(packets[199]).0 == .dropped(.srtpReplay), "exactly a window behind: too old")
        #expect(receiver.unprotectRTP(packets[201]).0 == .ok(length: packets[201].count - suite.rtpTrailerLength),
                "window - 2 behind, never seen: accepted")
        #expect(receiver.drops[.srtpAuthenticationFailed] == 1)
        #expect(receiver.drops[.srtpReplay] == 2)
        #expect(receiver.rtpPacketsUnprotected == 8 + 3)

        // SRTCP has its own window and index; a changed E flag/index fails authentication.
        let reports = try (UInt32(1)...3).map { try #require(sender.protectRTCP(TestPackets.senderReport(ssrc: 7, packetCount: $0))) }
        var flipped = reports[1]
        flipped[28] ^= 0x80   // E flag
        #expect(receiver.unprotectRTCP(flipped).0 == .dropped(.srtpAuthenticationFailed))
        #expect(receiver.unprotectRTCP(reports[2]).0 == .ok(length: 28))
        #expect(receiver.unprotectRTCP(reports[0]).0 == .ok(length: 28), "reordered")
        #expect(receiver.unprotectRTCP(reports[2]).0 == .dropped(.srtpReplay))
        #expect(receiver.drops[.srtpAuthenticationFailed] == 2 && receiver.drops[.srtpReplay] == 3)
    }

    /// SRTCP with E = 0 (RFC 3711 §3.4 lets a sender skip encryption) authenticates and is
    /// passed through unchanged; libsrtp2 makes one when told not to encrypt RTCP.
    @Test func unencryptedSRTCPIsAccepted() throws {
        let key = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        let plain = TestPackets.senderReport(ssrc: 9)
        let theirs = try LibSRTPContext(key, outbound: true, encryptRTCP: false)
        let packet = try #require(theirs.protect(plain, rtcp: true))
        #expect(packet[28] & 0x80 == 0 && Array(packet[..<28]) == plain)
        #expect(receiver.unprotectRTCP(packet).1 == plain)
    }

    // MARK: - Allocations

    /// 10,000 RTP and 10,000 RTCP protect + unprotect round trips (and 10,000 RTP for the 32-bit
    /// suite) after warm-up make no heap allocation at all.
    ///
    /// How it counts: the loop runs in a fork()ed child, so the parallel tests of this process
    /// cannot disturb it and nothing is changed in this process. In the child every pointer to
    /// glibc's malloc, calloc, realloc, memalign, posix_memalign and aligned_alloc found in the
    /// writable/RELRO segments of every loaded object except libc and the loader (GOT slots
    /// of libcrypto, the Swift runtime, libsrtp2, NSS, ...) is replaced by a counting wrapper
    /// (`AllocationCounter`), so any allocation by any library is counted, including the
    /// malloc/free pairs that mallinfo2() totals cannot see (EVP_MAC_init with a kept key makes
    /// one per call on OpenSSL 3.0). As a control, libsrtp2 (NSS) protects 100 packets in the same
    /// child and must be counted, and so must setting up one AES-CM context (libcrypto and Swift).
    @Test func roundTripsDoNotAllocate() throws {
        let loop = try RoundTripLoop()
        #expect(loop.run(0..<100) == 0, "warm-up")   // streams created, metadata instantiated
        let control = try LibSRTPContext(loop.key80, outbound: true)
        let result = try AllocationCounter().measureInChild {
            loop.run(100..<10_100)
        } control: {
            _ = loop.protectWithLibSRTP(control.context, count: 100)
        } secondControl: {
            _ = try? AESCounterMode(key: [UInt8](repeating: 1, count: 16))   // EVP_CIPHER_CTX_new etc. in libcrypto
        }
        print("SRTP transform, debug build: \(Int(Double(10_000 * 3) / result.seconds)) round trips/s",
              "(10,000 × RTP 80 + RTP 32 + RTCP 80 in \(Int(result.seconds * 1000)) ms);",
              "allocations \(result.allocations); controls: libsrtp2 made \(result.controlAllocations) for 100 protects,",
              "one AESCounterMode setup \(result.secondControlAllocations)")
        #expect(result.failures == 0)
        #expect(result.allocations == 0)
        #expect(result.controlAllocations >= 100, "the counter sees allocations inside libsrtp2/NSS")
        #expect(result.secondControlAllocations >= 2, "and inside libcrypto and the Swift runtime")
    }
}

/// The measured loop: preallocated buffers, no arrays, closures or existentials per packet.
private final class RoundTripLoop {
    let key80: SRTPKeyingMaterial
    let sender80: SRTPSession, receiver80: SRTPSession, sender32: SRTPSession, receiver32: SRTPSession
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
    let rtpTemplate: UnsafeMutableRawBufferPointer
    let rtcpTemplate: UnsafeMutableRawBufferPointer

    init() throws {
        key80 = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_80)
        let key32 = try SRTPKeyingMaterial.generate(suite: .aesCM128HMACSHA1_32)
        sender80 = try SRTPSession(keyingMaterial: key80, direction: .outbound)
        receiver80 = try SRTPSession(keyingMaterial: key80, direction: .inbound)
        sender32 = try SRTPSession(keyingMaterial: key32, direction: .outbound)
        receiver32 = try SRTPSession(keyingMaterial: key32, direction: .inbound)
        let rtp = SRTPTransformTests.rtpPacket(sequence: 0, ssrc: 0x5151, variant: 31)   // 1159-byte payload
        let rtcp = TestPackets.senderReport(ssrc: 0x5151)
        let rtpCopy = UnsafeMutableRawBufferPointer.allocate(byteCount: rtp.count, alignment: 8)
        let rtcpCopy = UnsafeMutableRawBufferPointer.allocate(byteCount: rtcp.count, alignment: 8)
        rtp.withUnsafeBytes { rtpCopy.copyMemory(from: $0) }
        rtcp.withUnsafeBytes { rtcpCopy.copyMemory(from: $0) }
        rtpTemplate = rtpCopy
        rtcpTemplate = rtcpCopy
    }

    deinit {
        buffer.deallocate()
        rtpTemplate.deallocate()
        rtcpTemplate.deallocate()
    }

    private func loadRTP(sequence n: Int) {
        buffer.baseAddress!.copyMemory(from: rtpTemplate.baseAddress!, byteCount: rtpTemplate.count)
        buffer[2] = UInt8(truncatingIfNeeded: n >> 8)
        buffer[3] = UInt8(truncatingIfNeeded: n)
    }

    /// Protect + unprotect of an RTP packet on each suite and of an RTCP SR; returns failures.
    func run(_ iterations: Range<Int>) -> Int {
        var failures = 0
        let rtpLength = rtpTemplate.count, rtcpLength = rtcpTemplate.count
        for n in iterations {
            loadRTP(sequence: n)
            if let length = sender80.protectRTP(buffer, length: rtpLength),
               receiver80.unprotectRTP(buffer, length: length) == .ok(length: rtpLength) {} else { failures += 1 }
            loadRTP(sequence: n)
            if let length = sender32.protectRTP(buffer, length: rtpLength),
               receiver32.unprotectRTP(buffer, length: length) == .ok(length: rtpLength) {} else { failures += 1 }
            buffer.baseAddress!.copyMemory(from: rtcpTemplate.baseAddress!, byteCount: rtcpLength)
            if let length = sender80.protectRTCP(buffer, length: rtcpLength),
               receiver80.unprotectRTCP(buffer, length: length) == .ok(length: rtcpLength) {} else { failures += 1 }
        }
        return failures
    }

    func protectWithLibSRTP(_ context: OpaquePointer, count: Int) -> Int {
        var protected = 0
        for n in 0..<count {
            loadRTP(sequence: n)
            var length = Int32(rtpTemplate.count)
            if srtp_protect(context, buffer.baseAddress!, &length) == srtp_err_status_ok { protected += 1 }
        }
        return protected
    }
}

// MARK: - Test helpers

/// A raw libsrtp2 context with the policy `SRTPSession` used to give it (LibSRTP.createContext).
final class LibSRTPContext {
    let context: OpaquePointer

    init(_ key: SRTPKeyingMaterial, outbound: Bool, encryptRTCP: Bool = true) throws {
        guard LibSRTP.initStatus == 0 else { throw SRTPError.library(status: LibSRTP.initStatus, operation: "srtp_init") }
        var policy = srtp_policy_t()
        LibSRTP.setCryptoPolicies(&policy, suite: key.suite)
        if !encryptRTCP { policy.rtcp.sec_serv = sec_serv_auth }
        if outbound { cb_srtp_policy_ssrc_any_outbound(&policy) } else { cb_srtp_policy_ssrc_any_inbound(&policy) }
        policy.window_size = UInt(LibSRTP.replayWindow)
        policy.allow_repeat_tx = outbound ? 1 : 0
        var keyAndSalt = key.keyAndSalt
        var context: OpaquePointer?
        let status = keyAndSalt.withUnsafeMutableBufferPointer { keyBuffer -> srtp_err_status_t in
            policy.key = keyBuffer.baseAddress
            return srtp_create(&context, &policy)
        }
        guard status == srtp_err_status_ok, let context else {
            throw SRTPError.library(status: Int32(bitPattern: status.rawValue), operation: "srtp_create")
        }
        self.context = context
    }

    deinit { srtp_dealloc(context) }

    func protect(_ packet: [UInt8], rtcp: Bool) -> [UInt8]? {
        var buffer = packet + [UInt8](repeating: 0, count: SRTPSession.maximumTrailerBytes)
        var length = Int32(packet.count)
        let status = buffer.withUnsafeMutableBytes {
            rtcp ? srtp_protect_rtcp(context, $0.baseAddress, &length) : srtp_protect(context, $0.baseAddress, &length)
        }
        return status == srtp_err_status_ok ? Array(buffer[..<Int(length)]) : nil
    }

    func unprotect(_ packet: [UInt8], rtcp: Bool) -> [UInt8]? {
        var buffer = packet
        var length = Int32(packet.count)
        let status = buffer.withUnsafeMutableBytes {
            rtcp ? srtp_unprotect_rtcp(context, $0.baseAddress, &length) : srtp_unprotect(context, $0.baseAddress, &length)
        }
        return status == srtp_err_status_ok ? Array(buffer[..<Int(length)]) : nil
    }
}
