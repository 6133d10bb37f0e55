import Codecs
import MediaCore
import Mixer
import RTP

/// One leg's video: receive (SRTP → jitter buffer → RFC 6184 depacketizer → H.264 decoder)
/// and send (picture → H.264 encoder → packetizer → SRTP → socket), with the RTCP feedback
/// that ties them: NACK and PLI out when we lose, retransmission and IDR when the peer does.
final class VideoPipeline {
    let stream: MediaStream
    let configuration: VideoStreamConfiguration
    private let jitter: VideoJitterBuffer
    private let depacketizer = H264Depacketizer()
    private let decoder: H264Decoder
    /// The latest decoded picture (a reference; pixels shared with the decoder's pool).
    let latestPicture = VideoFrame()
    private(set) var hasPicture = false
    /// Set while the leg's video is muted on receive (black, made once at the mute).
    private var receiveMutedPicture: Canvas?
    private var showsBlank = false
    /// CMS txVideoMute: the leg is sent a black picture.
    var sendsBlank = false

    func setReceiveMuted(_ muted: Bool) {
        if muted, receiveMutedPicture == nil {
            let width = hasPicture ? Int(latestPicture.width) : 320, height = hasPicture ? Int(latestPicture.height) : 180
            receiveMutedPicture = try? Canvas(width: max(16, width & ~1), height: max(16, height & ~1))
            receiveMutedPicture?.fill(.black)
            showsBlank = false
        } else if !muted {
            receiveMutedPicture = nil
            showsBlank = false
        }
    }
    /// Counts decoded pictures, so the room lends each new one to other workers once.
    private(set) var pictureSerial = 0

    private var encoder: H264Encoder?
    private var packetizer: H264Packetizer
    private var canvas: Canvas?
    /// The encoder settings as negotiated; degradation derives smaller ones from them.
    /// Negotiated settings under the leg's qualityMain cap; degradation starts from these.
    private var fullEncoderConfiguration: H264EncoderConfiguration
    /// What was negotiated (the most a qualityMain change can restore).
    private let negotiatedEncoderConfiguration: H264EncoderConfiguration
    private(set) var degradation = 0
    /// Send every n-th frame slot (2 under load: 30 → 15 fps).
    private(set) var frameDivisor: Int64 = 1
    /// The encoder settings in force (negotiated, then degraded).
    private(set) var currentEncoderConfiguration: H264EncoderConfiguration
    /// The room view this leg is sent, and whether it still waits for that view's next IDR.
    private var currentView: SharedView?
    private var awaitingKeyframe = true
    private let scaler = Scaler()
    private let synthetic: SyntheticVideoSource?
    private let history = RetransmissionHistory()
    private let frameInterval: Int64
    private var nextFrameAt: Int64 = 0
    private var frameIndex = 0
    private var timestampBase: UInt32
    private var startedAt: Int64 = 0
    private var lastForcedKeyframeAt: Int64 = .min / 2
    private var keyframePending = false
    private var firSequence: UInt8 = 0
    private let sink: (@Sendable (VideoFrame, UInt32) -> Void)?
    private var nackScratch = [UInt16](repeating: 0, count: 128)

    init(_ configuration: VideoStreamConfiguration, host: String, cname: String, pool: PacketBufferPool,
         sink: (@Sendable (VideoFrame, UInt32) -> Void)?) throws {
        self.configuration = configuration
        stream = try MediaStream(configuration.stream, clockRate: 90_000, host: host, cname: cname)
        jitter = VideoJitterBuffer(pool: pool)
        decoder = try H264Decoder()
        packetizer = H264Packetizer(mode: configuration.packetizationMode, maximumPayloadSize: configuration.maximumPayloadSize)
        var encoderConfiguration = configuration.encoder
        if configuration.packetizationMode == .singleNAL && encoderConfiguration.maximumSliceBytes == nil {
            encoderConfiguration.maximumSliceBytes = configuration.maximumPayloadSize
        }
        fullEncoderConfiguration = encoderConfiguration
        negotiatedEncoderConfiguration = encoderConfiguration
        currentEncoderConfiguration = encoderConfiguration
        if configuration.source == .none || configuration.source == .conference || configuration.source.isEncodedLoop {
            // A conference leg's picture comes from its room's shared views (`SharedView`).
            encoder = nil
            canvas = nil
            synthetic = nil
        } else {
            encoder = try H264Encoder(encoderConfiguration)
            canvas = try Canvas(width: encoderConfiguration.width, height: encoderConfiguration.height)
            canvas?.fill(.black)
            if case .synthetic = configuration.source {
                synthetic = SyntheticVideoSource(width: encoderConfiguration.width, height: encoderConfiguration.height)
            } else {
                synthetic = nil
            }
            if case .solid(let r, let g, let b, _) = configuration.source { canvas?.fill(YUVColor(red: r, green: g, blue: b)) }
        }
        frameInterval = 1_000_000_000 / Int64(max(1, encoderConfiguration.framesPerSecond))
        layout = .allEqual
        timestampBase = configuration.stream.ssrc &* 2_654_435_761
        self.sink = sink
    }

    // MARK: Receive

    /// Takes a received datagram; returns true when it kept the buffer (jitter buffer owns it).
    func receive(_ buffer: inout PacketBuffer, from source: SocketAddress, onRTCPSocket: Bool, now: Int64) -> Bool {
        switch stream.classify(&buffer, from: source, onRTCPSocket: onRTCPSocket, now: now) {
        case .dropped:
            return false
        case .rtcp(let bytes):
            handleRTCP(bytes, now: now)
            return false
        case .rtp(let packet):
            guard packet.payloadType == configuration.stream.payloadType else {
                stream.drops.count(.unknownPayloadType)
                return false
            }
            jitter.insert(buffer, sequenceNumber: packet.sequenceNumber, now: now)
            return true
        }
    }

    private func handleRTCP(_ bytes: UnsafeRawBufferPointer, now: Int64) {
        let ssrc = configuration.stream.ssrc
        let malformed = RTCPCompoundPacket.forEach(in: bytes) { packet in
            switch packet {
            case .senderReport(let report):
                stream.noteSenderReport(report.senderInfo, now: now)
            case .pictureLossIndication(let pli) where pli.mediaSSRC == ssrc || pli.mediaSSRC == 0:
                stream.counters.keyframeRequestsReceived += 1
                keyframePending = true
            case .fullIntraRequest(let fir):
                if fir.entries.contains(where: { $0.ssrc == ssrc }) {
                    stream.counters.keyframeRequestsReceived += 1
                    keyframePending = true
                }
            case .genericNACK(let nack) where nack.mediaSSRC == ssrc:
                stream.counters.nacksReceived += 1
                for sequence in nack.lostSequenceNumbers { retransmit(sequence, now: now) }
            default:
                break
            }
        }
        if let malformed { stream.drops.count(malformed) }
    }

    private func retransmit(_ sequence: UInt16, now: Int64) {
        guard let stored = history.packet(sequence: sequence), var buffer = worker?.pool.acquire() else { return }
        buffer.writable.copyMemory(from: stored)
        buffer.length = stored.count
        stream.sendRTP(buffer, timestamp: stored.u32(4), now: now)
        worker?.pool.release(buffer)
        stream.counters.retransmissionsSent += 1
    }

    weak var worker: MediaWorker?
    /// The leg's space when its source is `.conference` (set by the worker on attach).
    weak var room: Room?
    weak var leg: MediaLeg?
    var layout: LayoutName

    // MARK: Tick

    func tick(now: Int64) {
        jitter.drain(now: now, deliver: { buffer in
            guard case .packet(let packet) = RTPPacket.parse(buffer.bytes) else { return }
            switch depacketizer.push(packet) {
            case .accessUnit(let unit):
                stream.counters.framesReceived += 1
                if unit.isKeyframe { stream.counters.keyframesReceived += 1 }
                if configuration.decodes { decode(unit, now: now) }
            case .dropped:
                jitter.requestKeyframe()
            case .incomplete:
                break
            }
        }, onLoss: { depacketizer.noteLoss() })

        var nackCount = 0
        jitter.dueNACKs(now: now) { sequence in
            if nackCount < nackScratch.count { nackScratch[nackCount] = sequence; nackCount += 1 }
        }
        if nackCount > 0, let remoteSSRC = stream.remoteSSRC {
            let ours = configuration.stream.ssrc
            nackScratch.withUnsafeBufferPointer { lost in
                stream.sendRTCP { buffer in
                    RTCPWriter.writeGenericNACK(senderSSRC: ours, mediaSSRC: remoteSSRC,
                                                lostSequenceNumbers: UnsafeBufferPointer(rebasing: lost[0..<nackCount]), into: buffer)
                }
            }
            stream.counters.nacksSent += 1
        }
        if jitter.takeKeyframeRequest(now: now), let remoteSSRC = stream.remoteSSRC {
            let ours = configuration.stream.ssrc
            firSequence &+= 1
            stream.sendRTCP { buffer in RTCPWriter.writePictureLossIndication(senderSSRC: ours, mediaSSRC: remoteSSRC, into: buffer) }
            stream.counters.keyframeRequestsSent += 1
        }

        if case .encodedLoop(let loop) = configuration.source {
            if startedAt == 0 {
                startedAt = now
                nextFrameAt = now
            }
            if now >= nextFrameAt {
                sendLooped(loop, now: now)
                nextFrameAt += frameInterval
                if now - nextFrameAt > 4 * frameInterval { nextFrameAt = now + frameInterval }
            }
        } else if encoder != nil && configuration.source != .conference {
            if startedAt == 0 {
                startedAt = now
                nextFrameAt = now
            }
            if now >= nextFrameAt {
                sendFrame(now: now)
                nextFrameAt += frameInterval * frameDivisor
                // Far behind (the worker stalled): skip frames rather than burst them.
                if now - nextFrameAt > 4 * frameInterval { nextFrameAt = now + frameInterval }
            }
        }
    }

    private func decode(_ unit: H264AccessUnit, now: Int64) {
        switch decoder.decode(unit.bytes) {
        case .frame(let picture):
            stream.counters.framesDecoded += 1
            if let blank = receiveMutedPicture {
                // CMS rxVideoMute: others see black; the decoder keeps running so unmuting
                // needs no keyframe.
                if !showsBlank {
                    try? latestPicture.reference(blank.frame)
                    showsBlank = true
                    hasPicture = true
                    pictureSerial &+= 1
                }
            } else {
                try? latestPicture.reference(picture)
                hasPicture = true
                pictureSerial &+= 1
            }
            sink?(picture, unit.timestamp)
        case .corrupt:
            stream.counters.decodeErrors += 1
            jitter.requestKeyframe()
        case .needsKeyframe:
            jitter.requestKeyframe()
        case .needsInput:
            break
        }
    }

    // MARK: Send

    /// Graceful degradation under worker overload (issue [bridge] §8), by level:
    /// 1 halves the frame rate (30 → 15 fps), 2 also steps the picture down one size
    /// (1080p → 720p → 480p), 3 also switches x264 to ultrafast. Level 0 restores the
    /// negotiated settings. A new encoder (on size or preset change) starts with an IDR;
    /// receivers see a new SPS and go on without a freeze.
    func setDegradation(_ level: Int) {
        // The synthetic source renders at its own fixed size: it keeps its encoder.
        guard level != degradation, encoder != nil || configuration.source == .conference, synthetic == nil else { return }
        degradation = level
        frameDivisor = level >= 1 ? 2 : 1
        var target = fullEncoderConfiguration
        if level >= 2 {
            let (w, h) = Self.oneStepDown(width: target.width, height: target.height)
            target = target.resized(width: w, height: h)
        }
        if level >= 3 { target.preset = .ultrafast }
        currentEncoderConfiguration = target
        // Conference legs: the new settings select (or make) another shared view.
        guard configuration.source != .conference else { return }
        guard let current = encoder?.configuration, current.width != target.width || current.height != target.height
                || current.preset != target.preset else { return }
        guard let newEncoder = try? H264Encoder(target), let newCanvas = try? Canvas(width: target.width, height: target.height) else { return }
        newCanvas.fill(.black)
        if case .solid(let r, let g, let b, _) = configuration.source { newCanvas.fill(YUVColor(red: r, green: g, blue: b)) }
        encoder = newEncoder
        canvas = newCanvas
        lastForcedKeyframeAt = .min / 2
    }

    /// CMS callLeg `qualityMain` on a live leg: the picture steps down the 1080p/720p/480p
    /// ladder until it fits `height` (never above what was negotiated). Degradation then
    /// applies on top; a conference leg moves to the view of the new size (IDR first).
    func setMaximumHeight(_ height: Int) {
        var target = negotiatedEncoderConfiguration
        while target.height > height {
            let (w, h) = Self.oneStepDown(width: target.width, height: target.height)
            guard h < target.height else { break }
            target = target.resized(width: w, height: h)
        }
        guard target.width != fullEncoderConfiguration.width || target.height != fullEncoderConfiguration.height else { return }
        fullEncoderConfiguration = target
        let level = degradation
        degradation = -1
        setDegradation(level)
    }

    /// 1080p → 720p → 480p; 480p and smaller stay (below that a picture stops being useful).
    static func oneStepDown(width: Int, height: Int) -> (Int, Int) {
        if height > 720 { return (1280, 720) }
        if height > 480 { return (848, 480) }
        return (width, height)
    }

    /// An IDR at the next frame (still at most one per 500 ms).
    func requestKeyframe() {
        keyframePending = true
        currentView?.requestKeyframe()
    }

    /// A new layout selects another shared view; the leg waits for that view's IDR
    /// (issue: layout change → IDR for that leg).
    func setLayout(_ newLayout: LayoutName) {
        guard newLayout != layout else { return }
        layout = newLayout
    }

    // MARK: Conference (driven by the room, one frame slot at a time)

    var isConference: Bool { configuration.source == .conference }

    /// Picks the view this leg gets in this slot (made on first use). Called for every
    /// conference leg before any view renders, so a view knows it is wanted.
    func chooseView(room: Room, leg: MediaLeg, now: Int64) -> SharedView? {
        guard stream.sends, stream.remote != nil else { return nil }
        guard let view = room.view(for: leg, layout: layout, labels: leg.configuration.participantLabels,
                                   configuration: currentEncoderConfiguration, blank: sendsBlank, now: now) else { return nil }
        if view !== currentView {
            // A picture stream this receiver has not seen: start it at an IDR.
            currentView = view
            awaitingKeyframe = true
            view.requestKeyframe(urgent: true)
        }
        if keyframePending {
            view.requestKeyframe()
            keyframePending = false
        }
        return view
    }

    /// Sends this slot's picture of the chosen view (after the room rendered it).
    func sendView(now: Int64) {
        guard let view = currentView, view.renderedAt == now, view.length > 0, stream.sends, stream.remote != nil else { return }
        if awaitingKeyframe {
            guard view.isKeyframe else { return }
            awaitingKeyframe = false
        }
        if startedAt == 0 { startedAt = now }
        frameIndex += 1
        stream.counters.framesEncoded += 1
        if view.isKeyframe { stream.counters.keyframesSent += 1 }
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: MediaClock.ticks(nanoseconds: now - startedAt, clockRate: 90_000))
        let bytes = view.bytes
        packetizer.forEachPayload(in: bytes) { payload in send(payload, from: bytes, timestamp: timestamp, now: now) }
    }

    private func sendFrame(now: Int64) {
        guard let encoder, let canvas, stream.sends, stream.remote != nil else { return }
        if let synthetic {
            synthetic.render(frame: frameIndex, into: canvas.frame)
        } else if configuration.source == .loopback && hasPicture {
            _ = try? scaler.scale(latestPicture, into: canvas, rect: canvas.bounds)
        }   // .solid: the canvas was painted once at creation
        frameIndex += 1
        // At most one IDR per 500 ms however often the peer asks (PLI storms after loss).
        if keyframePending && now - lastForcedKeyframeAt >= 500_000_000 {
            encoder.forceKeyframe()
            lastForcedKeyframeAt = now
            keyframePending = false
        }
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: MediaClock.ticks(nanoseconds: now - startedAt, clockRate: 90_000))
        _ = try? encoder.encode(canvas.frame) { unit in
            stream.counters.framesEncoded += 1
            if unit.isKeyframe { stream.counters.keyframesSent += 1 }
            packetizer.forEachPayload(in: unit.bytes) { payload in send(payload, from: unit.bytes, timestamp: timestamp, now: now) }
        }
    }

    /// The next access unit of a pre-encoded loop (keyframe requests wait for the loop's IDR).
    private func sendLooped(_ loop: EncodedVideoLoop, now: Int64) {
        guard stream.sends, stream.remote != nil else { return }
        let index = frameIndex % loop.accessUnits.count
        frameIndex += 1
        stream.counters.framesEncoded += 1
        if loop.keyframes[index] { stream.counters.keyframesSent += 1 }
        let timestamp = timestampBase &+ UInt32(truncatingIfNeeded: MediaClock.ticks(nanoseconds: now - startedAt, clockRate: 90_000))
        loop.accessUnits[index].withUnsafeBytes { bytes in
            packetizer.forEachPayload(in: bytes) { payload in send(payload, from: bytes, timestamp: timestamp, now: now) }
        }
        loop.onSend?(index, now)
    }

    private func send(_ payload: H264Payload, from accessUnit: UnsafeRawBufferPointer, timestamp: UInt32, now: Int64) {
        guard let pool = worker?.pool, var buffer = pool.acquire() else { return }
        defer { pool.release(buffer) }
        let sequence = stream.takeSequenceNumber()
        let header = RTPHeader(marker: payload.isLastOfAccessUnit, payloadType: configuration.stream.payloadType,
                               sequenceNumber: sequence, timestamp: timestamp, ssrc: configuration.stream.ssrc)
        guard let headerLength = header.write(into: buffer.writable) else { return }
        let room = buffer.capacity - headerLength - 148   // SRTP trailer
        guard payload.payloadSize <= room else { return }
        let n = payload.write(from: accessUnit, into: UnsafeMutableRawBufferPointer(rebasing: buffer.writable[headerLength...]))
        buffer.length = headerLength + n
        history.store(sequence: sequence, buffer.bytes)
        stream.sendRTP(buffer, timestamp: timestamp, now: now)
    }

    func statistics(into stats: inout MediaLegStatistics.Stream) {
        stats = stream.counters
        stream.mergeDrops(into: &stats)
        depacketizer.drops.merge(into: &stats.drops)
        jitter.drops.merge(into: &stats.drops)
    }
}

extension H264EncoderConfiguration {
    /// The same settings at another picture size (bitrate re-derived for the size).
    func resized(width: Int, height: Int) -> H264EncoderConfiguration {
        H264EncoderConfiguration(width: width, height: height, framesPerSecond: framesPerSecond, vbvBufferSeconds: vbvBufferSeconds,
                                 preset: preset, keyframeInterval: keyframeInterval, maximumSliceBytes: maximumSliceBytes)
    }
}
