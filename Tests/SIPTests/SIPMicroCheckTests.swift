import SIP
import Testing

/// Not a benchmark (those belong in Benchmarks/): a printed figure that shows the parser is
/// in the right order of magnitude, and a check that parse + serialize agree on the way.
@Suite("Micro-check")
struct SIPMicroCheckTests {
    @Test func parseAndSerializeATypicalInvite() throws {
        let bytes = wire(Samples.invite)
        let parser = SIPParser()
        var clock = ContinuousClock.now
        let start = clock
        var count = 0
        var total = 0
        repeat {
            for _ in 0..<100 {
                let message = try parser.parse(datagram: bytes)
                total &+= message.serialized().count
            }
            count += 100
            clock = ContinuousClock.now
        } while clock - start < .milliseconds(500)
        let seconds = Double((clock - start).components.attoseconds) / 1e18 + Double((clock - start).components.seconds)
        print("SIP micro-check: parse + serialize of a \(bytes.count)-byte INVITE with SDP: \(Int(Double(count) / seconds)) messages/s")
        #expect(total == count * bytes.count, "serialization reproduces the datagram byte for byte")
    }
}
