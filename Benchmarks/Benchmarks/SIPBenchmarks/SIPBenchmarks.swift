import Benchmark
import Glibc
import SIP

// SIP message throughput: parse + serialize of a typical INVITE with an SDP offer (the
// biggest message of a call set-up; baresip's, with audio and video), per core, next to a
// baseline in the same run: splitting the same bytes into lines and header name/value pairs,
// the least any SIP parser must do.
//   cd Benchmarks && swift package benchmark --target SIPBenchmarks

@inline(__always)
func threadCPUNanoseconds() -> Int {
    var ts = timespec()
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts)
    return ts.tv_sec * 1_000_000_000 + ts.tv_nsec
}

let messagesPerSecond = BenchmarkMetric.custom("messages/s (thread CPU)", polarity: .prefersLarger)
let metrics: [BenchmarkMetric] = [.wallClock, .mallocCountTotal, messagesPerSecond, .throughput]
let batch = 1000

func measure(_ benchmark: Benchmark, _ body: () -> Void) {
    benchmark.startMeasurement()
    let cpu0 = threadCPUNanoseconds()
    body()
    let cpu1 = threadCPUNanoseconds()
    benchmark.stopMeasurement()
    benchmark.measurement(messagesPerSecond, Int(Double(batch) * 1e9 / Double(max(1, cpu1 - cpu0))))
}

let sdp = """
v=0\r
o=- 414379120 82601906 IN IP4 127.0.0.1\r
s=-\r
c=IN IP4 127.0.0.1\r
t=0 0\r
m=audio 42878 RTP/AVP 96 0 8 101\r
a=rtpmap:96 opus/48000/2\r
a=fmtp:96 stereo=1;sprop-stereo=1\r
a=rtpmap:0 PCMU/8000\r
a=rtpmap:8 PCMA/8000\r
a=rtpmap:101 telephone-event/8000\r
a=fmtp:101 0-15\r
a=sendrecv\r
a=rtcp-rsize\r
a=ptime:20\r
m=video 42240 RTP/AVP 96 97\r
a=rtpmap:96 H264/90000\r
a=fmtp:96 packetization-mode=0;profile-level-id=42e01f\r
a=rtpmap:97 H264/90000\r
a=fmtp:97 packetization-mode=1;profile-level-id=42e01f\r
a=sendrecv\r
a=rtcp-fb:* nack pli\r
a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:9oYaRgdRVMQqq4UUsXL2jPANx/5IzM536aHk30N7\r

"""

let invite = Array(("""
INVITE sip:1000@127.0.0.1:5060 SIP/2.0\r
Via: SIP/2.0/UDP 127.0.0.1:15180;branch=z9hG4bKd509889b7ad1a829;rport\r
Contact: <sip:bob-0x556cd0e34f10@127.0.0.1:15180>\r
Max-Forwards: 70\r
To: <sip:1000@127.0.0.1:5060>\r
From: "Bob" <sip:bob@127.0.0.1>;tag=1d786f4ab4fbdc89\r
Call-ID: 5111daecd08de35d\r
CSeq: 42764 INVITE\r
User-Agent: baresip v1.0.0 (x86_64/linux)\r
Allow: INVITE,ACK,BYE,CANCEL,OPTIONS,NOTIFY,SUBSCRIBE,INFO,MESSAGE,REFER\r
Supported: timer\r
Session-Expires: 1800\r
Content-Type: application/sdp\r
Content-Length: \(sdp.utf8.count)\r
\r

""" + sdp).utf8)

/// The baseline: find every line end and the colon of every header line; count them.
@inline(never)
func splitLines(_ bytes: UnsafeRawBufferPointer) -> Int {
    var lines = 0, colons = 0, inHeaders = true, sawColon = false
    var i = 0
    let n = bytes.count
    while i < n {
        let b = bytes[i]
        if b == 13, i + 1 < n, bytes[i + 1] == 10 {
            if inHeaders && !sawColon && lines > 0 { inHeaders = false }
            lines += 1
            sawColon = false
            i += 2
            continue
        }
        if b == 58 && !sawColon && inHeaders { colons += 1; sawColon = true }
        i += 1
    }
    return lines &+ colons
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(metrics: metrics, timeUnits: .microseconds, warmupIterations: 3,
                                           maxDuration: .seconds(6), maxIterations: 60)
    let parser = SIPParser()
    precondition((try? parser.parse(datagram: invite)) != nil, "the benchmark INVITE must parse")

    Benchmark("SIP parse + serialize: INVITE with SDP (\(invite.count) bytes) ×\(batch)") { benchmark in
        var bytes = 0
        measure(benchmark) {
            invite.withUnsafeBytes { raw in
                for _ in 0..<batch {
                    guard let message = try? parser.parse(datagram: raw) else { fatalError("parse failed") }
                    bytes &+= message.serialized().count
                }
            }
        }
        blackHole(bytes)
    }

    Benchmark("SIP parse only: INVITE with SDP ×\(batch)") { benchmark in
        var count = 0
        measure(benchmark) {
            invite.withUnsafeBytes { raw in
                for _ in 0..<batch {
                    guard let message = try? parser.parse(datagram: raw) else { fatalError("parse failed") }
                    if case .request = message { count &+= 1 }
                }
            }
        }
        blackHole(count)
    }

    Benchmark("Baseline: split the same bytes into lines and header names ×\(batch)") { benchmark in
        var total = 0
        var copy = invite
        measure(benchmark) {
            copy.withUnsafeMutableBytes { raw in
                for i in 0..<batch {
                    // A byte changes every pass so the optimiser cannot hoist the scan out of the loop.
                    raw[3] = UInt8(65 + i % 26)
                    total &+= splitLines(UnsafeRawBufferPointer(raw))
                }
            }
        }
        blackHole(total)
    }
}
