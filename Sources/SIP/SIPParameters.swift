/// An ordered list of `;name[=value]` parameters, as they follow a header value or a URI.
///
/// Names compare case-insensitively (RFC 3261 §7.3.1); order is kept so that serialization
/// reproduces what was parsed. Header parameters keep values as received (a quoted-string
/// value keeps its quotes); URI parameters hold unescaped values (see `SIPURI`).
public struct SIPParameters: Sendable, Hashable, RandomAccessCollection, CustomStringConvertible {
    public struct Parameter: Sendable, Hashable {
        public var name: String
        /// Nil for a flag such as `lr` or `rport`.
        public var value: String?

        public init(name: String, value: String? = nil) {
            self.name = name
            self.value = value
        }
    }

    public private(set) var elements: [Parameter]

    public init(_ elements: [Parameter] = []) { self.elements = elements }

    public var startIndex: Int { elements.startIndex }
    public var endIndex: Int { elements.endIndex }
    public subscript(position: Int) -> Parameter { elements[position] }

    func index(of name: String) -> Int? {
        elements.firstIndex { SIPGrammar.caseInsensitiveEquals($0.name, name) }
    }

    /// Whether the parameter is present, with or without a value.
    public func contains(_ name: String) -> Bool { index(of: name) != nil }

    /// The value of the first parameter called `name`: nil when it is absent or has no value.
    public subscript(name: String) -> String? { index(of: name).flatMap { elements[$0].value } }

    /// The value with surrounding quotes removed and quoted-pairs resolved.
    public func unquotedValue(_ name: String) -> String? {
        guard let value = self[name] else { return nil }
        guard value.utf8.count >= 2, value.utf8.first == UInt8(ascii: "\""), value.utf8.last == UInt8(ascii: "\"") else { return value }
        return SIPScanner.scan(value) { s in s.quotedString() }
    }

    /// Sets `name` (in place when present, appended otherwise); a nil value makes it a flag.
    public mutating func set(_ name: String, to value: String? = nil) {
        if let i = index(of: name) {
            elements[i].value = value
        } else {
            elements.append(Parameter(name: name, value: value))
        }
    }

    public mutating func append(name: String, value: String?) {
        elements.append(Parameter(name: name, value: value))
    }

    public mutating func remove(_ name: String) {
        elements.removeAll { SIPGrammar.caseInsensitiveEquals($0.name, name) }
    }

    /// `;name=value;flag` with values written as stored.
    public var description: String {
        var out = ""
        for p in elements {
            out += ";" + p.name
            if let v = p.value { out += "=" + v }
        }
        return out
    }
}
