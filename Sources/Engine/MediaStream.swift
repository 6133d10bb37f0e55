import Glibc
import MediaCore
import RTP
import SRTP

/// One RTP stream's transport (one SDP m-line): its socket(s), SRTP contexts, sequence and
/// timestamp state, reception statistics and RTCP reporting. The video and audio pipelines
/// own one each and call into it; it knows nothing of codecs. Worker-thread only.
final class MediaStream {
    enum Incoming {
        case rtp(RTPPacket)
        case rtcp(UnsafeRawBufferPointer)
        case dropped
    }

    let configuration: MediaStreamConfiguration
    let clockRate: Int
    let cname: String
    let rtpSocket: UDPSocket
    let rtcpSocket: UDPSocket?
    private(set) var remote: SocketAddress?
    private(set) var remoteRTCP: SocketAddress?
    private var inbound: SRTPSession?
    private var outbound: SRTPSession?
    private var inboundKeys: SRTPKeyingMaterial?
    private var outboundKeys: SRTPKeyingMaterial?
    /// Direction from signalling (RFC 3264 §6.1): on hold we neither send nor expect media.
    private(set) var sends = true
    private(set) var receives = true
    /// The address RTP comes from (latched on the first good packet) and when it last sent.
    private var latchedSource: SocketAddress?
    private var latchedSourceLastSeen: Int64 = 0
    /// A latched peer silent this long may be replaced (its address changed, e.g. a NAT
    /// rebinding); until then packets from anywhere else are dropped.
    static let relatchAfter: Int64 = 2_000_000_000

    private(set) var sequenceNumber: UInt16
    private(set) var remoteSSRC: UInt32?
    var receiveStatistics: RTPReceiveStatistics
    var drops = PacketDropCounters()
    var counters = MediaLegStatistics.Stream()

    // Sender report state (RFC 3550 §6.4.1).
    private var lastRTPTimestamp: UInt32 = 0
    private var lastRTPTimestampAt: Int64 = 0
    private var packetsSentTotal: UInt32 = 0
    private var octetsSentTotal: UInt32 = 0
    // Last SR from the peer: middle 32 bits of its NTP time, and when it arrived (for DLSR).
    private var lastSenderReport: UInt32 = 0
    private var lastSenderReportAt: Int64 = 0
    private var nextRTCPAt: Int64 = 0
    private var random = SplitMix64(seed: 0x9E37_79B9)
    private let rtcpScratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)

    init(_ configuration: MediaStreamConfiguration, clockRate: Int, host: String, cname: String) throws {
        self.configuration = configuration
        self.clockRate = clockRate
        self.cname = cname
        if configuration.rtcpMux {
            rtpSocket = try UDPSocket(host: host, port: configuration.localPort)
            rtcpSocket = nil
        } else {
            (rtpSocket, rtcpSocket) = try Self.bindPair(host: host, port: configuration.localPort)
        }
        remote = configuration.remote
        remoteRTCP = configuration.rtcpMux ? configuration.remote
            : configuration.remoteRTCP ?? configuration.remote.flatMap { SocketAddress(host: $0.host, port: $0.port &+ 1) }
        inbound = try configuration.inboundKeys.map { try SRTPSession(keyingMaterial: $0, direction: .inbound) }
        outbound = try configuration.outboundKeys.map { try SRTPSession(keyingMaterial: $0, direction: .outbound) }
        inboundKeys = configuration.inboundKeys
        outboundKeys = configuration.outboundKeys
        sequenceNumber = UInt16(truncatingIfNeeded: configuration.ssrc >> 7)
        receiveStatistics = RTPReceiveStatistics(clockRate: clockRate)
        random = SplitMix64(seed: UInt64(configuration.ssrc) | 1)
    }

    deinit { rtcpScratch.deallocate() }

    /// RTP on an even port and RTCP on the next one (RFC 3550 §11), for peers that do not
    /// multiplex and assume port + 1.
    private static func bindPair(host: String, port: UInt16) throws -> (UDPSocket, UDPSocket?) {
        if port != 0 { return (try UDPSocket(host: host, port: port), try UDPSocket(host: host, port: port &+ 1)) }
        for _ in 0..<50 {
            let rtp = try UDPSocket(host: host, port: 0)
            guard rtp.localPort % 2 == 0, rtp.localPort < UInt16.max else { continue }
            if let rtcp = try? UDPSocket(host: host, port: rtp.localPort + 1) { return (rtp, rtcp) }
        }
        throw SystemError(errno: EADDRINUSE, operation: "bind an RTP/RTCP port pair on \(host)")
    }

    var sockets: [UDPSocket] { rtcpSocket.map { [rtpSocket, $0] } ?? [rtpSocket] }

    /// Applies a signalling change (re-INVITE, UPDATE, a dial-out's answer). Runs on the
    /// worker as a control command, so building a new SRTP context here is fine. Keys that
    /// did not change keep their session (and its rollover counter and replay window).
    func apply(_ update: MediaStreamUpdate) throws {
        if let address = update.remote {
            if address != remote { latchedSource = nil }
            remote = address
            remoteRTCP = configuration.rtcpMux ? address
                : update.remoteRTCP ?? SocketAddress(host: address.host, port: address.port &+ 1)
        }
        sends = update.sends
        receives = update.receives
        if let keys = update.inboundKeys, keys != inboundKeys {
            inbound = try SRTPSession(keyingMaterial: keys, direction: .inbound)
            inboundKeys = keys
        }
        if let keys = update.outboundKeys, keys != outboundKeys {
            outbound = try SRTPSession(keyingMaterial: keys, direction: .outbound)
            outboundKeys = keys
        }
    }

    /// Authenticates/decrypts in place and parses one received datagram.
    func classify(_ buffer: inout PacketBuffer, from source: SocketAddress, onRTCPSocket: Bool, now: Int64) -> Incoming {
        let isRTCP = onRTCPSocket || RTPPacket.looksLikeRTCP(buffer.bytes)
        if isRTCP {
            if let inbound {
                switch inbound.unprotectRTCP(buffer.writable, length: buffer.length) {
                case .ok(let length): buffer.length = length
                case .dropped(let reason): drops.count(reason); return .dropped
                }
            }
            counters.rtcpReceived += 1
            if remoteRTCP == nil { remoteRTCP = source }
            return .rtcp(buffer.bytes)
        }
        // recvonly/inactive on our side (we put the stream on hold): nothing is expected.
        guard receives else { drops.count(.streamNotReceiving); return .dropped }
        if let inbound {
            switch inbound.unprotectRTP(buffer.writable, length: buffer.length) {
            case .ok(let length): buffer.length = length
            case .dropped(let reason): drops.count(reason); return .dropped
            }
        }
        switch RTPPacket.parse(buffer.bytes) {
        case .dropped(let reason):
            drops.count(reason)
            return .dropped
        case .packet(let packet):
            // Latching: only the first source (authenticated, for SRTP) may feed this stream,
            // so a stranger cannot inject packets into a plain RTP stream mid-call.
            if let latched = latchedSource, latched != source, now - latchedSourceLastSeen < Self.relatchAfter {
                drops.count(.unexpectedSource)
                return .dropped
            }
            latchedSource = source
            latchedSourceLastSeen = now
            // Symmetric RTP: with no address from signalling, answer where media comes from.
            if remote == nil {
                remote = source
                if configuration.rtcpMux { remoteRTCP = source }
            }
            if remoteSSRC != packet.ssrc {
                if remoteSSRC != nil { receiveStatistics = RTPReceiveStatistics(clockRate: clockRate) }
                remoteSSRC = packet.ssrc
            }
            counters.packetsReceived += 1
            counters.bytesReceived += buffer.length
            receiveStatistics.record(sequenceNumber: packet.sequenceNumber, timestamp: packet.timestamp, arrivalNanoseconds: now)
            return .rtp(packet)
        }
    }

    /// Next sequence number for an outgoing packet.
    func takeSequenceNumber() -> UInt16 {
        defer { sequenceNumber &+= 1 }
        return sequenceNumber
    }

    /// Protects (when SRTP) and sends an RTP packet already written into `buffer`.
    func sendRTP(_ buffer: PacketBuffer, timestamp: UInt32, now: Int64) {
        guard sends, let remote else { return }
        var length = buffer.length
        if let outbound {
            guard let protected = outbound.protectRTP(buffer.writable, length: length) else { return }
            length = protected
        }
        if rtpSocket.send(UnsafeRawBufferPointer(start: buffer.base, count: length), to: remote) {
            counters.packetsSent += 1
            counters.bytesSent += length
            packetsSentTotal &+= 1
            octetsSentTotal &+= UInt32(truncatingIfNeeded: buffer.length - 12)
            lastRTPTimestamp = timestamp
            lastRTPTimestampAt = now
        }
    }

    /// Sends an RTCP compound written into the scratch buffer by `write`.
    func sendRTCP(_ write: (UnsafeMutableRawBufferPointer) -> Int?) {
        guard let target = remoteRTCP else { return }
        // Leave room for the SRTCP trailer.
        let room = UnsafeMutableRawBufferPointer(rebasing: rtcpScratch[0..<(rtcpScratch.count - SRTPSession.maximumTrailerBytes)])
        guard var length = write(room), length > 0 else { return }
        if let outbound {
            guard let protected = outbound.protectRTCP(rtcpScratch, length: length) else { return }
            length = protected
        }
        let socket = rtcpSocket ?? rtpSocket
        if socket.send(UnsafeRawBufferPointer(rebasing: rtcpScratch[0..<length]), to: target) { counters.rtcpSent += 1 }
    }

    /// Records an SR from the peer so our next report block carries LSR/DLSR.
    func noteSenderReport(_ info: RTCPSenderInfo, now: Int64) {
        lastSenderReport = info.ntpTimestamp.middle32
        lastSenderReportAt = now
    }

    /// Time for a regular report? RFC 3550 §6.2/§6.3.5: randomised 0.5–1.5 × the interval
    /// (1 s here; bandwidth is not scarce at conferencing rates), so legs do not synchronise.
    func rtcpDue(now: Int64) -> Bool {
        guard now >= nextRTCPAt else { return false }
        let jitter = Int64(random.next() % 1_000_000_000)
        nextRTCPAt = now + 500_000_000 + jitter
        return true
    }

    /// Writes SR (if we sent since the last report) or RR, plus SDES CNAME (RFC 3550 §6.1).
    func writeReport(now: Int64, wallClock: NTPTimestamp, into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        guard let remoteSSRC else { return writeReport(blocks: EmptyCollection(), now: now, wallClock: wallClock, into: buffer) }
        let dlsr: UInt32 = lastSenderReportAt == 0 ? 0
            : UInt32(clamping: MediaClock.ticks(nanoseconds: now - lastSenderReportAt, clockRate: 65_536))
        let block = RTCPReportBlock(
            ssrc: remoteSSRC, fractionLost: receiveStatistics.takeFractionLost(),
            cumulativeLost: Int32(clamping: receiveStatistics.cumulativeLost),
            extendedHighestSequence: receiveStatistics.extendedHighestSequence,
            jitter: receiveStatistics.jitter, lastSR: lastSenderReport, delaySinceLastSR: dlsr)
        return writeReport(blocks: CollectionOfOne(block), now: now, wallClock: wallClock, into: buffer)
    }

    private func writeReport(blocks: some Collection<RTCPReportBlock>, now: Int64, wallClock: NTPTimestamp,
                             into buffer: UnsafeMutableRawBufferPointer) -> Int? {
        let first: Int?
        if packetsSentTotal > 0 {
            // The RTP timestamp that corresponds to "now" on our media clock.
            let elapsed = MediaClock.ticks(nanoseconds: now - lastRTPTimestampAt, clockRate: Int64(clockRate))
            let info = RTCPSenderInfo(ntpTimestamp: wallClock, rtpTimestamp: lastRTPTimestamp &+ UInt32(truncatingIfNeeded: elapsed),
                                      packetCount: packetsSentTotal, octetCount: octetsSentTotal)
            first = RTCPWriter.writeSenderReport(ssrc: configuration.ssrc, senderInfo: info, reportBlocks: blocks, into: buffer)
        } else {
            first = RTCPWriter.writeReceiverReport(ssrc: configuration.ssrc, reportBlocks: blocks, into: buffer)
        }
        guard let n = first,
              let m = RTCPWriter.writeSourceDescription(ssrc: configuration.ssrc, cname: cname,
                                                        into: UnsafeMutableRawBufferPointer(rebasing: buffer[n...]))
        else { return nil }
        return n + m
    }

    func mergeDrops(into stats: inout MediaLegStatistics.Stream) {
        drops.merge(into: &stats.drops)
        inbound?.drops.merge(into: &stats.drops)
        stats.packetsLost = max(0, receiveStatistics.cumulativeLost)
        stats.jitterMilliseconds = Double(receiveStatistics.jitter) * 1000 / Double(clockRate)
    }
}
