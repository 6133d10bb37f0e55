/// `delta-seconds *(SEMI generic-param)`: Session-Expires, Min-SE, Expires.
enum SIPDeltaSeconds {
    static func parse(_ value: String) -> (UInt32, SIPParameters)? {
        SIPScanner.scan(value) { s in
            s.skipWhitespace()
            let digits = s.scan(.digit)
            guard let seconds = SIPGrammar.decimal(s.bytes, digits, maximum: UInt64(UInt32.max)),
                  let parameters = s.parameters()
            else { return nil }
            s.skipWhitespace()
            guard s.isAtEnd else { return nil }
            return (UInt32(seconds), parameters)
        }
    }
}
