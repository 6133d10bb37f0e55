/// One encoded picture as Annex-B bytes, lent to the caller's closure: the bytes belong to
/// the encoder and are valid only during the call (copy them or packetize them there).
public struct EncodedAccessUnit {
    public let bytes: UnsafeRawBufferPointer
    /// An IDR picture; it carries SPS and PPS in front of its slices.
    public let isKeyframe: Bool
    /// Frame number in the encoder's 1/fps time base.
    public let presentationTime: Int64
}
