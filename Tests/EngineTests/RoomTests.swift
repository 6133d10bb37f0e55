import Codecs
import Engine
import Glibc
import MediaCore
import MediaAnalysis
import Mixer
import Testing

@Suite("Rooms: legs of one space on a worker", .serialized)
struct RoomTests {
    struct Participant {
        let name: String
        let rgb: (UInt8, UInt8, UInt8)
        let tone: Double
    }

    static let people = [Participant(name: "RED", rgb: (255, 0, 0), tone: 440),
                         Participant(name: "GREEN", rgb: (0, 255, 0), tone: 880),
                         Participant(name: "BLUE", rgb: (0, 0, 255), tone: 1320)]

    /// Three endpoints (solid colour + tone) each connected to a leg of space 1 (allEqual).
    /// Each endpoint must see the other two colours and not its own, and hear the other two
    /// tones and not its own.
    /// Three endpoints (solid colour + tone), each connected to a leg of space 1 (room legs
    /// 100…102, allEqual, 640×360). Returns each endpoint's recorder.
    static func threeParticipants(on harness: some LegHost, people: [Participant] = people,
                                  layout: LayoutName = .allEqual) throws -> [Recorder] {
        var recorders: [Recorder] = []
        for (i, person) in people.enumerated() {
            var roomConfig = MediaLegConfiguration(id: 100 + i)
            roomConfig.spaceID = 1
            roomConfig.displayName = person.name
            roomConfig.participantLabels = false
            roomConfig.layout = layout
            var rv = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(100 + i)),
                                              encoder: H264EncoderConfiguration(width: 640, height: 360, bitrate: 800_000))
            rv.source = .conference
            roomConfig.video = rv
            var ra = AudioStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 111, ssrc: UInt32(200 + i)), codec: .opus(channels: 1))
            ra.source = .conference
            roomConfig.audio = ra
            let roomWorker = harness.worker(for: i)
            let roomLeg = try MediaLeg(roomConfig, for: roomWorker)

            let recorder = Recorder(keepEvery: 15)
            recorders.append(recorder)
            var endpoint = MediaLegConfiguration(id: 200 + i)
            var ev = MediaStreamConfiguration(payloadType: 96, ssrc: UInt32(300 + i))
            ev.remote = SocketAddress(host: "127.0.0.1", port: try #require(roomLeg.videoPort))
            var evc = VideoStreamConfiguration(stream: ev, encoder: H264EncoderConfiguration(width: 320, height: 180, bitrate: 300_000))
            evc.source = .solid(red: person.rgb.0, green: person.rgb.1, blue: person.rgb.2, toneHz: person.tone)
            endpoint.video = evc
            var ea = MediaStreamConfiguration(payloadType: 111, ssrc: UInt32(400 + i))
            ea.remote = SocketAddress(host: "127.0.0.1", port: try #require(roomLeg.audioPort))
            var eac = AudioStreamConfiguration(stream: ea, codec: .opus(channels: 1))
            eac.source = .solid(red: 0, green: 0, blue: 0, toneHz: person.tone)
            endpoint.audio = eac
            let endpointWorker = harness.worker(for: i + 1)
            let endpointLeg = try MediaLeg(endpoint, for: endpointWorker, videoSink: recorder.videoSink, audioSink: recorder.audioSink)
            recorder.markStart()
            try harness.attach(roomLeg, on: roomWorker)
            try harness.attach(endpointLeg, on: endpointWorker)
        }
        return recorders
    }

    /// Three endpoints (solid colour + tone) each connected to a leg of space 1 (allEqual).
    /// Each endpoint must see the other two colours and not its own, and hear the other two
    /// tones and not its own. Each gets its first decodable picture (the slate or the
    /// composition, an IDR) well within 300 ms of joining.
    @Test func threeParticipantsSeeAndHearEachOtherButNotThemselves() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorders = try Self.threeParticipants(on: harness)
        runFor(seconds: 4)
        try Self.expectEachSeesAndHearsTheOthers(recorders)
    }

    /// One space spread over two workers (legs 100 and 102 on worker 0, 101 on worker 1, the
    /// endpoints on the other worker each): pictures and audio cross workers through the
    /// workers' links, and every participant still sees and hears exactly the two others.
    @Test func aSpaceSpreadOverTwoWorkersSeesAndHearsAcrossThem() throws {
        let harness = try EngineHarness(workers: 2)
        defer { harness.stop() }
        let recorders = try Self.threeParticipants(on: harness)
        runFor(seconds: 4)
        try Self.expectEachSeesAndHearsTheOthers(recorders)
        let workers = harness.engine.workers
        print("cross-worker drops \(workers.map(\.crossWorkerDrops)), remote audio underruns \(workers.map(\.remoteAudioUnderruns))")
        #expect(workers.allSatisfy { $0.crossWorkerDrops == 0 })
        // 4 s = 200 periods per remote member; an underrun now and then, not a steady gap.
        #expect(workers.allSatisfy { $0.remoteAudioUnderruns < 10 })
    }

    static func expectEachSeesAndHearsTheOthers(_ recorders: [Recorder]) throws {
        for (i, person) in Self.people.enumerated() {
            let firstPicture = try #require(recorders[i].millisecondsToFirstPicture, "\(person.name) decoded a picture")
            print("\(person.name): first decoded picture \(firstPicture) ms after joining")
            #expect(firstPicture < 300, "a new leg gets a decodable picture within 300 ms")
            let picture = try #require(recorders[i].recordedPictures.last, "\(person.name) received pictures")
            #expect(picture.width == 640 && picture.height == 360)
            // allEqual with two sources: two half-width panes in the middle band.
            let left = picture.luma[180 * 640 + 160], right = picture.luma[180 * 640 + 480]
            let others = Self.people.enumerated().filter { $0.offset != i }.map { YUVColor(red: $0.element.rgb.0, green: $0.element.rgb.1, blue: $0.element.rgb.2).y }
            let own = YUVColor(red: person.rgb.0, green: person.rgb.1, blue: person.rgb.2).y
            func near(_ a: UInt8, _ b: UInt8) -> Bool { abs(Int(a) - Int(b)) <= 12 }
            print("\(person.name) sees luma \(left) | \(right); others \(others), own \(own)")
            #expect((near(left, others[0]) && near(right, others[1])) || (near(left, others[1]) && near(right, others[0])))
            #expect(!near(left, own) && !near(right, own))

            let heard = Array(recorders[i].recordedSamples.suffix(48_000))
            for other in Self.people {
                let level = ToneAnalysis.level(of: other.tone, in: heard, sampleRate: 48_000)
                print("\(person.name) hears \(other.tone) Hz at \(Int(level)) dBFS")
                if other.name == person.name { #expect(level < -35, "\(person.name) must not hear itself") }
                else { #expect(level > -25, "\(person.name) hears \(other.name)") }
            }
        }
    }

    @Test func aLoneParticipantSeesTheWaitingSlate() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        var roomConfig = MediaLegConfiguration(id: 150)
        roomConfig.spaceID = 9
        var rv = VideoStreamConfiguration(stream: MediaStreamConfiguration(payloadType: 96, ssrc: 150),
                                          encoder: H264EncoderConfiguration(width: 640, height: 360, bitrate: 500_000))
        rv.source = .conference
        roomConfig.video = rv
        let roomLeg = try MediaLeg(roomConfig, for: harness.worker)
        let recorder = Recorder(keepEvery: 10)
        var endpoint = MediaLegConfiguration(id: 151)
        var ev = MediaStreamConfiguration(payloadType: 96, ssrc: 151)
        ev.remote = SocketAddress(host: "127.0.0.1", port: try #require(roomLeg.videoPort))
        var evc = VideoStreamConfiguration(stream: ev, encoder: H264EncoderConfiguration(width: 320, height: 180))
        evc.source = .solid(red: 255, green: 255, blue: 0, toneHz: 500)
        endpoint.video = evc
        try harness.attach(roomLeg)
        try harness.attach(try MediaLeg(endpoint, for: harness.worker, videoSink: recorder.videoSink))
        runFor(seconds: 2)
        let picture = try #require(recorder.recordedPictures.last)
        #expect(abs(Int(picture.luma[10 * 640 + 10]) - Int(Compositor.slateColor.y)) <= 6, "slate background")
        let white = picture.luma[(150 * 640)..<(210 * 640)].filter { $0 > 200 }.count
        #expect(white > 300, "slate text")
    }

    /// The Control API's per-leg commands on a live room: RED's layout switches from allEqual
    /// (two half-width panes) to speakerOnly (one full-screen pane, RED not in it), and
    /// GREEN, muted, drops out of what RED hears while BLUE stays.
    @Test func layoutChangeAndMuteTakeEffectOnALiveLeg() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorders = try Self.threeParticipants(on: harness)
        runFor(seconds: 3)
        harness.worker.send(.setLayout(legID: 100, .speakerOnly))
        harness.worker.send(.setAudioMuted(legID: 101, true))
        // The picture changes within 1 s of the command (the bound).
        runFor(seconds: 1)
        let red = recorders[0]
        let picture = try #require(red.recordedPictures.last)
        let left = picture.luma[180 * 640 + 100], middle = picture.luma[180 * 640 + 320], right = picture.luma[180 * 640 + 540]
        let green = YUVColor(red: 0, green: 255, blue: 0).y, blue = YUVColor(red: 0, green: 0, blue: 255).y
        func near(_ a: UInt8, _ b: UInt8) -> Bool { abs(Int(a) - Int(b)) <= 12 }
        print("RED in speakerOnly sees luma \(left) | \(middle) | \(right)")
        #expect(near(left, middle) && near(middle, right), "one full-screen pane")
        #expect(near(middle, green) || near(middle, blue), "the speaker is one of the others")
        runFor(seconds: 2)
        let heard = Array(red.recordedSamples.suffix(48_000))
        let greenLevel = ToneAnalysis.level(of: 880, in: heard, sampleRate: 48_000)
        let blueLevel = ToneAnalysis.level(of: 1320, in: heard, sampleRate: 48_000)
        print("RED hears muted GREEN at \(Int(greenLevel)) dBFS, BLUE at \(Int(blueLevel)) dBFS")
        #expect(greenLevel < -35, "muted GREEN left out of the mix")
        #expect(blueLevel > -25, "BLUE still heard")
    }

    /// CMS call leg mutes on live legs: GREEN rxVideo-muted shows black to the others (the
    /// decoder keeps running), BLUE rxAudio-muted leaves the mix, RED txAudio-muted hears
    /// silence and txVideo-muted receives a black picture; unmuting restores the picture.
    @Test func callLegMutesTakeEffectOnLiveLegs() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let recorders = try Self.threeParticipants(on: harness)
        runFor(seconds: 3)
        harness.worker.send(.setMutes(legID: 101, MediaLegMutes(rxVideo: true)))
        harness.worker.send(.setMutes(legID: 102, MediaLegMutes(rxAudio: true)))
        runFor(seconds: 2)
        let black = YUVColor(red: 0, green: 0, blue: 0).y, green = YUVColor(red: 0, green: 255, blue: 0).y
        let blue = YUVColor(red: 0, green: 0, blue: 255).y, red = YUVColor(red: 255, green: 0, blue: 0).y
        func near(_ a: UInt8, _ b: UInt8) -> Bool { abs(Int(a) - Int(b)) <= 12 }
        let redView = try #require(recorders[0].recordedPictures.last)
        let (l, r) = (redView.luma[180 * 640 + 160], redView.luma[180 * 640 + 480])
        print("RED sees \(l) | \(r) with GREEN's video muted")
        #expect(near(l, black) && near(r, blue), "GREEN's pane is black, BLUE's still shows")
        let blueView = try #require(recorders[2].recordedPictures.last)
        #expect(near(blueView.luma[180 * 640 + 160], red) && near(blueView.luma[180 * 640 + 480], black))
        let heard = Array(recorders[0].recordedSamples.suffix(48_000))
        #expect(ToneAnalysis.level(of: 1320, in: heard, sampleRate: 48_000) < -35, "BLUE's rx audio mute keeps it out of RED's mix")
        #expect(ToneAnalysis.level(of: 880, in: heard, sampleRate: 48_000) > -25, "GREEN is still heard")

        harness.worker.send(.setMutes(legID: 100, MediaLegMutes(txAudio: true, txVideo: true)))
        harness.worker.send(.setMutes(legID: 101, MediaLegMutes()))
        runFor(seconds: 2)
        let muted = try #require(recorders[0].recordedPictures.last)
        let samples = [muted.luma[180 * 640 + 160], muted.luma[180 * 640 + 320], muted.luma[180 * 640 + 480]]
        #expect(samples.allSatisfy { near($0, black) }, "RED's tx video mute sends black: \(samples)")
        let silence = Array(recorders[0].recordedSamples.suffix(24_000))
        #expect(ToneAnalysis.level(of: 880, in: silence, sampleRate: 48_000) < -50, "RED's tx audio mute sends silence")
        let blueAgain = try #require(recorders[2].recordedPictures.last)
        #expect(near(blueAgain.luma[180 * 640 + 480], green), "GREEN's picture is back after the unmute")
    }

    /// speakerOnly with four participants: everyone but the speaker sees the speaker, so the
    /// room encodes two pictures per frame slot (the speaker's view and everyone else's), not
    /// four; every endpoint still decodes a clean 30 fps stream from the shared encoder.
    @Test func legsWithIdenticalViewsShareOneEncoder() throws {
        let harness = try WorkerHarness()
        defer { harness.stop() }
        let four = Self.people + [Participant(name: "WHITE", rgb: (255, 255, 255), tone: 1760)]
        let recorders = try Self.threeParticipants(on: harness, people: four, layout: .speakerOnly)
        runFor(seconds: 3)
        func snapshot() -> (sent: Int, encodes: Int, views: Int) {
            harness.worker.send(.reportStatistics)
            var sent = 0, encodes = 0, views = 0, rooms = 0, legs = 0
            harness.waitFor({ event in
                switch event {
                case .statistics(let id, let stats) where (100..<104).contains(id): sent += stats.video.framesEncoded; legs += 1
                case .roomStatistics(_, let v, let e): encodes = e; views = v; rooms += 1
                default: break
                }
                return rooms == 1 && legs == 4
            }, seconds: 5)
            return (sent, encodes, views)
        }
        let before = snapshot()
        let decodedBefore = recorders.map(\.decodedFrames)
        runFor(seconds: 3)
        let after = snapshot()
        let sent = after.sent - before.sent, encodes = after.encodes - before.encodes
        let rates = zip(decodedBefore, recorders.map(\.decodedFrames)).map { Double($1 - $0) / 3 }
        print("speakerOnly × 4: \(sent) frames sent, \(encodes) encoded, \(after.views) views; endpoints decode \(rates.map { Int($0.rounded()) }) fps")
        #expect(after.views == 2, "the speaker's view and everyone else's")
        #expect(Double(encodes) <= 0.55 * Double(sent), "shared: about half as many encodes as frames sent")
        for rate in rates { #expect(rate >= 25, "every endpoint still gets a full-rate stream") }
        for (i, recorder) in recorders.enumerated() {
            let picture = try #require(recorder.recordedPictures.last)
            let centre = picture.luma[180 * 640 + 320]
            let own = YUVColor(red: four[i].rgb.0, green: four[i].rgb.1, blue: four[i].rgb.2).y
            #expect(abs(Int(centre) - Int(own)) > 12, "\(four[i].name) sees someone else full screen")
        }
    }
}
