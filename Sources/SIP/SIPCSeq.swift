/// The CSeq header (RFC 3261 §20.16): a sequence number and the request method, which orders
/// requests within a dialog and tells responses to INVITE from responses to its CANCEL.
public struct SIPCSeq: Sendable, Hashable, CustomStringConvertible {
    /// 32-bit unsigned (§8.1.1.5: a UAC starts below 2**31 so there is room to count up).
    public var sequenceNumber: UInt32
    public var method: SIPMethod

    public init(_ sequenceNumber: UInt32, _ method: SIPMethod) {
        self.sequenceNumber = sequenceNumber
        self.method = method
    }

    /// `1*DIGIT LWS Method`; numbers above 2**32-1 are malformed (RFC 4475 §3.1.2.4).
    public init(parsing value: String) throws(SIPParseError) {
        let parsed: SIPCSeq? = SIPScanner.scan(value) { s in
            s.skipWhitespace()
            let digits = s.scan(.digit)
            guard let number = SIPGrammar.decimal(s.bytes, digits, maximum: UInt64(UInt32.max)),
                  s.skipWhitespace(), let method = s.token()
            else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            return SIPCSeq(UInt32(number), SIPMethod(unchecked: method))
        }
        guard let parsed else { throw SIPParseError(.malformedHeader(.cseq)) }
        self = parsed
    }

    public var description: String { String(sequenceNumber) + " " + method.rawValue }
}
