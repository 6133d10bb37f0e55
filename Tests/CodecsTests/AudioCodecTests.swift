import CFFmpeg
import Codecs
import MediaAnalysis
import Testing

@Suite("Opus")
struct OpusTests {
    func roundTrip(channels: Int, seconds: Double = 1) throws -> [Int16] {
        let encoder = try OpusEncoder(OpusEncoder.Configuration(channels: channels))
        let decoder = try OpusDecoder(channels: channels)
        var tone = ToneGenerator(frequency: 1000, sampleRate: 48_000)
        var out: [Int16] = []
        for _ in 0..<Int(seconds * 50) {
            let packet = try encoder.encode(tone.next(960, channels: channels))
            #expect(packet.count > 0 && packet.count <= 1275)
            out += try decoder.decode(packet)
        }
        return out
    }

    @Test("1 kHz tone survives an Opus round trip", arguments: [1, 2])
    func toneRoundTrip(channels: Int) throws {
        let decoded = try roundTrip(channels: channels)
        #expect(decoded.count == 48_000 * channels)
        // Mono view of the second half (past the codec's start-up).
        let mono = stride(from: 24_000 * channels, to: decoded.count, by: channels).map { decoded[$0] }
        let analysis = ToneAnalysis.analyse(mono, sampleRate: 48_000)
        print("Opus \(channels) ch: \(analysis)")
        #expect(abs(analysis.peakFrequency - 1000) < 10)
        #expect(analysis.signalToNoiseDB >= 20)
        #expect(analysis.levelDBFS > -12)
    }

    @Test func lostFramesAreConcealedAndFECRecovers() throws {
        let encoder = try OpusEncoder(OpusEncoder.Configuration(expectedPacketLossPercent: 20))
        let decoder = try OpusDecoder()
        var tone = ToneGenerator(frequency: 440, sampleRate: 48_000)
        var packets: [[UInt8]] = []
        for _ in 0..<20 { packets.append(try encoder.encode(tone.next(960))) }
        var pcm = [Int16](repeating: 0, count: 960)
        for i in 0..<10 { _ = try decoder.decode(packets[i]) }
        let concealed = try pcm.withUnsafeMutableBufferPointer { try decoder.concealLoss(into: $0, samplesPerChannel: 960) }
        #expect(concealed == 960)
        #expect(pcm.contains { $0 != 0 }, "concealment continues the tone, not silence")
        let recovered = try packets[12].withUnsafeBytes { next in
            try pcm.withUnsafeMutableBufferPointer { try decoder.recoverLoss(from: next, into: $0, samplesPerChannel: 960) }
        }
        #expect(recovered == 960)
        #expect(decoder.concealedFrames == 2)
    }

    @Test func corruptPacketIsAnErrorNotACrash() throws {
        let decoder = try OpusDecoder()
        var rng = SeededGenerator(seed: 3)
        var errors = 0
        for _ in 0..<500 {
            let junk = (0..<Int.random(in: 1...400, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            do { _ = try decoder.decode(junk) } catch { errors += 1 }
        }
        #expect(errors > 0 && decoder.corruptPackets == errors)
    }

    @Test func badConfigurationsAreRefused() {
        #expect(throws: CodecError.self) { try OpusEncoder(OpusEncoder.Configuration(sampleRate: 44_100)) }
        #expect(throws: CodecError.self) { try OpusEncoder(OpusEncoder.Configuration(channels: 3)) }
        #expect(throws: CodecError.self) { try OpusDecoder(sampleRate: 11_025) }
    }
}

@Suite("G.711")
struct G711Tests {
    /// Values from the ITU-T G.711 tables (Table 1 µ-law, Table 2 A-law), 16-bit scaled.
    @Test func matchesITUTableValues() {
        // µ-law: code 0xFF and 0x7F are ±0; 0x80/0x00 are the largest magnitudes (8031 × 4 = 32124).
        #expect(G711.muLawDecode(0xFF) == 0)
        #expect(G711.muLawDecode(0x7F) == 0)
        #expect(G711.muLawDecode(0x80) == 32124)
        #expect(G711.muLawDecode(0x00) == -32124)
        #expect(G711.muLawDecode(0xFE) == 8)     // first step: 1 × 8 (14-bit 2)
        #expect(G711.muLawDecode(0xF0) == 120)   // end of segment 0: 15 steps of 8
        #expect(G711.muLawDecode(0xEF) == 132)   // segment 1 starts, steps of 16
        // A-law: 0xD5/0x55 are ±8 (13-bit ±1), 0xAA/0x2A the largest magnitudes (4032 × 8).
        #expect(G711.aLawDecode(0xD5) == 8)
        #expect(G711.aLawDecode(0x55) == -8)
        #expect(G711.aLawDecode(0xAA) == 32256)
        #expect(G711.aLawDecode(0x2A) == -32256)
        #expect(G711.muLawEncode(0) == 0xFF)
        #expect(G711.muLawEncode(124) == 0xEF, "14-bit 31 is a decision value: it belongs to the upper interval")
        #expect(G711.muLawEncode(120) == 0xF0)
        #expect(G711.aLawEncode(0) == 0xD5)
        #expect(G711.muLawEncode(32767) == 0x80 && G711.muLawEncode(-32768) == 0x00)
        #expect(G711.aLawEncode(32767) == 0xAA && G711.aLawEncode(-32768) == 0x2A)
    }

    @Test func tableAndReferenceConversionsAgreeForEveryValue() {
        for code in 0...255 {
            #expect(G711.decode(.muLaw, UInt8(code)) == G711.muLawDecode(UInt8(code)))
            #expect(G711.decode(.aLaw, UInt8(code)) == G711.aLawDecode(UInt8(code)))
            // Decoding then encoding returns the code (except µ-law's duplicate zero 0x7F → 0xFF).
            if code != 0x7F { #expect(G711.muLawEncode(G711.muLawDecode(UInt8(code))) == UInt8(code)) }
            #expect(G711.aLawEncode(G711.aLawDecode(UInt8(code))) == UInt8(code))
        }
        for sample in Int(Int16.min)...Int(Int16.max) {
            let s = Int16(sample)
            if G711.encode(.muLaw, s) != G711.muLawEncode(s) || G711.encode(.aLaw, s) != G711.aLawEncode(s) {
                Issue.record("table and reference differ at \(sample)")
                return
            }
        }
    }

    /// Cross-check against FFmpeg's independent pcm_mulaw / pcm_alaw codecs for all 65536 inputs.
    /// Decoding must be identical. Encoding may differ only at decision boundaries: FFmpeg
    /// rounds to the nearest reconstruction level, G.711/G.191 use the standard's decision
    /// levels (e.g. 14-bit µ-law input 31 is code 16, not 15) and one's complement for negative
    /// samples. Where they differ, the sample must lie between the two codes' levels.
    @Test("agrees with FFmpeg's G.711 codecs", arguments: [(G711.Law.muLaw, "pcm_mulaw"), (G711.Law.aLaw, "pcm_alaw")])
    func agreesWithFFmpeg(law: G711.Law, codecName: String) throws {
        let input = (Int(Int16.min)...Int(Int16.max)).map { Int16($0) }
        let encoded = try FFmpegPCM.encode(input, codec: codecName)
        #expect(encoded.count == input.count)
        var ours = [UInt8](repeating: 0, count: input.count)
        input.withUnsafeBufferPointer { i in ours.withUnsafeMutableBufferPointer { G711.encode(law, i, into: $0) } }
        let encodeMismatch = (0..<input.count).first { i in
            guard ours[i] != encoded[i] else { return false }
            let a = Int(G711.decode(law, ours[i])), b = Int(G711.decode(law, encoded[i])), x = Int(input[i])
            return x < min(a, b) || x > max(a, b)
        }
        let boundaryDifferences = (0..<input.count).filter { ours[$0] != encoded[$0] }.count
        print("G.711 \(codecName): \(boundaryDifferences) of 65536 samples sit on a decision boundary where FFmpeg rounds differently")
        #expect(encodeMismatch == nil, "first encode mismatch at sample \(encodeMismatch.map { Int(input[$0]) } ?? 0): ours \(encodeMismatch.map { ours[$0] } ?? 0), FFmpeg \(encodeMismatch.map { encoded[$0] } ?? 0)")
        let codes = (0...255).map { UInt8($0) }
        let theirs = try FFmpegPCM.decode(codes, codec: codecName)
        var decoded = [Int16](repeating: 0, count: 256)
        codes.withUnsafeBufferPointer { c in decoded.withUnsafeMutableBufferPointer { G711.decode(law, c, into: $0) } }
        let decodeMismatch = (0..<256).first { decoded[$0] != theirs[$0] }
        #expect(decodeMismatch == nil, "first decode mismatch at code \(decodeMismatch ?? 0): ours \(decodeMismatch.map { decoded[$0] } ?? 0), FFmpeg \(decodeMismatch.map { theirs[$0] } ?? 0)")
    }
}

@Suite("Resampler")
struct ResamplerTests {
    @Test("keeps a tone's frequency", arguments: [(48_000, 8_000), (8_000, 48_000), (16_000, 48_000), (48_000, 16_000)])
    func keepsToneFrequency(from: Int, to: Int) throws {
        let resampler = try Resampler(inputRate: from, outputRate: to)
        var tone = ToneGenerator(frequency: 1000, sampleRate: from)
        var out: [Int16] = []
        for _ in 0..<50 { out += try resampler.convert(tone.next(from / 50)) }   // 1 s in 20 ms chunks
        #expect(abs(out.count - to) <= to / 50, "about one second of output (\(out.count))")
        let analysis = ToneAnalysis.analyse(Array(out.dropFirst(to / 10)), sampleRate: to)
        print("resample \(from) → \(to): \(analysis)")
        #expect(abs(analysis.peakFrequency - 1000) < 10)
        #expect(analysis.signalToNoiseDB > 30)
    }

    @Test func stereoAndMonoAreBothSupported() throws {
        let stereo = try Resampler(inputRate: 48_000, outputRate: 16_000, channels: 2)
        let out = try stereo.convert([Int16](repeating: 1000, count: 960 * 2))
        #expect(out.count % 2 == 0)
        #expect(throws: CodecError.self) { try Resampler(inputRate: 11_025, outputRate: 48_000) }
    }
}

/// Runs FFmpeg's own PCM codecs, the independent reference for our G.711 tables.
enum FFmpegPCM {
    static func encode(_ samples: [Int16], codec name: String) throws -> [UInt8] {
        let codec = try #require(avcodec_find_encoder_by_name(name))
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        let c = try #require(ctx)
        c.pointee.sample_rate = 8000
        c.pointee.sample_fmt = AV_SAMPLE_FMT_S16
        av_channel_layout_default(&c.pointee.ch_layout, 1)
        try #require(avcodec_open2(c, codec, nil) == 0)
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        let f = try #require(frame)
        f.pointee.nb_samples = Int32(samples.count)
        f.pointee.format = AV_SAMPLE_FMT_S16.rawValue
        av_channel_layout_default(&f.pointee.ch_layout, 1)
        try #require(av_frame_get_buffer(f, 0) == 0)
        samples.withUnsafeBytes { src in f.pointee.data.0!.update(from: src.bindMemory(to: UInt8.self).baseAddress!, count: src.count) }
        try #require(avcodec_send_frame(c, f) == 0)
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        let p = try #require(packet)
        try #require(avcodec_receive_packet(c, p) == 0)
        return Array(UnsafeBufferPointer(start: p.pointee.data, count: Int(p.pointee.size)))
    }

    static func decode(_ codes: [UInt8], codec name: String) throws -> [Int16] {
        let codec = try #require(avcodec_find_decoder_by_name(name))
        var ctx = avcodec_alloc_context3(codec)
        defer { avcodec_free_context(&ctx) }
        let c = try #require(ctx)
        c.pointee.sample_rate = 8000
        av_channel_layout_default(&c.pointee.ch_layout, 1)
        try #require(avcodec_open2(c, codec, nil) == 0)
        var packet = av_packet_alloc()
        defer { av_packet_free(&packet) }
        let p = try #require(packet)
        try #require(av_new_packet(p, Int32(codes.count)) == 0)
        codes.withUnsafeBufferPointer { p.pointee.data.update(from: $0.baseAddress!, count: codes.count) }
        try #require(avcodec_send_packet(c, p) == 0)
        var frame = av_frame_alloc()
        defer { av_frame_free(&frame) }
        let f = try #require(frame)
        try #require(avcodec_receive_frame(c, f) == 0)
        return f.pointee.data.0!.withMemoryRebound(to: Int16.self, capacity: Int(f.pointee.nb_samples)) {
            Array(UnsafeBufferPointer(start: $0, count: Int(f.pointee.nb_samples)))
        }
    }
}
