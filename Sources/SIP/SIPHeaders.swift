/// The header fields of a message in their original order, with raw values.
///
/// Order matters: Via, Route and Record-Route values are ordered lists (RFC 3261 §7.3.1), and
/// keeping every other field where it was lets a message be forwarded or logged as received.
/// Typed accessors (`via`, `from`, `cseq`, …) live in `SIPHeaders+Typed.swift`.
public struct SIPHeaders: Sendable, Hashable, RandomAccessCollection, ExpressibleByArrayLiteral {
    public private(set) var fields: [SIPHeaderField]

    public init(_ fields: [SIPHeaderField] = []) { self.fields = fields }
    public init(arrayLiteral elements: SIPHeaderField...) { self.fields = elements }

    public var startIndex: Int { fields.startIndex }
    public var endIndex: Int { fields.endIndex }
    public subscript(position: Int) -> SIPHeaderField { fields[position] }

    // MARK: Reading

    /// The raw value of the first field called `name`.
    public subscript(name: SIPHeaderName) -> String? {
        fields.first { $0.name == name }?.value
    }

    public func contains(_ name: SIPHeaderName) -> Bool { fields.contains { $0.name == name } }

    /// How many lines carry `name` (not how many list values).
    public func count(of name: SIPHeaderName) -> Int { fields.reduce(0) { $0 + ($1.name == name ? 1 : 0) } }

    public func fields(named name: SIPHeaderName) -> [SIPHeaderField] { fields.filter { $0.name == name } }

    /// Every value of `name` in order. Lines of list headers (`name.isList`) are split at
    /// commas outside quoted strings and angle brackets, and each element trimmed; other
    /// headers give one value per line. Empty list elements are kept, so that typed parsers
    /// can reject them.
    public func values(for name: SIPHeaderName) -> [String] {
        var out: [String] = []
        for field in fields where field.name == name {
            if name.isList {
                out += SIPHeaders.splitList(field.value)
            } else {
                out.append(field.value)
            }
        }
        return out
    }

    /// Splits a header value at top-level commas (RFC 3261 §7.3.1): commas inside a
    /// quoted-string (with its backslash escapes) or inside `<…>` do not separate values.
    public static func splitList(_ value: String) -> [String] {
        guard value.utf8.contains(UInt8(ascii: ",")) else { return [SIPGrammar.trimmed(value)] }
        var out: [String] = []
        let u = Array(value.utf8)
        var start = 0
        var inQuotes = false
        var angle = false
        var i = 0
        while i < u.count {
            let b = u[i]
            if inQuotes {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inQuotes = false }
            } else if b == UInt8(ascii: "\"") {
                inQuotes = true
            } else if b == UInt8(ascii: "<") {
                angle = true
            } else if b == UInt8(ascii: ">") {
                angle = false
            } else if b == UInt8(ascii: ","), !angle {
                out.append(SIPGrammar.trimmed(String(decoding: u[start..<i], as: UTF8.self)))
                start = i + 1
            }
            i += 1
        }
        out.append(SIPGrammar.trimmed(String(decoding: u[start..<u.count], as: UTF8.self)))
        return out
    }

    // MARK: Writing

    public mutating func append(_ name: SIPHeaderName, _ value: String) {
        fields.append(SIPHeaderField(name, value))
    }

    public mutating func append(_ field: SIPHeaderField) { fields.append(field) }

    public mutating func insert(_ field: SIPHeaderField, at index: Int) { fields.insert(field, at: index) }

    /// Adds a value above the existing ones of the same name (a proxy's Via, RFC 3261
    /// §16.6 step 8), or at the top of the message when there are none.
    public mutating func prepend(_ name: SIPHeaderName, _ value: String) {
        fields.insert(SIPHeaderField(name, value), at: fields.firstIndex { $0.name == name } ?? 0)
    }

    /// Replaces every field called `name` with one field holding `value`, at the position of
    /// the first (appended when there was none).
    public mutating func set(_ name: SIPHeaderName, _ value: String) {
        if let first = fields.firstIndex(where: { $0.name == name }) {
            fields[first].value = value
            var i = fields.count - 1
            while i > first {
                if fields[i].name == name { fields.remove(at: i) }
                i -= 1
            }
        } else {
            fields.append(SIPHeaderField(name, value))
        }
    }

    public mutating func removeAll(_ name: SIPHeaderName) { fields.removeAll { $0.name == name } }

    public mutating func remove(at index: Int) { fields.remove(at: index) }

    /// Replaces the first list value of `name` (the topmost Via, say), splitting its line if
    /// it held several values so that the others stay unchanged and in order.
    public mutating func replaceFirstValue(of name: SIPHeaderName, with value: String) {
        guard let i = fields.firstIndex(where: { $0.name == name }) else { return }
        let parts = name.isList ? SIPHeaders.splitList(fields[i].value) : [fields[i].value]
        fields[i].value = value
        if parts.count > 1 {
            fields.insert(SIPHeaderField(name, parts.dropFirst().joined(separator: ", ")), at: i + 1)
        }
    }
}
