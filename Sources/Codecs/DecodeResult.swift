/// What one `H264Decoder.decode` call produced. Expected states are values, not throws.
public enum DecodeResult {
    /// A picture, owned by the decoder and valid until the next `decode` call; keep it
    /// longer with `VideoFrame.reference(_:)` (shares pixels, copies nothing).
    case frame(VideoFrame)
    /// Accepted, no picture yet (parameter sets only, or the decoder wants more).
    case needsInput
    /// The decoder has no usable reference picture: this access unit was skipped. The caller
    /// should ask the sender for a keyframe (PLI/FIR), rate-limited.
    case needsKeyframe
    /// The access unit was corrupt and was dropped (counted). A keyframe is needed.
    case corrupt(DecodeFailure)
}

public enum DecodeFailure: Equatable, Sendable {
    /// No start code, a NAL unit with forbidden_zero_bit set, or a reserved NAL type.
    case malformedAccessUnit
    /// Empty input.
    case empty
    /// The decoder rejected the data or flagged the decoded picture as damaged.
    case decoder(CodecError)
}
