import SIP
import Testing

/// Seeded mutation testing: 100,000 messages made by damaging valid ones (byte and bit flips,
/// truncation, insertions of random bytes and of SIP's structural characters, header
/// duplication, deletions, line swaps). Whatever the bytes, the parser must answer with a
/// message or a `SIPParseError` (the typed throws make anything else impossible to return)
/// without crashing; every message it accepts must survive serialize → parse unchanged, and
/// its typed accessors must not crash either.
@Suite("SIP fuzz")
struct SIPFuzzTests {
    static let corpus: [[UInt8]] = {
        var corpus = [wire(Samples.invite), wire(Samples.okResponse), wire(Samples.register)]
        corpus.append(wire("""
            CANCEL sip:meeting@bridge.example.org SIP/2.0
            Via: SIP/2.0/TCP [2001:db8::5]:5061;branch=z9hG4bKc4nc3l;rport
            Route: <sip:p1.example.net;lr>, <sip:[2001:db8::1];lr;transport=tcp>
            Max-Forwards: 70
            From: "C\\"q\\"" <sips:caller@example.net>;tag=77
            To: <sip:meeting@bridge.example.org>
            Call-ID: fuzz-cancel@example.net
            CSeq: 5 CANCEL
            Reason: SIP;cause=487;text="Request Terminated"
            Content-Length: 0


            """))
        corpus.append(wire("""
            SIP/2.0 486 Busy Here
            v: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1;received=192.0.2.1;rport=5060
            t: <sip:a@example.com>;tag=x
            f: <sip:b@example.com>;tag=y
            i: fuzz-486
            CSeq: 2 INVITE
            Retry-After: 30 (busy) ;duration=60
            Warning: 399 bridge.example.org "All lines busy", 370 h "x"
            Session-Expires: 90;refresher=uas
            Min-SE: 90
            l: 3

            abc
            """))
        corpus.append(wire("""
            BYE sip:alice;p=%41@192.0.2.10:5060;transport=udp SIP/2.0
            Via: SIP/2.0/UDP 198.51.100.20 ;
             branch = z9hG4bKbye ; maddr=239.1.1.1 ; ttl=5
            Max-Forwards: 69
            Route: <sip:p1.example.net;lr>
            From: <sip:meeting@bridge.example.org>;tag=b2
            To: "Alice" <sip:alice@example.com>;tag=a1
            Call-ID: fuzz-bye@bridge.example.org
            CSeq: 3 BYE
            Contact: *
            Require: timer
            Supported: replaces, timer
            Allow: INVITE, BYE
            Expires: 0
            User-Agent: callbridge
            Content-Length: 0


            """))
        return corpus
    }()

    static let tokens: [[UInt8]] = [
        [0x0D, 0x0A], [0x0D, 0x0A, 0x20], [0x0D, 0x0A, 0x0D, 0x0A], [0x0D], [0x0A], [0x00], [0x20], [0x09],
        Array(",".utf8), Array(";".utf8), Array(":".utf8), Array("\"".utf8), Array("\\".utf8), Array("<".utf8),
        Array(">".utf8), Array("@".utf8), Array("%".utf8), Array("%4".utf8), Array("[".utf8), Array("]".utf8),
        Array("=".utf8), Array("?".utf8), Array("&".utf8), Array("/".utf8), Array("*".utf8), Array("-1".utf8),
        Array("99999999999999999999".utf8), Array("z9hG4bK".utf8), Array("sip:".utf8), Array("SIP/2.0".utf8),
        Array("Content-Length: 5\r\n".utf8), Array("l: 99\r\n".utf8), Array("Via: SIP/2.0/UDP x;branch=z9hG4bKf\r\n".utf8),
        [0xC3], [0xFF, 0xFE], Array("ü".utf8),
    ]

    static func mutate(_ input: [UInt8], using g: inout SeededGenerator) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...3, using: &g) {
            let count = bytes.count
            switch Int.random(in: 0..<10, using: &g) {
            case 0 where count > 0:
                bytes[Int.random(in: 0..<count, using: &g)] = UInt8.random(in: 0...255, using: &g)
            case 1 where count > 0:
                bytes[Int.random(in: 0..<count, using: &g)] ^= 1 << UInt8.random(in: 0..<8, using: &g)
            case 2:
                bytes.removeLast(Int.random(in: 0...count, using: &g))
            case 3:
                let insert = (0..<Int.random(in: 1...8, using: &g)).map { _ in UInt8.random(in: 0...255, using: &g) }
                bytes.insert(contentsOf: insert, at: Int.random(in: 0...count, using: &g))
            case 4, 5:
                bytes.insert(contentsOf: tokens.randomElement(using: &g)!, at: Int.random(in: 0...count, using: &g))
            case 6:
                // Duplicate a header line somewhere else.
                let lines = lineRanges(bytes)
                guard lines.count > 2 else { continue }
                let line = lines[Int.random(in: 1..<lines.count, using: &g)]
                let target = lines[Int.random(in: 1..<lines.count, using: &g)].lowerBound
                bytes.insert(contentsOf: Array(bytes[line]), at: target)
            case 7 where count > 0:
                let start = Int.random(in: 0..<count, using: &g)
                bytes.removeSubrange(start..<min(count, start + Int.random(in: 1...16, using: &g)))
            case 8:
                // Swap two lines.
                let lines = lineRanges(bytes)
                guard lines.count > 2 else { continue }
                let a = lines[Int.random(in: 0..<lines.count, using: &g)]
                let b = lines[Int.random(in: 0..<lines.count, using: &g)]
                guard a.upperBound <= b.lowerBound else { continue }
                bytes = Array(bytes[..<a.lowerBound]) + bytes[b] + bytes[a.upperBound..<b.lowerBound] + bytes[a] + bytes[b.upperBound...]
            default:
                // Repeat a chunk.
                guard count > 0 else { continue }
                let start = Int.random(in: 0..<count, using: &g)
                let chunk = Array(bytes[start..<min(count, start + Int.random(in: 1...64, using: &g))])
                bytes.insert(contentsOf: chunk, at: start)
            }
        }
        return bytes
    }

    /// Ranges of lines including their CRLF.
    static func lineRanges(_ bytes: [UInt8]) -> [Range<Int>] {
        var out: [Range<Int>] = []
        var start = 0
        var i = 0
        while i < bytes.count {
            if bytes[i] == 0x0A {
                out.append(start..<(i + 1))
                start = i + 1
            }
            i += 1
        }
        return out
    }

    /// The message without its Content-Length fields, which serialization rewrites.
    static func normalized(_ message: SIPMessage) -> SIPMessage {
        var m = message
        m.headers.removeAll(.contentLength)
        return m
    }

    /// Exercises every typed accessor; returns how many threw (the value is irrelevant).
    static func touchAccessors(_ h: SIPHeaders) -> Int {
        var thrown = 0
        func count<T>(_ body: () throws -> T) { do { _ = try body() } catch { thrown += 1 } }
        count { try h.via }
        count { try h.topVia }
        count { try h.from }
        count { try h.to }
        count { try h.callID }
        count { try h.cseq }
        count { try h.maxForwards }
        count { try h.contacts }
        count { try h.recordRoute }
        count { try h.route }
        count { try h.contentType }
        count { try h.contentLength }
        count { try h.expires }
        count { try h.supported }
        count { try h.require }
        count { try h.allow }
        count { try h.sessionExpires }
        count { try h.minSE }
        count { try h.retryAfter }
        count { try h.warnings }
        count { try h.reasons }
        _ = h.isContactWildcard
        _ = h.userAgent
        return thrown
    }

    struct Tally {
        var parsed = 0
        var errors: [Int: Int] = [:]
        var answerable = 0
        var roundTripFailures = 0
        var firstRoundTripFailure: [UInt8]?
        var badStatus = 0
    }

    static func run(seed: UInt64, iterations: Int) -> Tally {
        var g = SeededGenerator(seed: seed)
        var tally = Tally()
        let parser = SIPParser()
        for n in 0..<iterations {
            let input = mutate(corpus[n % corpus.count], using: &g)
            do {
                let message = try parser.parse(datagram: input)
                tally.parsed += 1
                _ = touchAccessors(message.headers)
                let reparsed: SIPMessage? = try? parser.parse(datagram: message.serialized())
                if reparsed.map(normalized) != normalized(message) {
                    tally.roundTripFailures += 1
                    if tally.firstRoundTripFailure == nil { tally.firstRoundTripFailure = input }
                }
            } catch {
                tally.errors[error.suggestedStatus, default: 0] += 1
                if ![400, 413, 505, 513].contains(error.suggestedStatus) || error.reason.isEmpty { tally.badStatus += 1 }
                if error.canRespond {
                    tally.answerable += 1
                    // Building the response is the costly part: every fourth one is enough.
                    if tally.answerable % 4 == 0 {
                        if let response = error.makeResponse(toTag: "fz") { _ = response.serialized() } else { tally.badStatus += 1 }
                    }
                }
            }
            // Every eighth input also goes through the stream framer, cut at a random point.
            if n % 8 == 0 {
                var framer = SIPStreamFramer(parser: parser)
                let cut = Int.random(in: 0...input.count, using: &g)
                for chunk in [input[..<cut], input[cut...], input[...]] {
                    framer.append(chunk)
                    var steps = 0
                    while steps < 16, !framer.isFailed {
                        steps += 1
                        do { if try framer.next() == nil { break } } catch { continue }
                    }
                }
            }
        }
        return tally
    }

    /// 4 × 25,000 inputs (run in parallel), 100,000 in all.
    @Test(arguments: [UInt64(0x5EED_0001), 0x5EED_0002, 0x5EED_0003, 0x5EED_0004])
    func mutatedMessagesNeverCrashAndRoundTrip(seed: UInt64) {
        let tally = Self.run(seed: seed, iterations: 25_000)
        print("SIP fuzz seed \(String(seed, radix: 16)): \(tally.parsed) parsed, errors by status \(tally.errors.sorted { $0.key < $1.key }), \(tally.answerable) answerable")
        #expect(tally.parsed + tally.errors.values.reduce(0, +) == 25_000)
        #expect(tally.badStatus == 0)
        #expect(tally.roundTripFailures == 0)
        if let failure = tally.firstRoundTripFailure {
            print("first round-trip failure: \(String(decoding: failure, as: UTF8.self).debugDescription)")
        }
        #expect(tally.parsed > 1000, "mutations of valid messages must often stay valid")
    }

    /// Random bytes, mostly printable, for the parser and the framer.
    @Test func randomBytes() {
        var g = SeededGenerator(seed: 42)
        let alphabet = Array("SIP/2.0 INVITE sip:a@b;branch=z9hG4bK<>\",:\r\n\r\n 0123456789 Via: From: To: Call-ID: CSeq: Content-Length:".utf8)
        var parsed = 0
        for _ in 0..<5_000 {
            let length = Int.random(in: 0...300, using: &g)
            let bytes = (0..<length).map { _ in Bool.random(using: &g) ? alphabet.randomElement(using: &g)! : UInt8.random(in: 0...255, using: &g) }
            if (try? SIPParser().parse(datagram: bytes)) != nil { parsed += 1 }
            var framer = SIPStreamFramer()
            framer.append(bytes)
            var steps = 0
            while steps < 64, !framer.isFailed {
                steps += 1
                do { if try framer.next() == nil { break } } catch { continue }
            }
        }
        #expect(parsed >= 0)
    }
}
