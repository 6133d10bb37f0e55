import AdminAPI
import ArgumentParser
import Foundation
import Glibc
import SIPTransport
import Store

/// `callbridge admin …`: MMP-like verbs acting on the store in the data directory. Changes
/// to listen addresses and certificates apply at the bridge's next start; users apply at
/// once (within the API's one-minute credential cache).
struct AdminCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "admin", abstract: "Administer the bridge's store (users, listen addresses, certificates).",
        subcommands: [User.self, CallBridgeListen.self, WebAdmin.self, PKI.self, Status.self, Version.self, OpenAPI.self])

    struct Options: ParsableArguments {
        @Option(help: "The bridge's data directory (the store is callbridge.sqlite in it).")
        var dataDirectory: String = "./var"

        func openStore() throws -> ConfigStore {
            try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
            return try ConfigStore(path: "\(dataDirectory)/callbridge.sqlite")
        }
    }

    struct User: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "user", abstract: "Admin users of the API and web admin.",
                                                        subcommands: [Add.self, Del.self, List.self])

        struct Add: ParsableCommand {
            static let configuration = CommandConfiguration(
                abstract: "Add a user, or give an existing one a new password (asked twice, or one line on stdin).")
            @OptionGroup var options: Options
            @Argument(help: "User name.") var name: String
            @Argument(help: "Role (only 'admin' exists).") var role: String = "admin"
            @Flag(help: "Read the password from the first line of standard input.") var passwordStdin = false

            func validate() throws {
                guard !name.isEmpty, name.count <= 64, !name.contains(":"),
                      name.unicodeScalars.allSatisfy({ $0.value > 0x20 && $0.value != 0x7f }) else {
                    throw ValidationError("a user name is 1–64 printable characters without spaces or ':'")
                }
                guard role == "admin" else { throw ValidationError("the only role is 'admin'") }
            }

            func run() throws {
                let password: String
                if passwordStdin {
                    guard let line = readLine(strippingNewline: true) else { throw ValidationError("no password on standard input") }
                    password = line
                } else {
                    guard let first = getpass("Password: ").map({ String(cString: $0) }),
                          let second = getpass("Password (again): ").map({ String(cString: $0) }) else {
                        throw ValidationError("cannot read a password from the terminal (use --password-stdin)")
                    }
                    guard first == second else { throw ValidationError("the passwords differ") }
                    password = first
                }
                guard password.count >= 8 else { throw ValidationError("a password has at least 8 characters") }
                let store = try options.openStore()
                try store.write { try $0.setUser(name: name, role: role, passwordHash: PasswordHash.make(password)) }
                print("user '\(name)' saved")
            }
        }

        struct Del: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "Remove a user.")
            @OptionGroup var options: Options
            @Argument(help: "User name.") var name: String

            func run() throws {
                let store = try options.openStore()
                guard try store.write({ try $0.deleteUser(name: name) }) else { throw ValidationError("no user '\(name)'") }
                print("user '\(name)' removed")
            }
        }

        struct List: ParsableCommand {
            static let configuration = CommandConfiguration(abstract: "List users.")
            @OptionGroup var options: Options

            func run() throws {
                let formatter = ISO8601DateFormatter()
                for user in try options.openStore().read({ try $0.users() }) {
                    print("\(user.name)\t\(user.role)\tpassword set \(formatter.string(from: user.passwordChangedAt))")
                }
            }
        }
    }

    struct CallBridgeListen: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "callbridge",
                                                        abstract: "`callbridge listen <host[:port]>`: where SIP listens.")
        @OptionGroup var options: Options
        @Argument(help: "listen") var verb: String
        @Argument(help: "host or host:port (port 5060 when omitted)") var address: String

        func run() throws {
            guard verb == "listen" else { throw ValidationError("usage: callbridge admin callbridge listen <host[:port]>") }
            let value = ServeCommand.parseHostPort(address) != nil ? address : "\(address):5060"
            guard ServeCommand.parseHostPort(value) != nil else { throw ValidationError("'\(address)' is not host[:port]") }
            try options.openStore().write { try $0.setSetting("callbridge.listen", value) }
            print("SIP will listen on \(value) (udp/tcp; tls on the next port) from the next start")
        }
    }

    struct WebAdmin: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "webadmin", abstract: "`webadmin listen <host> <port>`, `webadmin certs <key> <crt> [bundle]`.")
        @OptionGroup var options: Options
        @Argument(help: "listen | certs") var verb: String
        @Argument(help: "listen: host port; certs: key crt [bundle]") var values: [String]

        func run() throws {
            let store = try options.openStore()
            switch verb {
            case "listen":
                guard values.count == 2, let port = Int(values[1]), (0...65534).contains(port) else {
                    throw ValidationError("usage: webadmin listen <host> <port>")
                }
                try store.write { tx in
                    try tx.setSetting("webadmin.listen", values[0])
                    try tx.setSetting("webadmin.port", String(port))
                }
                print("the web admin and API will listen on \(values[0]):\(port) from the next start")
            case "certs":
                guard (2...3).contains(values.count) else { throw ValidationError("usage: webadmin certs <key> <crt> [bundle]") }
                let paths = values.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
                for path in paths where !FileManager.default.isReadableFile(atPath: path) {
                    throw ValidationError("cannot read \(path)")
                }
                try store.write { tx in
                    try tx.setSetting("webadmin.key", paths[0])
                    try tx.setSetting("webadmin.certificate", paths[1])
                    try tx.setSetting("webadmin.bundle", paths.count > 2 ? paths[2] : nil)
                }
                print("the web admin will use \(paths[1]) from the next start")
            default:
                throw ValidationError("unknown verb '\(verb)': listen or certs")
            }
        }
    }

    struct PKI: ParsableCommand {
        static let configuration = CommandConfiguration(commandName: "pki", abstract: "`pki selfsigned <name>`: a lab certificate.")
        @OptionGroup var options: Options
        @Argument(help: "selfsigned") var verb: String
        @Argument(help: "Name: writes <name>.key and <name>.crt under <data>/certs") var name: String

        func run() throws {
            guard verb == "selfsigned" else { throw ValidationError("usage: pki selfsigned <name>") }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) else {
                throw ValidationError("a certificate name is letters, digits, '-' and '_'")
            }
            let directory = "\(options.dataDirectory)/certs"
            let identity = try TLSIdentity.makeSelfSigned(commonName: name, hosts: ["127.0.0.1", "localhost"])
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try identity.certificatePEM.write(toFile: "\(directory)/\(name).crt", atomically: true, encoding: .utf8)
            try identity.privateKeyPEM.write(toFile: "\(directory)/\(name).key", atomically: true, encoding: .utf8)
            try FileManager.default.setAttributes([.posixPermissions: 0o600], ofItemAtPath: "\(directory)/\(name).key")
            print("wrote \(directory)/\(name).key and \(directory)/\(name).crt (self-signed, one year)")
        }
    }

    struct Status: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The store's settings and whether a bridge runs on it.")
        @OptionGroup var options: Options

        func run() throws {
            let store = try options.openStore()
            let pidText = try? String(contentsOfFile: "\(options.dataDirectory)/callbridge.pid", encoding: .utf8)
            let pid = pidText.flatMap { Int32($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
            let running = pid.map { kill($0, 0) == 0 } ?? false
            let migrations = try store.appliedMigrations()
            try store.read { tx in
                print("callbridge \(CallBridgeVersion.string)")
                print("store: \(store.path) (migrations: \(migrations.joined(separator: ", ")))")
                print("bridge: \(running ? "running, pid \(pid!)" : "not running")")
                print("callbridge listen: \(try tx.setting("callbridge.listen") ?? "127.0.0.1:5060 (default)")")
                let host = try tx.setting("webadmin.listen"), port = try tx.setting("webadmin.port")
                print("webadmin listen: \(host.map { "\($0):\(port ?? "8443")" } ?? "127.0.0.1:8443 (default)")")
                print("webadmin certs: \(try tx.setting("webadmin.certificate") ?? "self-signed (certs/webadmin.crt)")")
                print("users: \(try tx.users().map(\.name).joined(separator: ", "))")
                print("coSpaces: \(try tx.list(.coSpaces).total), callLegProfiles: \(try tx.list(.callLegProfiles).total), "
                      + "inboundDialPlanRules: \(try tx.list(.inboundDialPlanRules).total)")
            }
        }
    }

    struct Version: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The software version.")
        func run() { print("callbridge \(CallBridgeVersion.string)") }
    }

    struct OpenAPI: ParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "openapi", abstract: "Print the API's OpenAPI document (docs/api/openapi.json is a copy).")
        func run() { print(OpenAPIDocument.json, terminator: "") }
    }
}
