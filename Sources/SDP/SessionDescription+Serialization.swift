/// Writing SDP (RFC 8866 §5): CRLF line ends and the canonical order, session lines
/// v o s i c b t a, then for each section m i c b a. Values are written as stored; what the
/// parser keeps, it reads back identically.
extension SessionDescription {
    /// The body as text.
    public func serialized() -> String {
        var lines = ["v=0", "o=" + origin.value, "s=" + sessionName]
        if let information { lines.append("i=" + information) }
        if let connection { lines.append("c=" + connection.value) }
        lines += bandwidths.map { "b=" + $0.text }
        lines += timings.map { "t=" + $0.value }
        lines += attributes.map { "a=" + $0.text }
        for section in media {
            lines.append("m=" + section.mediaLine)
            if let information = section.information { lines.append("i=" + information) }
            if let connection = section.connection { lines.append("c=" + connection.value) }
            lines += section.bandwidths.map { "b=" + $0.text }
            lines += section.attributes.map { "a=" + $0.text }
        }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// The body as UTF-8 bytes, ready for a SIP message.
    public var bytes: [UInt8] { Array(serialized().utf8) }
}
