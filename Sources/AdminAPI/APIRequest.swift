import Foundation

/// An HTTP request as the API sees it, independent of the server library (unit tests call
/// `AdminAPI.handle` with these directly; the HTTPS server converts to and from them).
public struct APIRequest: Sendable {
    public var method: String
    /// Path without the query (`/api/v1/coSpaces/…`), percent-encoding still in place.
    public var path: String
    public var query: String
    /// Header names lowercased.
    public var headers: [String: String]
    public var body: [UInt8]

    public init(method: String, path: String, query: String = "", headers: [String: String] = [:], body: [UInt8] = []) {
        self.method = method.uppercased()
        self.path = path
        self.query = query
        self.headers = Dictionary(headers.map { ($0.key.lowercased(), $0.value) }, uniquingKeysWith: { a, _ in a })
        self.body = body
    }

    /// Splits a request target (`/path?query`).
    public init(method: String, target: String, headers: [String: String] = [:], body: [UInt8] = []) {
        let parts = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)
        self.init(method: method, path: String(parts[0]), query: parts.count > 1 ? String(parts[1]) : "", headers: headers, body: body)
    }

    var wantsJSON: Bool { (headers["accept"] ?? "").lowercased().contains("application/json") }
}

public struct APIResponse: Sendable {
    public var status: Int
    public var headers: [(String, String)]
    public var body: [UInt8]

    public init(status: Int, headers: [(String, String)] = [], body: [UInt8] = []) {
        self.status = status
        self.headers = headers
        self.body = body
    }

    public var text: String { String(decoding: body, as: UTF8.self) }
    public func header(_ name: String) -> String? { headers.first { $0.0.lowercased() == name.lowercased() }?.1 }
}

/// `application/x-www-form-urlencoded` (WHATWG URL standard §5): `+` is a space, `%XX` a byte.
enum FormDecoding {
    struct Failure: Error { var reason: String }

    static func decode(_ text: String) throws(Failure) -> [(String, String)] {
        var pairs: [(String, String)] = []
        for part in text.split(separator: "&", omittingEmptySubsequences: true) {
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            let key = try unescape(kv[0])
            let value = kv.count > 1 ? try unescape(kv[1]) : ""
            guard !key.isEmpty else { throw Failure(reason: "a parameter has an empty name") }
            pairs.append((key, value))
        }
        return pairs
    }

    static func unescape(_ text: Substring) throws(Failure) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(text.utf8.count)
        var iterator = text.utf8.makeIterator()
        while let byte = iterator.next() {
            switch byte {
            case UInt8(ascii: "+"): bytes.append(UInt8(ascii: " "))
            case UInt8(ascii: "%"):
                guard let high = iterator.next().flatMap(hex), let low = iterator.next().flatMap(hex) else {
                    throw Failure(reason: "bad percent-encoding in '\(text.prefix(40))'")
                }
                bytes.append(high << 4 | low)
            default: bytes.append(byte)
            }
        }
        guard let string = String(validating: bytes, as: UTF8.self) else { throw Failure(reason: "a parameter is not valid UTF-8") }
        return string
    }

    private static func hex(_ c: UInt8) -> UInt8? {
        switch c {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
        default: return nil
        }
    }
}
