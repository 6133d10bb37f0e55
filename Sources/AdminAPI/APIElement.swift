import Foundation

/// A response body in CMS's shape, rendered as XML (the default) or JSON (`Accept:
/// application/json`). One tree serves both so the two can never disagree.
public struct APIElement: Sendable, Equatable {
    public enum Scalar: Sendable, Equatable {
        case string(String)
        case integer(Int)
        case double(Double)
        case bool(Bool)

        var text: String {
            switch self {
            case .string(let s): return s
            case .integer(let i): return String(i)
            case .double(let d): return String(format: "%.3f", d)
            case .bool(let b): return b ? "true" : "false"
            }
        }
    }

    public var name: String
    /// XML attributes (`id`, `total`, …); JSON keys of the object.
    public var attributes: [(String, Scalar)]
    public var value: Scalar?
    public var children: [APIElement]
    /// A list element: its children are one JSON array even when there are 0 or 1 of them.
    public var itemName: String?

    public init(_ name: String, attributes: [(String, Scalar)] = [], value: Scalar? = nil, children: [APIElement] = [],
                itemName: String? = nil) {
        self.name = name
        self.attributes = attributes
        self.value = value
        self.children = children
        self.itemName = itemName
    }

    public static func == (a: APIElement, b: APIElement) -> Bool {
        a.name == b.name && a.value == b.value && a.children == b.children && a.itemName == b.itemName
            && a.attributes.map(\.0) == b.attributes.map(\.0) && a.attributes.map(\.1) == b.attributes.map(\.1)
    }

    public static func field(_ name: String, _ value: Scalar?) -> APIElement? {
        value.map { APIElement(name, value: $0) }
    }

    // MARK: XML

    public var xmlDocument: String { "<?xml version=\"1.0\"?>\n" + xml }

    public var xml: String {
        var out = "<\(name)"
        for (key, value) in attributes { out += " \(key)=\"\(Self.escape(value.text, attribute: true))\"" }
        if value == nil && children.isEmpty { return out + " />" }
        out += ">"
        if let value { out += Self.escape(value.text, attribute: false) }
        for child in children { out += child.xml }
        return out + "</\(name)>"
    }

    static func escape(_ text: String, attribute: Bool) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for ch in text.unicodeScalars {
            switch ch {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"" where attribute: out += "&quot;"
            default:
                // XML 1.0 cannot carry most control characters at all.
                let forbidden = (ch.value < 0x20 && ch != "\n" && ch != "\t" && ch != "\r") || ch.value == 0xFFFE || ch.value == 0xFFFF
                if forbidden { out += "\u{FFFD}" } else { out.unicodeScalars.append(ch) }
            }
        }
        return out
    }

    // MARK: JSON

    /// `{"<name>": <body>}`.
    public var jsonDocument: String { "{" + Self.jsonString(name) + ":" + jsonBody + "}" }

    var jsonBody: String {
        if let value, attributes.isEmpty, children.isEmpty { return Self.json(value) }
        var members: [String] = attributes.map { Self.jsonString($0.0) + ":" + Self.json($0.1) }
        if let value { members.append("\"value\":" + Self.json(value)) }
        if let itemName {
            members.append(Self.jsonString(itemName) + ":[" + children.map(\.jsonBody).joined(separator: ",") + "]")
        } else {
            for child in children { members.append(Self.jsonString(child.name) + ":" + child.jsonBody) }
        }
        return "{" + members.joined(separator: ",") + "}"
    }

    static func json(_ value: Scalar) -> String {
        switch value {
        case .string(let s): return jsonString(s)
        case .integer(let i): return String(i)
        case .double(let d): return d.isFinite ? String(format: "%.3f", d) : "null"
        case .bool(let b): return b ? "true" : "false"
        }
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if ch.value < 0x20 { out += String(format: "\\u%04x", ch.value) } else { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}
