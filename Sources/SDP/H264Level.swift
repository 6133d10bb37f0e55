/// H.264 levels with the limits of ITU-T H.264 Table A-1 that decide what a receiver can take:
/// macroblocks per second, macroblocks per frame and (Baseline VCL) bit rate. Declaration
/// order is capability order, so levels compare with `<`.
public enum H264Level: CaseIterable, Comparable, Sendable, CustomStringConvertible {
    case level1, level1b, level1_1, level1_2, level1_3
    case level2, level2_1, level2_2
    case level3, level3_1, level3_2
    case level4, level4_1, level4_2
    case level5, level5_1, level5_2

    /// `level_idc` as written in profile-level-id (RFC 6184 §8.1). Level 1b is 11 with
    /// constraint_set3_flag for Baseline/Main/Extended, 9 otherwise; this is the 9 form,
    /// `H264ProfileLevel` writes the right one for its profile.
    public var levelIDC: UInt8 {
        switch self {
        case .level1: return 10
        case .level1b: return 9
        case .level1_1: return 11
        case .level1_2: return 12
        case .level1_3: return 13
        case .level2: return 20
        case .level2_1: return 21
        case .level2_2: return 22
        case .level3: return 30
        case .level3_1: return 31
        case .level3_2: return 32
        case .level4: return 40
        case .level4_1: return 41
        case .level4_2: return 42
        case .level5: return 50
        case .level5_1: return 51
        case .level5_2: return 52
        }
    }

    /// MaxMBPS: macroblocks per second (Table A-1).
    public var maxMacroblocksPerSecond: Int {
        switch self {
        case .level1, .level1b: return 1_485
        case .level1_1: return 3_000
        case .level1_2: return 6_000
        case .level1_3, .level2: return 11_880
        case .level2_1: return 19_800
        case .level2_2: return 20_250
        case .level3: return 40_500
        case .level3_1: return 108_000
        case .level3_2: return 216_000
        case .level4, .level4_1: return 245_760
        case .level4_2: return 522_240
        case .level5: return 589_824
        case .level5_1: return 983_040
        case .level5_2: return 2_073_600
        }
    }

    /// MaxFS: macroblocks per frame (Table A-1).
    public var maxFrameSize: Int {
        switch self {
        case .level1, .level1b: return 99
        case .level1_1, .level1_2, .level1_3, .level2: return 396
        case .level2_1: return 792
        case .level2_2, .level3: return 1_620
        case .level3_1: return 3_600
        case .level3_2: return 5_120
        case .level4, .level4_1: return 8_192
        case .level4_2: return 8_704
        case .level5: return 22_080
        case .level5_1, .level5_2: return 36_864
        }
    }

    /// MaxBR in kbit/s for Baseline (cpbBrVclFactor 1000, Table A-1).
    public var maxBitrate: Int {
        switch self {
        case .level1: return 64
        case .level1b: return 128
        case .level1_1: return 192
        case .level1_2: return 384
        case .level1_3: return 768
        case .level2: return 2_000
        case .level2_1, .level2_2: return 4_000
        case .level3: return 10_000
        case .level3_1: return 14_000
        case .level3_2, .level4: return 20_000
        case .level4_1, .level4_2: return 50_000
        case .level5: return 135_000
        case .level5_1, .level5_2: return 240_000
        }
    }

    public var description: String {
        switch self {
        case .level1b: return "1b"
        default:
            let idc = Int(levelIDC)
            return idc % 10 == 0 ? "\(idc / 10)" : "\(idc / 10).\(idc % 10)"
        }
    }
}
