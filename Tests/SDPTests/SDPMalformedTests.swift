import SDP
import Testing

/// Every body RFC 8866 makes invalid is refused with its own reason and line number.
@Suite("SDP malformed input")
struct SDPMalformedTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let lines: [String]
        let reason: SDPError.Reason
        let line: Int?
        var testDescription: String { name }
    }

    static let header = ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "t=0 0"]

    static let cases: [Case] = [
        Case(name: "empty body", lines: [], reason: .missingVersion, line: nil),
        Case(name: "blank lines only", lines: ["", "  "], reason: .missingVersion, line: nil),
        Case(name: "no v= line", lines: Array(header.dropFirst()), reason: .missingVersion, line: 1),
        Case(name: "v= not first", lines: ["s=-", "v=0"], reason: .missingVersion, line: 1),
        Case(name: "v=1", lines: ["v=1"] + header.dropFirst(), reason: .unsupportedVersion("1"), line: 1),
        Case(name: "v= empty", lines: ["v="] + header.dropFirst(), reason: .unsupportedVersion(""), line: 1),
        Case(name: "second v=", lines: header + ["v=0"], reason: .duplicateLine("v"), line: 6),
        Case(name: "v= inside media", lines: header + ["m=audio 5004 RTP/AVP 0", "v=0"], reason: .misplacedLine("v"), line: 7),
        Case(name: "line without =", lines: header + ["hello"], reason: .malformedLine("hello"), line: 6),
        Case(name: "type of two letters", lines: header + ["ab=1"], reason: .malformedLine("ab=1"), line: 6),
        Case(name: "digit type", lines: header + ["1=x"], reason: .malformedLine("1=x"), line: 6),
        Case(name: "leading space", lines: header + [" a=sendrecv"], reason: .malformedLine(" a=sendrecv"), line: 6),
        Case(name: "NUL byte", lines: header + ["a=x\u{0}y"], reason: .invalidCharacter, line: 6),
        Case(name: "CR inside a line", lines: header + ["a=x\ry"], reason: .invalidCharacter, line: 6),
        Case(name: "m= before o=", lines: ["v=0", "m=audio 5004 RTP/AVP 0"], reason: .mediaBeforeSessionLines(missing: "o"), line: 2),
        Case(name: "m= before s=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "m=audio 5004 RTP/AVP 0"],
             reason: .mediaBeforeSessionLines(missing: "s"), line: 3),
        Case(name: "m= before t=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN IP4 192.0.2.1", "m=audio 5004 RTP/AVP 0"],
             reason: .mediaBeforeSessionLines(missing: "t"), line: 5),
        Case(name: "no o=", lines: ["v=0", "s=-", "t=0 0"], reason: .missingLine("o"), line: nil),
        Case(name: "no s=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "t=0 0"], reason: .missingLine("s"), line: nil),
        Case(name: "no t=", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-"], reason: .missingLine("t"), line: nil),
        Case(name: "second o=", lines: header + ["o=- 1 1 IN IP4 192.0.2.1"], reason: .duplicateLine("o"), line: 6),
        Case(name: "second s=", lines: header + ["s=again"], reason: .duplicateLine("s"), line: 6),
        Case(name: "o= in media", lines: header + ["m=audio 5004 RTP/AVP 0", "o=- 1 1 IN IP4 192.0.2.1"],
             reason: .misplacedLine("o"), line: 7),
        Case(name: "t= in media", lines: header + ["m=audio 5004 RTP/AVP 0", "t=0 0"], reason: .misplacedLine("t"), line: 7),
        Case(name: "o= five fields", lines: ["v=0", "o=- 1 1 IN IP4", "s=-", "t=0 0"],
             reason: .malformedOrigin("- 1 1 IN IP4"), line: 2),
        Case(name: "o= version not a number", lines: ["v=0", "o=- 1 v2 IN IP4 192.0.2.1", "s=-", "t=0 0"],
             reason: .malformedOrigin("- 1 v2 IN IP4 192.0.2.1"), line: 2),
        Case(name: "c= two fields", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "c=IN 192.0.2.1", "t=0 0"],
             reason: .malformedConnection("IN 192.0.2.1"), line: 4),
        Case(name: "second session c=", lines: header + ["c=IN IP4 192.0.2.2"], reason: .duplicateLine("c"), line: 6),
        Case(name: "second media c=", lines: header + ["m=audio 5004 RTP/AVP 0", "c=IN IP4 192.0.2.2", "c=IN IP4 192.0.2.3"],
             reason: .duplicateLine("c"), line: 8),
        Case(name: "b= without colon", lines: header + ["b=AS"], reason: .malformedBandwidth("AS"), line: 6),
        Case(name: "b= not a number", lines: header + ["b=AS:fast"], reason: .malformedBandwidth("AS:fast"), line: 6),
        Case(name: "t= one field", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0"], reason: .malformedTiming("0"), line: 4),
        Case(name: "a= empty", lines: header + ["a="], reason: .malformedAttribute(""), line: 6),
        Case(name: "a= empty name", lines: header + ["a=:value"], reason: .malformedAttribute(":value"), line: 6),
        Case(name: "m= three fields", lines: header + ["m=audio 5004 RTP/AVP"], reason: .malformedMediaLine("audio 5004 RTP/AVP"), line: 6),
        Case(name: "m= empty", lines: header + ["m="], reason: .malformedMediaLine(""), line: 6),
        Case(name: "port too large", lines: header + ["m=audio 65536 RTP/AVP 0"], reason: .badPort("65536"), line: 6),
        Case(name: "port negative", lines: header + ["m=audio -1 RTP/AVP 0"], reason: .badPort("-1"), line: 6),
        Case(name: "port not a number", lines: header + ["m=audio RTP/AVP 0 8"], reason: .badPort("RTP/AVP"), line: 6),
        Case(name: "port count zero", lines: header + ["m=audio 5004/0 RTP/AVP 0"], reason: .badPort("5004/0"), line: 6),
        Case(name: "port with two slashes", lines: header + ["m=audio 5004/2/2 RTP/AVP 0"], reason: .badPort("5004/2/2"), line: 6),
        Case(name: "non-numeric RTP/AVP format", lines: header + ["m=audio 5004 RTP/AVP 0 PCMA"],
             reason: .nonNumericFormat("PCMA"), line: 6),
        Case(name: "RTP format above 127", lines: header + ["m=video 5004 RTP/SAVPF 128"], reason: .nonNumericFormat("128"), line: 6),
        Case(name: "star format in RTP/AVP", lines: header + ["m=video 5004 RTP/AVP *"], reason: .nonNumericFormat("*"), line: 6),
        Case(name: "no c= anywhere", lines: ["v=0", "o=- 1 1 IN IP4 192.0.2.1", "s=-", "t=0 0",
                                             "m=audio 5004 RTP/AVP 0", "c=IN IP4 192.0.2.1", "m=video 5006 RTP/AVP 96"],
             reason: .missingConnection(mediaIndex: 1), line: 7),
        Case(name: "65 media sections", lines: header + Array(repeating: "m=audio 5004 RTP/AVP 0", count: 65),
             reason: .tooManyMediaSections, line: 70),
    ]

    @Test(arguments: cases)
    func refusedWithItsReason(_ testCase: Case) {
        do {
            _ = try SessionDescription(parsing: sdp(testCase.lines))
            Issue.record("parsed, expected \(testCase.reason)")
        } catch {
            #expect(error.reason == testCase.reason)
            #expect(error.line == testCase.line)
            #expect(!error.description.isEmpty)
        }
    }

    @Test func bodyOverSixtyFourKiBIsRefusedUpFront() {
        let body = sdp(Self.header) + "a=x:" + String(repeating: "y", count: SDPParser.maximumBodySize) + "\r\n"
        #expect(throws: SDPError(.bodyTooLarge(bytes: body.utf8.count))) { try SessionDescription(parsing: body) }
    }

    @Test func messagesNameLineAndClipTokens() {
        let long = String(repeating: "Z", count: 500)
        do {
            _ = try SessionDescription(parsing: sdp(Self.header + ["m=audio 5004 RTP/AVP " + long]))
            Issue.record("parsed")
        } catch {
            #expect(error.description == "line 6: format '\(String(repeating: "Z", count: 40))' is not an RTP payload type (0-127)")
        }
        #expect(SDPError(.missingConnection(mediaIndex: 0), line: 6).description
                == "line 6: media section 0 has no c= line and the session has none")
    }
}
