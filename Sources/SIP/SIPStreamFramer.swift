/// Cuts a TCP/TLS byte stream into SIP messages (RFC 3261 §18.3): the header section ends at
/// the first empty line, and Content-Length bytes of body follow (none when it is absent).
///
/// Feed bytes with `append`, then call `next()` until it returns nil. It handles messages
/// split anywhere, several messages in one read, and RFC 5626 §3.5.1 keep-alives: CRLFCRLF
/// between messages is a ping (answer with CRLF), a lone CRLF a pong.
///
/// Errors come in two kinds. A message that is complete but broken (bad start line, missing
/// header, body or message over the limits, …) throws and the stream carries on with the
/// next message; for limits the oversized body is skipped as it arrives. A stream whose
/// framing is lost (header section over `maximumHeaderBytes` without an end, or a
/// Content-Length that is missing a number or disagrees with itself) throws once and sets
/// `isFailed`: after sending any error response, close the connection.
public struct SIPStreamFramer: Sendable {
    public enum Output: Sendable, Hashable {
        case message(SIPMessage)
        /// CRLFCRLF: the peer asks for a pong (reply with a single CRLF).
        case keepAlivePing
        /// A lone CRLF, known to be alone once the next byte has arrived.
        case keepAlivePong
    }

    private enum State: Sendable {
        /// Between messages. Offsets are relative to `readIndex`.
        case idle
        /// Looking for the empty line: resume scanning at `scanned`; the current line began
        /// at `lineStart`.
        case head(scanned: Int, lineStart: Int)
        /// The head is consumed; `bodyLength` bytes are awaited.
        case body(SIPParser.Head, bodyLength: Int)
        /// Dropping the body of an over-limit message.
        case discard(remaining: Int)
        case failed
    }

    public let parser: SIPParser
    private var buffer: [UInt8] = []
    private var readIndex = 0
    private var state = State.idle

    public init(parser: SIPParser = SIPParser()) { self.parser = parser }

    /// True once the stream's framing is lost; `next()` then returns nil for good.
    public var isFailed: Bool {
        if case .failed = state { return true }
        return false
    }

    /// Bytes received and not yet returned or discarded.
    public var bufferedByteCount: Int { buffer.count - readIndex }

    /// A lone CRLF is buffered and nothing after it yet: a client waiting for a pong may
    /// take it as one (it becomes `.keepAlivePong`, or half a ping, when more bytes come).
    public var hasPendingCRLF: Bool {
        guard case .idle = state, bufferedByteCount == 2 else { return false }
        return buffer[readIndex] == 0x0D && buffer[readIndex + 1] == 0x0A
    }

    public mutating func append<Bytes: Sequence<UInt8>>(_ bytes: Bytes) {
        if isFailed { return }
        compact()
        buffer.append(contentsOf: bytes)
    }

    /// Frees the consumed prefix once it is at least half the buffer (amortized O(1) per byte).
    private mutating func compact() {
        guard readIndex > 0 else { return }
        if readIndex == buffer.count {
            buffer.removeAll(keepingCapacity: buffer.capacity <= 1 << 17)
            readIndex = 0
        } else if readIndex >= buffer.count / 2 {
            buffer.removeFirst(readIndex)
            readIndex = 0
        }
    }

    /// The next message or keep-alive; nil when more bytes are needed (or the stream failed).
    public mutating func next() throws(SIPParseError) -> Output? {
        let limits = parser.limits
        while true {
            let available = buffer.count - readIndex
            switch state {
            case .failed:
                return nil

            case .discard(let remaining):
                let n = min(available, remaining)
                readIndex += n
                if n < remaining {
                    state = .discard(remaining: remaining - n)
                    return nil
                }
                state = .idle

            case .idle:
                guard available > 0 else { return nil }
                let b0 = buffer[readIndex]
                if b0 == 0x0D || b0 == 0x0A {
                    if b0 == 0x0D {
                        guard available >= 2 else { return nil }
                        if buffer[readIndex + 1] == 0x0A {
                            // CRLF: a ping if another CRLF follows, else a pong.
                            guard available >= 3 else { return nil }
                            if buffer[readIndex + 2] == 0x0D {
                                guard available >= 4 else { return nil }
                                if buffer[readIndex + 3] == 0x0A {
                                    readIndex += 4
                                    return .keepAlivePing
                                }
                            }
                            readIndex += 2
                            return .keepAlivePong
                        }
                    }
                    // A stray CR or LF before a start line is ignored (RFC 3261 §7.5).
                    readIndex += 1
                    continue
                }
                state = .head(scanned: 0, lineStart: 0)

            case .head(let scanned, let lineStart):
                // The header section may not run past the limit: search no further than that.
                let limit = min(available, limits.maximumHeaderBytes)
                var i = scanned
                var line = lineStart
                var headLength: Int?
                while i < limit {
                    if buffer[readIndex + i] == 0x0A {
                        let lineLength = i - line
                        if line > 0, lineLength == 0 || (lineLength == 1 && buffer[readIndex + line] == 0x0D) {
                            headLength = i + 1
                            break
                        }
                        line = i + 1
                    }
                    i += 1
                }
                guard let headLength else {
                    if available > limits.maximumHeaderBytes {
                        let head = scanHead(length: limits.maximumHeaderBytes)
                        throw fail(.headerSectionTooLarge, head: head)
                    }
                    state = .head(scanned: i, lineStart: line)
                    return nil
                }
                let head = scanHead(length: headLength)
                let declared: Int?
                switch SIPParser.contentLength(in: head.fields) {
                case .success(let n): declared = n
                case .failure(let error): throw fail(error.kind, head: head)
                }
                let bodyLength = declared ?? 0
                readIndex += headLength
                if bodyLength > limits.maximumBodyBytes || headLength + bodyLength > limits.maximumMessageBytes {
                    state = .discard(remaining: bodyLength)
                    let (isRequest, method, _) = SIPParser.parseStartLine(head.startLine)
                    throw SIPParseError(
                        bodyLength > limits.maximumBodyBytes ? .bodyTooLarge : .messageTooLarge,
                        isRequest: isRequest, method: method, fields: head.fields)
                }
                state = .body(head, bodyLength: bodyLength)

            case .body(let head, let bodyLength):
                guard available >= bodyLength else { return nil }
                let start = readIndex
                readIndex += bodyLength
                state = .idle
                let headLength = head.length ?? 0
                let parser = self.parser
                let result: Result<SIPMessage, SIPParseError> = buffer.withUnsafeBufferPointer { buf in
                    do throws(SIPParseError) {
                        return .success(try parser.finish(
                            head: head, body: UnsafeBufferPointer(rebasing: buf[start..<(start + bodyLength)]),
                            framing: .stream, messageBytes: headLength + bodyLength, headerLimitHit: false))
                    } catch {
                        return .failure(error)
                    }
                }
                return .message(try result.get())
            }
        }
    }

    private func scanHead(length: Int) -> SIPParser.Head {
        let start = readIndex
        let maximumFields = parser.limits.maximumHeaderFields
        return buffer.withUnsafeBufferPointer { buf in
            SIPParser.scanHead(buf, from: start, to: start + length, maximumFields: maximumFields)
        }
    }

    /// Framing is lost: keep nothing, answer nothing more.
    private mutating func fail(_ kind: SIPParseError.Kind, head: SIPParser.Head) -> SIPParseError {
        state = .failed
        buffer = []
        readIndex = 0
        let (isRequest, method, _) = SIPParser.parseStartLine(head.startLine)
        return SIPParseError(kind, isRequest: isRequest, method: method, fields: head.fields)
    }
}
