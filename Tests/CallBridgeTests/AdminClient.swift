import Foundation

/// A real HTTP client over TLS for the admin API tests: curl (Debian package), certificate
/// checks off for the bridge's self-signed certificate (`-k`), bounded by `--max-time`.
struct AdminClient {
    struct Reply {
        var status: Int
        var headers: [String: String]
        var body: String
        var location: String? { headers["location"] }
        var id: String? { location?.split(separator: "/").last.map(String.init) }
    }

    var port: Int
    var user: String?
    var password: String?
    var json = false
    var scratch: URL

    init(port: Int, user: String? = "admin", password: String?, json: Bool = false, scratch: URL) {
        self.port = port
        self.user = user
        self.password = password
        self.json = json
        self.scratch = scratch
    }

    @discardableResult
    func request(_ method: String, _ path: String, _ form: [(String, String)] = [], timeout: Int = 40) throws -> Reply {
        let id = UUID().uuidString.prefix(8)
        let headerFile = scratch.appendingPathComponent("curl-\(id).headers"), bodyFile = scratch.appendingPathComponent("curl-\(id).body")
        defer {
            try? FileManager.default.removeItem(at: headerFile)
            try? FileManager.default.removeItem(at: bodyFile)
        }
        var arguments = ["-sk", "--max-time", String(timeout), "-X", method, "-D", headerFile.path, "-o", bodyFile.path,
                         "-w", "%{http_code}"]
        if let user, let password { arguments += ["-u", "\(user):\(password)"] }
        if json { arguments += ["-H", "Accept: application/json"] }
        for (key, value) in form { arguments += ["--data-urlencode", "\(key)=\(value)"] }
        arguments.append("https://127.0.0.1:\(port)\(path)")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/curl")
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        try process.run()
        let code = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        var headers: [String: String] = [:]
        let headerText = (try? String(contentsOf: headerFile, encoding: .utf8)) ?? ""
        for line in headerText.split(separator: "\r\n") {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return Reply(status: Int(code) ?? 0, headers: headers, body: (try? String(contentsOf: bodyFile, encoding: .utf8)) ?? "")
    }

    func jsonObject(_ reply: Reply) -> [String: Any]? {
        try? JSONSerialization.jsonObject(with: Data(reply.body.utf8)) as? [String: Any]
    }
}
