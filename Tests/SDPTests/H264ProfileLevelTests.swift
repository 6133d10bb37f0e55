import SDP
import Testing

/// profile-level-id (RFC 6184 §8.1) and the send resolution derived from level, max-fs and
/// max-mbps (ITU-T H.264 Table A-1).
@Suite("H.264 profile and level")
struct H264ProfileLevelTests {
    @Test func parsesAndWritesHex() throws {
        let cb = try #require(H264ProfileLevel(hex: "42e01f"))
        #expect(cb.profileIDC == 0x42 && cb.profileIOP == 0xE0 && cb.levelIDC == 0x1F)
        #expect(cb.isBaseline && cb.isConstrainedBaseline)
        #expect(cb.level == .level3_1)
        #expect(H264ProfileLevel(hex: "42801F")?.hex == "42801f")
        #expect(H264ProfileLevel(hex: "42801F")?.isConstrainedBaseline == false)
        #expect(H264ProfileLevel(hex: "42C028")?.isConstrainedBaseline == true)
        #expect(H264ProfileLevel(hex: "640c1f")?.isBaseline == false)
        for bad in ["", "42e01", "42e01f0", "42g01f", " 42e01"] { #expect(H264ProfileLevel(hex: bad) == nil) }
        #expect(H264ProfileLevel.implied.hex == "42000a")
        #expect(H264ProfileLevel.implied.level == .level1)
    }

    @Test(arguments: [
        ("42e00a", H264Level.level1), ("42f00b", .level1b), ("640009", .level1b), ("42e00b", .level1_1),
        ("42e014", .level2), ("428016", .level2_2), ("42001e", .level3), ("42e01f", .level3_1), ("42e020", .level3_2),
        ("42e028", .level4), ("42e029", .level4_1), ("42e032", .level5), ("42e034", .level5_2), ("42e03c", .level5_2),
    ])
    func levelFromLevelIDC(hex: String, level: H264Level) {
        #expect(H264ProfileLevel(hex: hex)?.level == level)
    }

    @Test func unknownLevelIDCHasNoLevel() {
        #expect(H264ProfileLevel(hex: "42e00e")?.level == nil)
        #expect(H264ProfileLevel(hex: "42e000")?.level == nil)
    }

    @Test func withLevelKeepsProfileAndHandlesLevel1b() {
        let baseline = H264ProfileLevel(hex: "428016")!
        #expect(baseline.with(level: .level3_1).hex == "42801f")
        #expect(baseline.with(level: .level1b).hex == "42900b")           // set3 flag + level_idc 11
        #expect(baseline.with(level: .level1b).with(level: .level2).hex == "428014")
        #expect(H264ProfileLevel(hex: "640c1f")!.with(level: .level1b).hex == "640c09")
        #expect(H264ProfileLevel.constrainedBaseline(.level4).hex == "42e028")
    }

    @Test func levelTableValues() {
        #expect(H264Level.level3_1.maxFrameSize == 3600 && H264Level.level3_1.maxMacroblocksPerSecond == 108_000)
        #expect(H264Level.level4.maxFrameSize == 8192 && H264Level.level4.maxMacroblocksPerSecond == 245_760)
        #expect(H264Level.level3.maxFrameSize == 1620 && H264Level.level3.maxMacroblocksPerSecond == 40_500)
        #expect(H264Level.level3_1.description == "3.1" && H264Level.level1b.description == "1b" && H264Level.level4.description == "4")
        #expect(H264Level.level1b < H264Level.level1_1)
        #expect(H264Level.level3 < H264Level.level3_1)
        #expect(H264Level.level4 < H264Level.level5_2)
    }

    struct ModeCase: Sendable, CustomTestStringConvertible {
        let fmtp: String?
        let width: Int
        let height: Int
        let frameRate: Int
        var testDescription: String { fmtp ?? "no fmtp" }
    }

    static let modeCases: [ModeCase] = [
        ModeCase(fmtp: "profile-level-id=42e028", width: 1920, height: 1080, frameRate: 30),        // 4.0: 8192 MBs
        ModeCase(fmtp: "profile-level-id=42e01f", width: 1280, height: 720, frameRate: 30),         // 3.1: 3600 MBs, 108000/s
        ModeCase(fmtp: "profile-level-id=42e020", width: 1280, height: 720, frameRate: 30),         // 3.2: 5120 MBs
        ModeCase(fmtp: "profile-level-id=42001e", width: 848, height: 480, frameRate: 25),          // 3.0: 1620 MBs, 40500/s
        ModeCase(fmtp: "profile-level-id=428016", width: 480, height: 270, frameRate: 30),          // 2.2: 20250/s
        ModeCase(fmtp: "profile-level-id=42e015", width: 480, height: 270, frameRate: 30),          // 2.1: 792 MBs
        ModeCase(fmtp: "profile-level-id=42e00d", width: 320, height: 180, frameRate: 30),          // 1.3: 396 MBs
        ModeCase(fmtp: "profile-level-id=42e00b", width: 176, height: 144, frameRate: 30),          // 1.1: 3000/s
        ModeCase(fmtp: nil, width: 176, height: 144, frameRate: 15),                                // implied 1.0
        ModeCase(fmtp: "packetization-mode=1", width: 176, height: 144, frameRate: 15),
        // Room systems: a low level raised by max-fs / max-mbps (RFC 6184 §8.1).
        ModeCase(fmtp: "profile-level-id=428016;max-mbps=490000;max-fs=8160", width: 1920, height: 1080, frameRate: 30),
        ModeCase(fmtp: "profile-level-id=428016;max-mbps=245000;max-fs=8160", width: 1920, height: 1080, frameRate: 30),
        ModeCase(fmtp: "profile-level-id=428016;max-mbps=108000;max-fs=3600", width: 1280, height: 720, frameRate: 30),
        // max-fs without enough max-mbps for 30 fps at 1080p: 1080p at 26 fps is still kept.
        ModeCase(fmtp: "profile-level-id=42e01f;max-fs=8160;max-mbps=216000", width: 1920, height: 1080, frameRate: 26),
        // max-fs smaller than the level's is ignored (it may only raise).
        ModeCase(fmtp: "profile-level-id=42e028;max-fs=99", width: 1920, height: 1080, frameRate: 30),
        // max-fs alone does not help when max-mbps stays at the level's 40500/s.
        ModeCase(fmtp: "profile-level-id=42001e;max-fs=8160", width: 848, height: 480, frameRate: 25),
    ]

    @Test(arguments: modeCases)
    func bestModeFromLimits(_ testCase: ModeCase) throws {
        let parameters = testCase.fmtp.map { SDPFormatParameters(value: "96 " + $0)! }
        let limits = try #require(H264ReceiveLimits(formatParameters: parameters))
        let mode = limits.bestMode()
        #expect(mode.resolution.width == testCase.width)
        #expect(mode.resolution.height == testCase.height)
        #expect(mode.frameRate == testCase.frameRate)
    }

    @Test func sidesLimitedToSquareRootOfEightMaxFS() {
        // H.264 A.3.1 f/g: a 1920x64 strip has only 480 macroblocks but is 120 wide, and
        // 120^2 > 8 * 792 at level 2.1.
        let strip = SDPVideoResolution(width: 1920, height: 64)
        #expect(!H264ReceiveLimits(level: .level2_1).allows(strip))
        #expect(H264ReceiveLimits(level: .level3_1).allows(strip))
    }

    @Test func ourResolutionCapApplies() throws {
        let limits = H264ReceiveLimits(level: .level4)
        let mode = limits.bestMode(among: [.p720, .p480, .p360])
        #expect(mode.resolution == .p720 && mode.frameRate == 30)
    }

    @Test func unreadableProfileLevelIsRefused() {
        #expect(H264ReceiveLimits(formatParameters: SDPFormatParameters(value: "96 profile-level-id=zz")) == nil)
        #expect(H264ReceiveLimits(formatParameters: SDPFormatParameters(value: "96 profile-level-id=42e00e")) == nil)
    }
}
