/// The H.264 `profile-level-id` fmtp parameter (RFC 6184 §8.1): three bytes in hex,
/// profile_idc, profile-iop (the constraint_set flags) and level_idc.
public struct H264ProfileLevel: Equatable, Sendable, CustomStringConvertible {
    public var profileIDC: UInt8
    public var profileIOP: UInt8
    public var levelIDC: UInt8

    public init(profileIDC: UInt8, profileIOP: UInt8, levelIDC: UInt8) {
        self.profileIDC = profileIDC
        self.profileIOP = profileIOP
        self.levelIDC = levelIDC
    }

    /// What an fmtp without profile-level-id means: Baseline without additional constraints
    /// at level 1 (RFC 6184 §8.1), i.e. `42000a`.
    public static let implied = H264ProfileLevel(profileIDC: 0x42, profileIOP: 0x00, levelIDC: 10)

    /// Constrained Baseline at `level`: what our encoder produces (x264 baseline, no FMO/ASO).
    public static func constrainedBaseline(_ level: H264Level) -> H264ProfileLevel {
        H264ProfileLevel(profileIDC: 0x42, profileIOP: 0xE0, levelIDC: 10).with(level: level)
    }

    /// Parses exactly six hex digits, either case; nil otherwise.
    public init?(hex: some StringProtocol) {
        let digits = Array(hex.utf8)
        guard digits.count == 6 else { return nil }
        var bytes: [UInt8] = []
        for pair in stride(from: 0, to: 6, by: 2) {
            guard let high = Self.nibble(digits[pair]), let low = Self.nibble(digits[pair + 1]) else { return nil }
            bytes.append(high << 4 | low)
        }
        self.init(profileIDC: bytes[0], profileIOP: bytes[1], levelIDC: bytes[2])
    }

    /// Lower-case hex, as most peers write it (RFC 6184 §8.1 takes either case).
    public var hex: String {
        let digits = Array("0123456789abcdef".utf8)
        let bytes = [profileIDC, profileIOP, levelIDC]
        return String(decoding: bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }

    public var description: String { hex }

    /// profile_idc 66: Baseline, constrained or not. The profiles we can decode and encode.
    public var isBaseline: Bool { profileIDC == 0x42 }

    /// Baseline with constraint_set1_flag: Constrained Baseline (H.264 A.2.1.1).
    public var isConstrainedBaseline: Bool { isBaseline && profileIOP & 0x40 != 0 }

    /// constraint_set3_flag (0x10) marks level 1b when level_idc is 11 in the Baseline, Main
    /// and Extended profiles (H.264 A.3.1, RFC 6184 §8.1).
    private var usesSet3ForLevel1b: Bool { profileIDC == 66 || profileIDC == 77 || profileIDC == 88 }

    /// The level, nil for a level_idc Table A-1 does not have. Level_idc above 5.2 (the 6.x
    /// levels added in 2016) counts as 5.2: a peer that can take more can take that.
    public var level: H264Level? {
        if levelIDC == 11 && usesSet3ForLevel1b && profileIOP & 0x10 != 0 { return .level1b }
        if levelIDC == 9 { return .level1b }
        if levelIDC > 52 { return .level5_2 }
        return H264Level.allCases.first { $0 != .level1b && $0.levelIDC == levelIDC }
    }

    /// The same profile and constraints at another level. RFC 6184 §8.2.2 allows an answer to
    /// change only the level part, which includes the set3 flag when it means 1b.
    public func with(level: H264Level) -> H264ProfileLevel {
        var copy = self
        if usesSet3ForLevel1b && self.level == .level1b { copy.profileIOP &= ~0x10 }
        if level == .level1b && usesSet3ForLevel1b {
            copy.levelIDC = 11
            copy.profileIOP |= 0x10
        } else {
            copy.levelIDC = level.levelIDC
        }
        return copy
    }

    private static func nibble(_ digit: UInt8) -> UInt8? {
        switch digit {
        case 0x30...0x39: return digit - 0x30
        case 0x41...0x46: return digit - 0x41 + 10
        case 0x61...0x66: return digit - 0x61 + 10
        default: return nil
        }
    }
}
