import Foundation
import Glibc
import MediaCore
import SRTP
import Testing

/// Interop with an independent SRTP implementation: ffmpeg's own (libavformat/srtp.c, not
/// libsrtp2) sends 2 s of PCMU over SRTP/SRTCP to loopback sockets; our inbound session must
/// unprotect it. A 1 kHz tone at 8 kHz repeats every 8 samples, so a correctly decrypted
/// payload satisfies payload[i] == payload[i + 8] and garbage does not.
@Suite("SRTP ffmpeg interop")
struct SRTPFFmpegInteropTests {
    static let ffmpeg = "/usr/bin/ffmpeg"

    struct Case: Sendable, CustomTestStringConvertible {
        /// ffmpeg's `-srtp_out_suite` name.
        let ffmpegSuite: String
        let suite: SRTPSuite
        /// Whether ffmpeg's SRTCP uses the tag length RFC 4568 gives this suite.
        let rtcpInterops: Bool
        var testDescription: String { ffmpegSuite }
    }

    static let cases: [Case] = [
        .init(ffmpegSuite: "AES_CM_128_HMAC_SHA1_80", suite: .aesCM128HMACSHA1_80, rtcpInterops: true),
        // ffmpeg's DTLS-SRTP name for the 32-bit suite: 32-bit SRTP tag, 80-bit SRTCP tag.
        .init(ffmpegSuite: "SRTP_AES128_CM_HMAC_SHA1_32", suite: .aesCM128HMACSHA1_32, rtcpInterops: true),
        // ffmpeg's SDES name for the same suite uses a 32-bit SRTCP tag too, against RFC 4568
        // §6.2.1: RTP interoperates, its SRTCP fails authentication here (as with libsrtp2).
        .init(ffmpegSuite: "AES_CM_128_HMAC_SHA1_32", suite: .aesCM128HMACSHA1_32, rtcpInterops: false),
    ]

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ffmpeg)), .timeLimit(.minutes(1)), arguments: cases)
    func ffmpegSendsSRTPThatWeUnprotect(_ example: Case) throws {
        let key = try SRTPKeyingMaterial.generate(suite: example.suite)
        let receiver = try SRTPSession(keyingMaterial: key, direction: .inbound)
        let rtpSocket = try LoopbackSocket()
        let rtcpSocket = try LoopbackSocket()

        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.ffmpeg)
        process.arguments = [
            "-hide_banner", "-loglevel", "error", "-nostdin", "-re",
            "-f", "lavfi", "-i", "sine=frequency=1000:sample_rate=8000:duration=2:samples_per_frame=160",
            "-c:a", "pcm_mulaw", "-f", "rtp", "-rtpflags", "send_bye",
            "-srtp_out_suite", example.ffmpegSuite, "-srtp_out_params", Base64.encode(key.keyAndSalt),
            "srtp://127.0.0.1:\(rtpSocket.port)?rtcpport=\(rtcpSocket.port)",
        ]
        process.standardOutput = FileHandle.nullDevice   // the rtp muxer prints an SDP there
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
        }

        var received = 0, wrongPayloadType = 0, wrongLength = 0, notATone = 0
        var rtcpReceived = 0, rtcpSenderReports = 0
        var buffer = [UInt8](repeating: 0, count: 2048)
        let deadline = cb_now() + 10
        var quietSince: Double?
        while cb_now() < deadline {
            var fds = [pollfd(fd: rtpSocket.fd, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: rtcpSocket.fd, events: Int16(POLLIN), revents: 0)]
            if poll(&fds, 2, 100) <= 0 {
                // Done once ffmpeg has exited and the sockets stayed empty for 300 ms.
                if !process.isRunning {
                    if let since = quietSince, cb_now() - since > 0.3 { break }
                    quietSince = quietSince ?? cb_now()
                }
                continue
            }
            quietSince = nil
            if let length = rtpSocket.receive(into: &buffer) {
                received += 1
                let result = buffer.withUnsafeMutableBytes { receiver.unprotectRTP($0, length: length) }
                if case .ok(let plainLength) = result {
                    if buffer[1] & 0x7F != 0 { wrongPayloadType += 1 }
                    if plainLength != 12 + 160 { wrongLength += 1 }
                    if !(12..<min(plainLength, 172) - 8).allSatisfy({ buffer[$0] == buffer[$0 + 8] }) { notATone += 1 }
                }
            }
            if let length = rtcpSocket.receive(into: &buffer) {
                rtcpReceived += 1
                let result = buffer.withUnsafeMutableBytes { receiver.unprotectRTCP($0, length: length) }
                if case .ok = result, buffer[1] == 200 { rtcpSenderReports += 1 }
            }
        }
        let exitedByItself = !process.isRunning
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        let stderrText = String(decoding: errors.fileHandleForReading.readDataToEndOfFile().prefix(500), as: UTF8.self)
        let authFailures = receiver.drops[.srtpAuthenticationFailed]
        print("ffmpeg \(example.ffmpegSuite) -> SRTPSession: RTP received \(received), unprotected \(receiver.rtpPacketsUnprotected);",
              "RTCP received \(rtcpReceived), unprotected \(receiver.rtcpPacketsUnprotected);",
              "auth failures \(authFailures), replays \(receiver.drops[.srtpReplay]), other \(receiver.drops[.srtpOtherError])")

        #expect(exitedByItself && process.terminationStatus == 0, "ffmpeg: \(stderrText)")
        #expect(received >= 80, "ffmpeg sends 100 packets of 20 ms")
        #expect(receiver.rtpPacketsUnprotected * 10 >= received * 9)
        #expect(wrongPayloadType == 0 && wrongLength == 0 && notATone == 0)
        #expect(rtcpReceived >= 1, "first sender report and the closing SR+BYE")
        if example.rtcpInterops {
            #expect(authFailures == 0)
            #expect(receiver.rtcpPacketsUnprotected == rtcpReceived && rtcpSenderReports == rtcpReceived)
        } else {
            // libsrtp2 looks for E flag + index 14 bytes from the end: where that byte's top bit
            // is 1 the packet fails authentication, where it is 0 libsrtp2 answers cant_check
            // (`.srtpOtherError`). Either way every one is dropped and counted.
            #expect(receiver.rtcpPacketsUnprotected == 0 && receiver.drops.total == rtcpReceived)
        }
    }
}

/// Monotonic seconds.
private func cb_now() -> Double {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

/// A UDP socket bound to 127.0.0.1 on a kernel-chosen port; closed on deinit.
private final class LoopbackSocket {
    let fd: Int32
    let port: UInt16

    init() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SystemError(errno: errno, operation: "socket") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7F00_0001).bigEndian
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, length) == 0 ? getsockname(fd, $0, &length) : -1
            }
        }
        guard bound == 0 else {
            let error = SystemError(errno: errno, operation: "bind")
            close(fd)
            throw error
        }
        self.fd = fd
        port = UInt16(bigEndian: address.sin_port)
    }

    /// One datagram if one is waiting (non-blocking).
    func receive(into buffer: inout [UInt8]) -> Int? {
        let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, Int32(MSG_DONTWAIT)) }
        return count > 0 ? count : nil
    }

    deinit { close(fd) }
}
