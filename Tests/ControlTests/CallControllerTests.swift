import Control
import Engine
import Foundation
import SDP
import Testing

@Suite("CallController (dial plan, negotiation, placement)", .serialized)
struct CallControllerTests {
    static func offer(audioPort: Int, videoPort: Int, mode: Int = 1, crypto: String? = nil, profileLevelID: String = "42e01f") -> String {
        let profile = crypto == nil ? "RTP/AVP" : "RTP/SAVP"
        let cryptoLine = crypto.map { "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:\($0)\r\n" } ?? ""
        return "v=0\r\no=- 42 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n"
            + "m=audio \(audioPort) \(profile) 111 0 101\r\na=rtpmap:111 opus/48000/2\r\na=rtpmap:0 PCMU/8000\r\na=rtpmap:101 telephone-event/48000\r\n\(cryptoLine)a=sendrecv\r\n"
            + "m=video \(videoPort) \(profile) 96\r\na=rtpmap:96 H264/90000\r\na=fmtp:96 packetization-mode=\(mode);profile-level-id=\(profileLevelID)\r\n\(cryptoLine)a=sendrecv\r\n"
    }

    @Test func joinsAKnownSpaceAndRejectsUnknownOnes() throws {
        let engine = try MediaEngine(workerCount: 1)
        defer { engine.shutdown() }
        let controller = CallController(engine: engine, spaces: SpaceDirectory(SpaceDirectory.defaultSpaces), mediaAddress: "127.0.0.1")
        let answer = try controller.join(user: "1000", displayName: "Alice", offer: Self.offer(audioPort: 40_000, videoPort: 40_002)).get()
        let sdp = try SessionDescription(parsing: answer.sdp)
        #expect(sdp.media.count == 2)
        #expect(sdp.media.allSatisfy { $0.port != 0 && $0.port != 9 }, "the leg's real ports")
        #expect(answer.session.video?.video?.packetizationMode == .nonInterleaved)
        #expect(controller.activeLegs == 1)
        if case .failure(let rejection) = controller.join(user: "4242", displayName: "Bob", offer: Self.offer(audioPort: 1, videoPort: 2)) {
            #expect(rejection.status.code == 404)
        } else { Issue.record("unknown space accepted") }
        let noCodec = "v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 5000 RTP/AVP 18\r\na=rtpmap:18 G729/8000\r\n"
        if case .failure(let rejection) = controller.join(user: "1000", displayName: "Carol", offer: noCodec) {
            #expect(rejection.status.code == 488)
        } else { Issue.record("G.729-only offer accepted") }
        if case .failure(let rejection) = controller.join(user: "1000", displayName: "Dave", offer: "garbage") {
            #expect(rejection.status.code == 488)
        } else { Issue.record("garbage SDP accepted") }
        controller.hangUp(legID: answer.legID)
        #expect(controller.activeLegs == 0)
    }

    @Test func encryptionRequiredRejectsPlainRTP() throws {
        let engine = try MediaEngine(workerCount: 1)
        defer { engine.shutdown() }
        let spaces = SpaceDirectory([Space(id: 7, uri: "secure", name: "Secure", mediaEncryption: .required)])
        let controller = CallController(engine: engine, spaces: spaces, mediaAddress: "127.0.0.1")
        if case .failure(let rejection) = controller.join(user: "secure", displayName: "A", offer: Self.offer(audioPort: 1000, videoPort: 1002)) {
            #expect(rejection.status.code == 488)
        } else { Issue.record("plain RTP accepted in a space that requires SRTP") }
        let key = "WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz"
        let answer = try controller.join(user: "secure", displayName: "B", offer: Self.offer(audioPort: 1000, videoPort: 1002, crypto: key)).get()
        #expect(answer.sdp.contains("RTP/SAVP") && answer.sdp.contains("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:"))
        #expect(!answer.sdp.contains(key), "our own key, not the offerer's")
    }

    @Test func spaceFileIsCreatedWithTheDefaultSpace() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("spaces-\(UUID().uuidString).json").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let directory = try SpaceDirectory.load(path: path)
        #expect(directory.resolve(user: "1000")?.name == "Meeting 1000")
        try "[{\"id\":1,\"uri\":\"a\",\"name\":\"x\",\"defaultLayout\":\"nope\",\"mediaEncryption\":\"optional\",\"participantLabels\":true}]"
            .write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: SpaceDirectoryError.self) { try SpaceDirectory.load(path: path) }
    }

    /// The picture a leg is sent: the largest of the standard sizes that both the space's
    /// `qualityMain` and the endpoint's H.264 level allow (level 4.0 = 1080p, 3.1 = 720p,
    /// 3.0 = 480p by max-fs).
    @Test func sendResolutionFollowsQualityMainAndTheEndpointLevel() throws {
        let engine = try MediaEngine(workerCount: 1)
        defer { engine.shutdown() }
        let cases: [(QualityMain, String, Int, Int)] = [
            (.unrestricted, "42e028", 1920, 1080), (.max720p30, "42e028", 1280, 720), (.max480p30, "42e028", 848, 480),
            (.unrestricted, "42e01f", 1280, 720), (.unrestricted, "42e01e", 848, 480), (.max1080p30, "42e01f", 1280, 720),
        ]
        for (index, (quality, level, width, height)) in cases.enumerated() {
            let space = Space(id: index + 1, uri: "\(2000 + index)", name: "q\(index)", qualityMain: quality)
            let controller = CallController(engine: engine, spaces: SpaceDirectory([space]), mediaAddress: "127.0.0.1")
            let answer = try controller.join(user: space.uri, displayName: "A",
                                             offer: Self.offer(audioPort: 40_100, videoPort: 40_102, profileLevelID: level)).get()
            let video = try #require(answer.session.video?.video)
            #expect(video.maxWidth == width && video.maxHeight == height, "\(quality) with \(level): got \(video.maxWidth)x\(video.maxHeight)")
            controller.hangUp(legID: answer.legID)
        }
    }

    /// spaces.json written before `qualityMain` existed still loads, with the default.
    @Test func olderSpaceFilesLoadWithDefaults() throws {
        let json = #"[{"id": 7, "uri": "7000", "name": "old", "defaultLayout": "speakerOnly", "mediaEncryption": "required", "participantLabels": false}]"#
        let spaces = try JSONDecoder().decode([Space].self, from: Data(json.utf8))
        #expect(spaces.first?.qualityMain == .unrestricted)
        #expect(spaces.first?.defaultLayout == .speakerOnly)
    }
}
