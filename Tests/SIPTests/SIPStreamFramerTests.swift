import SIP
import Testing

@Suite("SIPStreamFramer")
struct SIPStreamFramerTests {
    /// What a framer produced, in a form that is cheap to compare.
    enum Event: Equatable, CustomStringConvertible {
        case message(String)  // start line
        case ping, pong
        case error(SIPParseError.Kind)

        var description: String {
            switch self {
            case .message(let s): return "message(\(s))"
            case .ping: return "ping"
            case .pong: return "pong"
            case .error(let k): return "error(\(k))"
            }
        }
    }

    static func drain(_ framer: inout SIPStreamFramer, into events: inout [Event], messages: inout [SIPMessage]) {
        while true {
            do {
                guard let output = try framer.next() else { return }
                switch output {
                case .message(let m):
                    events.append(.message(m.startLine))
                    messages.append(m)
                case .keepAlivePing: events.append(.ping)
                case .keepAlivePong: events.append(.pong)
                }
            } catch {
                events.append(.error(error.kind))
                if framer.isFailed { return }
            }
        }
    }

    /// Feeds `chunks` one after the other, draining after each.
    static func run(_ chunks: [ArraySlice<UInt8>], parser: SIPParser = SIPParser()) -> (events: [Event], messages: [SIPMessage], framer: SIPStreamFramer) {
        var framer = SIPStreamFramer(parser: parser)
        var events: [Event] = []
        var messages: [SIPMessage] = []
        for chunk in chunks {
            framer.append(chunk)
            drain(&framer, into: &events, messages: &messages)
        }
        return (events, messages, framer)
    }

    static let invite = wire(Samples.invite)
    static let ok = wire(Samples.okResponse)
    static let register = wire(Samples.register)
    /// A ping, three pipelined messages with a ping between two, and a trailing pong.
    static let stream: [UInt8] = wire("\n\n") + invite + ok + wire("\n\n") + register + wire("\n") + ok

    static let expected: [Event] = [
        .ping, .message("INVITE sip:meeting-42@bridge.example.org SIP/2.0"), .message("SIP/2.0 200 OK"), .ping,
        .message("REGISTER sip:registrar.example.com SIP/2.0"), .pong, .message("SIP/2.0 200 OK"),
    ]

    @Test func pipelinedMessagesInOneRead() throws {
        let (events, messages, framer) = Self.run([Self.stream[...]])
        #expect(events == Self.expected)
        #expect(messages[0] == (try parseDatagram(Self.invite)))
        #expect(messages[0].body == wire(Samples.sdp))
        #expect(framer.bufferedByteCount == 0 && !framer.isFailed)
    }

    /// Every split point of the stream gives the same messages and keep-alives.
    @Test func splitAtEveryByteBoundary() throws {
        let reference = Self.run([Self.stream[...]])
        var mismatches = 0
        for cut in 0...Self.stream.count {
            let (events, messages, _) = Self.run([Self.stream[..<cut], Self.stream[cut...]])
            if events != Self.expected || messages != reference.messages { mismatches += 1 }
        }
        #expect(mismatches == 0)
        // Two cuts at once, on a stride to keep it quick.
        for a in stride(from: 0, to: Self.stream.count, by: 37) {
            for b in stride(from: a, to: Self.stream.count, by: 53) {
                let (events, _, _) = Self.run([Self.stream[..<a], Self.stream[a..<b], Self.stream[b...]])
                if events != Self.expected { mismatches += 1 }
            }
        }
        #expect(mismatches == 0)
    }

    @Test func oneByteAtATime() {
        let chunks = Self.stream.indices.map { Self.stream[$0...$0] }
        #expect(Self.run(chunks).events == Self.expected)
    }

    /// RFC 5626 §3.5.1: CRLFCRLF is a ping, a lone CRLF a pong once something follows it.
    @Test func keepAlives() {
        var framer = SIPStreamFramer()
        framer.append(wire("\n"))
        #expect((try? framer.next()) == .some(nil))
        #expect(framer.hasPendingCRLF)
        framer.append(wire("\n"))
        #expect((try? framer.next()) == .keepAlivePing)
        #expect(!framer.hasPendingCRLF && framer.bufferedByteCount == 0)
        framer.append(wire("\n\n\n"))
        #expect((try? framer.next()) == .keepAlivePing)
        #expect((try? framer.next()) == .some(nil) && framer.hasPendingCRLF)
        framer.append(Self.ok)
        #expect((try? framer.next()) == .keepAlivePong)
        if case .message(let m)? = try? framer.next() { #expect(m.response?.statusCode == 200) } else { Issue.record("no message") }
        // Stray LFs and CRs between messages are ignored (RFC 3261 §7.5).
        framer.append([0x0A, 0x0A, 0x0D, 0x0D] + Self.ok)
        if case .message(let m)? = try? framer.next() { #expect(m.response?.statusCode == 200) } else { Issue.record("no message") }
    }

    /// A broken but complete message is reported and the stream carries on.
    @Test func brokenMessageMidStreamDoesNotStopTheStream() throws {
        let broken = wire(RFC4475InvalidMessageTests.variant("Call-ID:", nil))
        let (events, _, framer) = Self.run([(Self.invite + broken + Self.ok)[...]])
        #expect(events == [.message("INVITE sip:meeting-42@bridge.example.org SIP/2.0"), .error(.missingHeader(.callID)),
                           .message("SIP/2.0 200 OK")])
        #expect(!framer.isFailed)
        // Garbage with its own empty line is one bad message.
        let garbage = wire("this is\nnot sip\n\n")
        #expect(Self.run([(garbage + Self.ok)[...]]).events == [.error(.malformedStartLine), .message("SIP/2.0 200 OK")])
    }

    /// Without Content-Length a stream message has no body (RFC 3261 §18.3 requires it on
    /// streams; a missing one is read as 0).
    @Test func missingContentLengthMeansNoBody() throws {
        let noLength = wire(RFC4475InvalidMessageTests.variant("Content-Length:", nil))
        let (events, messages, _) = Self.run([(noLength + Self.ok)[...]])
        #expect(events.count == 2 && messages.first?.body == [])
    }

    /// Body or message over the limits: reported with the request's context, the body is
    /// skipped as it arrives, and the next message is read.
    @Test func oversizedBodyIsSkipped() throws {
        let body = [UInt8](repeating: UInt8(ascii: "x"), count: 40_000)
        let big = wire(RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Length: 40000")) + body
        var framer = SIPStreamFramer()
        framer.append(big.prefix(600))
        var error: SIPParseError?
        do { _ = try framer.next() } catch let e { error = e }
        #expect(error?.kind == .bodyTooLarge && error?.suggestedStatus == 413 && error?.canRespond == true)
        #expect(error?.makeResponse()?.headers[.callID] == "invalid.3848276298220188511@example.net")
        var events: [Event] = []
        var messages: [SIPMessage] = []
        var rest = big.dropFirst(600) + Self.ok
        while !rest.isEmpty {
            framer.append(rest.prefix(4096))
            rest = rest.dropFirst(4096)
            Self.drain(&framer, into: &events, messages: &messages)
        }
        #expect(events == [.message("SIP/2.0 200 OK")])
        #expect(framer.bufferedByteCount == 0)

        let limits = SIPLimits(maximumMessageBytes: 1000, maximumBodyBytes: 900)
        let medium = wire(RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Length: 800")) + body.prefix(800)
        #expect(Self.run([(medium + Self.ok)[...]], parser: SIPParser(limits: limits)).events == [.error(.messageTooLarge), .message("SIP/2.0 200 OK")])
    }

    /// Framing lost: a header section without end past the limit, or a Content-Length that
    /// is not a number. Reported once; then the framer is failed and ignores input.
    @Test func lostFramingFailsTheStream() throws {
        let endless = wire("INVITE sip:a@example.com SIP/2.0\nVia: SIP/2.0/TCP h;branch=z9hG4bK1\nCall-ID: endless\n")
            + [UInt8](repeating: UInt8(ascii: "a"), count: 40_000)
        let (events, _, framer) = Self.run([endless[...]])
        #expect(events == [.error(.headerSectionTooLarge)])
        #expect(framer.isFailed && framer.bufferedByteCount == 0)

        var failed = framer
        failed.append(Self.ok)
        #expect((try? failed.next()) == .some(nil) && failed.bufferedByteCount == 0)

        for value in ["-1", "x", "1, 2"] {
            let bad = wire(RFC4475InvalidMessageTests.variant("Content-Length:", "Content-Length: \(value)"))
            let run = Self.run([(Self.ok + bad + Self.ok)[...]])
            #expect(run.events == [.message("SIP/2.0 200 OK"), .error(.invalidContentLength)], "\(value)")
            #expect(run.framer.isFailed)
        }
    }

    /// The header-section limit applies while the head is still arriving.
    @Test func headerLimitAppliesToPartialHeads() {
        let limits = SIPLimits(maximumHeaderBytes: 100)
        var framer = SIPStreamFramer(parser: SIPParser(limits: limits))
        framer.append(Self.invite.prefix(100))
        #expect((try? framer.next()) == .some(nil))
        framer.append(Self.invite[100..<101])
        var kind: SIPParseError.Kind?
        do { _ = try framer.next() } catch { kind = error.kind }
        #expect(kind == .headerSectionTooLarge && framer.isFailed)
    }
}
