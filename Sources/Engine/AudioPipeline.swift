import Codecs
import Glibc
import MediaCore
import Mixer
import RTP

/// One leg's audio: receive (SRTP → adaptive jitter buffer → Opus/G.711 decoder with
/// concealment, RFC 4733 digits) and send (PCM → encoder → RTP), one 20 ms frame per tick.
final class AudioPipeline {
    let stream: MediaStream
    let configuration: AudioStreamConfiguration
    private let jitter: AudioJitterBuffer
    private let opusDecoder: OpusDecoder?
    private let opusEncoder: OpusEncoder?
    private var dtmf = DTMFDetector()
    let channels: Int
    let samplesPerFrame: Int
    /// The last 20 ms decoded (interleaved), valid after each tick.
    private(set) var decoded: [Int16]
    private var encodedScratch = [UInt8](repeating: 0, count: 1500)
    private var sendPCM: [Int16]
    private var tonePhase = 0.0
    private var nextFrameAt: Int64 = 0
    private var timestamp: UInt32
    private var receivedAnything = false
    private let sink: (@Sendable (UnsafeBufferPointer<Int16>, Int, Int) -> Void)?
    weak var worker: MediaWorker?

    init(_ configuration: AudioStreamConfiguration, host: String, cname: String, pool: PacketBufferPool,
         sink: (@Sendable (UnsafeBufferPointer<Int16>, Int, Int) -> Void)?) throws {
        self.configuration = configuration
        let rate = configuration.codec.clockRate
        stream = try MediaStream(configuration.stream, clockRate: rate, host: host, cname: cname)
        samplesPerFrame = rate / 50
        jitter = AudioJitterBuffer(pool: pool, configuration: .init(clockRate: rate, frameTicks: samplesPerFrame))
        if case .opus(let ch) = configuration.codec {
            channels = ch
            opusDecoder = try OpusDecoder(sampleRate: 48_000, channels: ch)
            opusEncoder = configuration.source == .none || configuration.source.isEncodedLoop ? nil : try OpusEncoder(OpusEncoder.Configuration(channels: ch))
        } else {
            channels = 1
            opusDecoder = nil
            opusEncoder = nil
        }
        decoded = [Int16](repeating: 0, count: samplesPerFrame * channels)
        mixInput.initialize(repeating: 0)
        sendPCM = [Int16](repeating: 0, count: samplesPerFrame * channels)
        timestamp = configuration.stream.ssrc &* 2_246_822_519
        self.sink = sink
    }

    var dtmfDigits = ""

    deinit { mixInput.deallocate() }

    func receive(_ buffer: inout PacketBuffer, from source: SocketAddress, onRTCPSocket: Bool, now: Int64) -> Bool {
        switch stream.classify(&buffer, from: source, onRTCPSocket: onRTCPSocket, now: now) {
        case .dropped:
            return false
        case .rtcp(let bytes):
            let malformed = RTCPCompoundPacket.forEach(in: bytes) { packet in
                if case .senderReport(let report) = packet { stream.noteSenderReport(report.senderInfo, now: now) }
            }
            if let malformed { stream.drops.count(malformed) }
            return false
        case .rtp(let packet):
            if packet.payloadType == configuration.stream.payloadType {
                receivedAnything = true
                jitter.insert(buffer, timestamp: packet.timestamp, now: now)
                return true
            }
            if packet.payloadType == configuration.telephoneEventPayloadType {
                // Digits are control-plane events (rare): appending to a string is fine here.
                if let digit = dtmf.push(packet) { dtmfDigits.append(digit) }
                return false
            }
            stream.drops.count(.unknownPayloadType)
            return false
        }
    }

    /// Legs outside a space play and send on their own 20 ms schedule; in a space the room
    /// drives `play`, mixes, then `sendMix` for every leg together.
    func tick(now: Int64) {
        guard configuration.source != .conference else { return }
        if nextFrameAt == 0 { nextFrameAt = now }
        guard now >= nextFrameAt else { return }
        nextFrameAt += 20_000_000
        if now - nextFrameAt > 100_000_000 { nextFrameAt = now + 20_000_000 }
        play(now: now)
        sendOneFrame(now: now)
    }

    // MARK: Mixing (48 kHz mono is the room's common format)

    /// This leg's last 20 ms as 48 kHz mono (960 samples), valid after `play`. Fixed storage
    /// (allocated once) so the room's mixer can read it by pointer.
    let mixInput = UnsafeMutableBufferPointer<Int16>.allocate(capacity: 960)
    /// Energy of `mixInput` for speaker selection; -1 when muted or silent-by-absence.
    private(set) var mixEnergy: Int64 = -1
    private var mixOutput = [Int16](repeating: 0, count: 960)
    private lazy var upsampler: Resampler? = configuration.codec.clockRate == 48_000 ? nil : try? Resampler(inputRate: configuration.codec.clockRate, outputRate: 48_000)
    private lazy var downsampler: Resampler? = configuration.codec.clockRate == 48_000 ? nil : try? Resampler(inputRate: 48_000, outputRate: configuration.codec.clockRate)
    var muted = false
    /// CMS txAudioMute: the leg is sent silence (the stream keeps running).
    var sendsSilence = false

    /// Plays one frame and prepares `mixInput`/`mixEnergy`.
    func play(now: Int64) {
        let produced = playOneFrame(now: now)
        if !produced || muted {
            mixEnergy = -1
            return
        }
        if channels == 2 {
            for i in 0..<960 { mixInput[i] = Int16((Int32(decoded[2 * i]) + Int32(decoded[2 * i + 1])) / 2) }
        } else if let upsampler {
            let n = decoded.withUnsafeBufferPointer { input in (try? upsampler.convert(input, into: mixInput)) ?? 0 }
            for i in n..<960 { mixInput[i] = 0 }
        } else {
            for i in 0..<960 { mixInput[i] = decoded[i] }
        }
        mixEnergy = AudioMixer.energy(UnsafeBufferPointer(mixInput))
    }

    /// Encodes and sends what the room's mixer computed for this leg.
    func sendMix(_ mixer: AudioMixer, index: Int, now: Int64) {
        mixOutput.withUnsafeMutableBufferPointer { out in
            mixer.output(for: index, own: mixEnergy >= 0 ? UnsafeBufferPointer(mixInput) : nil, into: out)
            if sendsSilence { out.update(repeating: 0) }
        }
        if channels == 2 {
            for i in 0..<960 { sendPCM[2 * i] = mixOutput[i]; sendPCM[2 * i + 1] = mixOutput[i] }
        } else if let downsampler {
            let n = mixOutput.withUnsafeBufferPointer { input in
                sendPCM.withUnsafeMutableBufferPointer { (try? downsampler.convert(input, into: $0)) ?? 0 }
            }
            for i in n..<sendPCM.count { sendPCM[i] = 0 }
        } else {
            for i in 0..<960 { sendPCM[i] = mixOutput[i] }
        }
        sendOneFrame(now: now)
    }

    @discardableResult
    private func playOneFrame(now: Int64) -> Bool {
        var produced = false
        jitter.pull(now: now) { playout in
            switch playout {
            case .idle:
                break
            case .packet(let buffer):
                guard case .packet(let packet) = RTPPacket.parse(buffer.bytes) else { return }
                produced = decode(packet.payload)
            case .lost(let next):
                produced = conceal(next: next)
            }
        }
        if !produced { for i in decoded.indices { decoded[i] = 0 } }
        if produced, let sink { decoded.withUnsafeBufferPointer { sink($0, configuration.codec.clockRate, channels) } }
        return produced
    }

    private func decode(_ payload: UnsafeRawBufferPointer) -> Bool {
        stream.counters.framesDecoded += 1
        switch configuration.codec {
        case .opus:
            let ok = decoded.withUnsafeMutableBufferPointer { out -> Bool in
                guard let n = try? opusDecoder!.decode(payload, into: out), n > 0 else { return false }
                return true
            }
            if !ok { stream.counters.decodeErrors += 1 }
            return ok
        case .pcmu, .pcma:
            let law: G711.Law = configuration.codec == .pcmu ? .muLaw : .aLaw
            let count = min(payload.count, decoded.count)
            decoded.withUnsafeMutableBufferPointer { out in
                G711.decode(law, UnsafeBufferPointer(rebasing: payload.bindMemory(to: UInt8.self)[0..<count]), into: out)
                for i in count..<out.count { out[i] = 0 }
            }
            return true
        }
    }

    private func conceal(next: PacketBuffer?) -> Bool {
        guard receivedAnything else { return false }
        stream.counters.concealedFrames += 1
        switch configuration.codec {
        case .opus:
            return decoded.withUnsafeMutableBufferPointer { out -> Bool in
                if let next, case .packet(let packet) = RTPPacket.parse(next.bytes) {
                    return (try? opusDecoder!.recoverLoss(from: packet.payload, into: out, samplesPerChannel: samplesPerFrame)) != nil
                }
                return (try? opusDecoder!.concealLoss(into: out, samplesPerChannel: samplesPerFrame)) != nil
            }
        case .pcmu, .pcma:
            // G.711 has no concealment of its own: fade the last frame (RFC 3551 leaves it to us).
            for i in decoded.indices { decoded[i] = decoded[i] / 2 }
            return true
        }
    }

    private func sendOneFrame(now: Int64) {
        guard configuration.source != .none, let pool = worker?.pool else { return }
        guard stream.sends, stream.remote != nil else {
            // On hold: the media clock runs on (RFC 3550 §5.1), so resuming is not a jump back.
            timestamp &+= UInt32(samplesPerFrame)
            return
        }
        switch configuration.source {
        case .loopback:
            for i in sendPCM.indices { sendPCM[i] = decoded[i] }
        case .synthetic(let hz), .solid(_, _, _, let hz):
            let step = 2 * Double.pi * hz / Double(configuration.codec.clockRate)
            for i in 0..<samplesPerFrame {
                let value = Int16(0.3 * 32767 * sin(tonePhase))
                for c in 0..<channels { sendPCM[i * channels + c] = value }
                tonePhase += step
                if tonePhase > 2 * Double.pi { tonePhase -= 2 * Double.pi }
            }
        case .conference:
            break   // sendPCM was filled by sendMix
        case .none, .encodedLoop:
            return
        }
        guard var buffer = pool.acquire() else { return }
        defer { pool.release(buffer) }
        let header = RTPHeader(payloadType: configuration.stream.payloadType, sequenceNumber: stream.takeSequenceNumber(),
                               timestamp: timestamp, ssrc: configuration.stream.ssrc)
        guard let headerLength = header.write(into: buffer.writable) else { return }
        let out = UnsafeMutableRawBufferPointer(rebasing: buffer.writable[headerLength..<(buffer.capacity - 148)])
        let n: Int
        switch configuration.codec {
        case .opus:
            guard let encoded = sendPCM.withUnsafeBufferPointer({ try? opusEncoder!.encode($0, into: out) }) else { return }
            n = encoded
        case .pcmu, .pcma:
            let law: G711.Law = configuration.codec == .pcmu ? .muLaw : .aLaw
            sendPCM.withUnsafeBufferPointer { pcm in G711.encode(law, pcm, into: out.bindMemory(to: UInt8.self)) }
            n = samplesPerFrame
        }
        buffer.length = headerLength + n
        stream.sendRTP(buffer, timestamp: timestamp, now: now)
        stream.counters.framesEncoded += 1
        timestamp &+= UInt32(samplesPerFrame)
    }

    func statistics(into stats: inout MediaLegStatistics.Stream) {
        stats = stream.counters
        stats.dtmfDigits = dtmfDigits
        stream.mergeDrops(into: &stats)
        jitter.drops.merge(into: &stats.drops)
        dtmf.drops.merge(into: &stats.drops)
    }
}
