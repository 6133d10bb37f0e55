import CSRTP
import MediaCore

/// One SRTP crypto context protecting or unprotecting one direction of one transport: RTP and
/// its RTCP, any number of SSRCs (wildcard SSRC; per-SSRC state is made the first time an SSRC
/// is seen — one allocation per stream, after authentication on the inbound side, so forged
/// SSRCs cost nothing).
///
/// Backends, chosen per suite: the AES-CM suites run on our own RFC 3711 transform over
/// OpenSSL libcrypto (`SRTPTransform`, allocation-free per packet); GCM stays on libsrtp2,
/// whose Debian build goes through NSS and allocates per packet.
///
/// Work happens in place in the caller's buffer. Failed packets are values
/// (`SRTPUnprotectResult.dropped`) and are counted here per reason.
///
/// Threads: a session belongs to one media worker. It is deliberately not `Sendable`: replay
/// windows and the stream list are unsynchronised. Make it on the control thread, transfer it
/// once to the worker (Swift 6 region transfer, e.g. a `sending` parameter), and use it only
/// there from then on.
public final class SRTPSession {
    public enum Direction: Sendable {
        /// Unprotects what peers send (libsrtp2 `ssrc_any_inbound`).
        case inbound
        /// Protects what we send (libsrtp2 `ssrc_any_outbound`).
        case outbound
    }

    /// Free bytes a buffer must have after the packet for `protectRTP`/`protectRTCP`, for every
    /// suite alike. libsrtp2 documents that protect may write `SRTP_MAX_TRAILER_LEN` (a 16-byte tag plus a
    /// 128-byte MKI) and 4 more for the SRTCP index, and takes no capacity argument, so we
    /// require its worst case. What is actually appended is `suite.rtpTrailerLength` /
    /// `suite.rtcpTrailerLength` (at most 20 bytes).
    public static let maximumTrailerBytes = 16 + 128 + 4

    /// Replay window in packets for SRTP (both backends); SRTCP keeps 128 (libsrtp2's fixed size).
    public static var replayWindow: Int { LibSRTP.replayWindow }

    public let suite: SRTPSuite
    public let direction: Direction

    /// Dropped packets per reason (`.srtpAuthenticationFailed`, `.srtpReplay`, `.srtpOtherError`).
    public private(set) var drops = PacketDropCounters()
    public private(set) var rtpPacketsProtected = 0
    public private(set) var rtcpPacketsProtected = 0
    public private(set) var rtpPacketsUnprotected = 0
    public private(set) var rtcpPacketsUnprotected = 0
    /// Protect calls that returned nil (no room for the trailer, malformed header, key expired).
    public private(set) var protectFailures = 0

    private enum Backend {
        case transform(SRTPTransform)
        case libSRTP(OpaquePointer)
    }

    private let backend: Backend

    /// Outbound sessions accept re-protecting an index already sent, so a NACK answer can
    /// resend the same packet under the same sequence number (see `LibSRTP.createContext`);
    /// inbound sessions keep a 1024-packet replay window and reject repeats.
    public init(keyingMaterial: SRTPKeyingMaterial, direction: Direction) throws(SRTPError) {
        if SRTPTransform.handles(keyingMaterial.suite) {
            backend = .transform(try SRTPTransform(keyingMaterial: keyingMaterial))
        } else {
            guard LibSRTP.initStatus == 0 else { throw .library(status: LibSRTP.initStatus, operation: "srtp_init") }
            guard keyingMaterial.suite.isSupported else { throw .suiteUnsupported(keyingMaterial.suite) }
            switch LibSRTP.createContext(suite: keyingMaterial.suite, keyAndSalt: keyingMaterial.keyAndSalt,
                                         outbound: direction == .outbound) {
            case .success(let context): backend = .libSRTP(context)
            case .failure(let error): throw error
            }
        }
        suite = keyingMaterial.suite
        self.direction = direction
    }

    deinit {
        if case .libSRTP(let context) = backend { srtp_dealloc(context) }
    }

    // MARK: - RTP

    /// Encrypts and authenticates the RTP packet in `buffer[0..<length]` in place and returns
    /// the SRTP length, or nil if it could not (counted in `protectFailures`). `buffer` must
    /// have `maximumTrailerBytes` free after `length`.
    public func protectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        precondition(direction == .outbound, "protectRTP on an inbound SRTP session")
        guard let base = buffer.baseAddress, length >= 0, buffer.count - length >= Self.maximumTrailerBytes,
              length <= Int(Int32.max) - Self.maximumTrailerBytes else {
            protectFailures += 1
            return nil
        }
        let newLength: Int?
        switch backend {
        case .transform(let transform):
            newLength = transform.protectRTP(base, length: length)
        case .libSRTP(let context):
            var length32 = Int32(length)
            newLength = srtp_protect(context, base, &length32) == srtp_err_status_ok ? Int(length32) : nil
        }
        guard let newLength else {
            protectFailures += 1
            return nil
        }
        rtpPacketsProtected += 1
        return newLength
    }

    /// Authenticates, replay-checks and decrypts the SRTP packet in `buffer[0..<length]` in
    /// place. On `.ok` the plain RTP packet is `buffer[0..<length]` of the result.
    public func unprotectRTP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> SRTPUnprotectResult {
        precondition(direction == .inbound, "unprotectRTP on an outbound SRTP session")
        guard let base = buffer.baseAddress, length >= 0, length <= buffer.count, length <= Int(Int32.max) else {
            return drop(.srtpOtherError)
        }
        let result: SRTPUnprotectResult
        switch backend {
        case .transform(let transform):
            result = transform.unprotectRTP(base, length: length)
        case .libSRTP(let context):
            var length32 = Int32(length)
            let status = srtp_unprotect(context, base, &length32)
            result = status == srtp_err_status_ok ? .ok(length: Int(length32)) : .dropped(Self.reason(for: status))
        }
        if case .dropped(let reason) = result { return drop(reason) }
        rtpPacketsUnprotected += 1
        return result
    }

    // MARK: - RTCP

    /// As `protectRTP`, for a (compound) RTCP packet; appends E flag, SRTCP index and tag
    /// (RFC 3711 §3.4). Always encrypts (E = 1).
    public func protectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> Int? {
        precondition(direction == .outbound, "protectRTCP on an inbound SRTP session")
        guard let base = buffer.baseAddress, length >= 0, buffer.count - length >= Self.maximumTrailerBytes,
              length <= Int(Int32.max) - Self.maximumTrailerBytes else {
            protectFailures += 1
            return nil
        }
        let newLength: Int?
        switch backend {
        case .transform(let transform):
            newLength = transform.protectRTCP(base, length: length)
        case .libSRTP(let context):
            var length32 = Int32(length)
            newLength = srtp_protect_rtcp(context, base, &length32) == srtp_err_status_ok ? Int(length32) : nil
        }
        guard let newLength else {
            protectFailures += 1
            return nil
        }
        rtcpPacketsProtected += 1
        return newLength
    }

    /// As `unprotectRTP`, for SRTCP.
    public func unprotectRTCP(_ buffer: UnsafeMutableRawBufferPointer, length: Int) -> SRTPUnprotectResult {
        precondition(direction == .inbound, "unprotectRTCP on an outbound SRTP session")
        guard let base = buffer.baseAddress, length >= 0, length <= buffer.count, length <= Int(Int32.max) else {
            return drop(.srtpOtherError)
        }
        let result: SRTPUnprotectResult
        switch backend {
        case .transform(let transform):
            result = transform.unprotectRTCP(base, length: length)
        case .libSRTP(let context):
            var length32 = Int32(length)
            let status = srtp_unprotect_rtcp(context, base, &length32)
            result = status == srtp_err_status_ok ? .ok(length: Int(length32)) : .dropped(Self.reason(for: status))
        }
        if case .dropped(let reason) = result { return drop(reason) }
        rtcpPacketsUnprotected += 1
        return result
    }

    // MARK: - Drops

    @inline(__always)
    private func drop(_ reason: PacketDropReason) -> SRTPUnprotectResult {
        drops.count(reason)
        return .dropped(reason)
    }

    private static func reason(for status: srtp_err_status_t) -> PacketDropReason {
        switch status {
        case srtp_err_status_auth_fail: return .srtpAuthenticationFailed
        case srtp_err_status_replay_fail, srtp_err_status_replay_old: return .srtpReplay
        default: return .srtpOtherError
        }
    }
}

/// Not Sendable, on purpose: see the type's thread rule.
@available(*, unavailable)
extension SRTPSession: Sendable {}
