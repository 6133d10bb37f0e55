import AdminAPI
import ArgumentParser
import Codecs
import Control
import Dispatch
import Engine
import Foundation
import Logging
import MediaCore
import SIPTransport
import SIPUserAgent
import Store
import X509

/// `callbridge serve`: the bridge. SIP on UDP/TCP (and TLS on port + 1) at the listen
/// address, media workers pinned one per allowed CPU, configuration in the SQLite store in
/// the data directory, the REST API / web admin / metrics over HTTPS. Runs until SIGINT or
/// SIGTERM.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the call bridge until SIGINT/SIGTERM.")

    @Option(help: "Directory for the configuration, certificates and logs.")
    var dataDirectory: String = "./var"

    @Option(help: "Address SIP listens on as host:port (UDP and TCP; TLS on port + 1). Port 0 picks free ports. Default: `admin callbridge listen`, else 127.0.0.1:5060.")
    var sipListen: String?

    @Option(help: "Address the REST API and web admin listen on (HTTPS) as host:port, or 'off'. Default: `admin webadmin listen`, else 127.0.0.1:8443.")
    var adminListen: String?

    @Option(help: "Media worker threads (0: one per allowed CPU).")
    var workers: Int = 0

    @Flag(help: "Keep every leg of a space on one worker instead of spreading legs over all workers.")
    var packSpaces = false

    @Flag(help: "Never lower frame rate, size or preset under load (measurements at a fixed quality).")
    var noDegradation = false

    @Option(help: "Maximum simultaneous call legs; beyond it INVITEs get 503 with Retry-After.")
    var maximumLegs: Int = 200

    @Option(help: "Refuse new calls (503) when their media worker is busier than this percentage (CMS loadLimit). Default: the stored value (PUT /api/v1/system/configuration/cluster), else 95.")
    var loadLimit: Int?

    @Option(help: "Call this SIP URI into a space once started (repeatable; until the admin API does it).")
    var dialOut: [String] = []

    @Option(help: "The space (URI user part) --dial-out calls join.")
    var dialOutSpace: String = "1000"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        if let loadLimit, !(1...100).contains(loadLimit) { throw ValidationError("--load-limit must be 1…100 (percent)") }
        guard maximumLegs > 0 else { throw ValidationError("--maximum-legs must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        if let sipListen, Self.parseHostPort(sipListen) == nil { throw ValidationError("--sip-listen must be host:port, e.g. 127.0.0.1:5060") }
        if let adminListen, adminListen != "off", Self.parseHostPort(adminListen) == nil {
            throw ValidationError("--admin-listen must be host:port (e.g. 127.0.0.1:8443) or off")
        }
    }

    static func parseHostPort(_ text: String) -> (host: String, port: Int)? {
        guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65534).contains(port) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        return host.isEmpty ? nil : (host, port)
    }

    func run() throws {
        StandardOutput.lineBuffered()
        let level = Logger.Level(rawValue: logLevel) ?? .info
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "callbridge")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let dataPath = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path
        let store = try ConfigStore(path: "\(dataPath)/callbridge.sqlite")
        let settings = try store.read { tx in
            (sip: try tx.setting("callbridge.listen"), adminHost: try tx.setting("webadmin.listen"),
             adminPort: try tx.setting("webadmin.port"), loadLimit: try tx.setting("loadLimit").flatMap { Int($0) })
        }
        guard let (host, requestedPort) = Self.parseHostPort(sipListen ?? settings.sip ?? "127.0.0.1:5060") else {
            logger.critical("the stored SIP listen address '\(settings.sip ?? "")' is not host:port")
            throw ExitCode.failure
        }
        let adminAddress = adminListen ?? settings.adminHost.map { "\($0):\(settings.adminPort ?? "8443")" } ?? "127.0.0.1:8443"

        // Fail at start-up, not at the first call, if the codec libraries are unusable.
        do {
            _ = try H264Encoder(.sd480p())
            _ = try H264Decoder()
            _ = try OpusEncoder()
        } catch {
            logger.critical("media libraries unusable: \(error)")
            throw ExitCode.failure
        }

        // Spaces from before the store: imported once, on the store's first start.
        let legacyPath = "\(dataPath)/spaces.json"
        let legacy = FileManager.default.fileExists(atPath: legacyPath) ? try SpaceDirectory.load(path: legacyPath).all : nil
        try ConfigurationLoader.seedIfNew(store, legacySpaces: legacy)
        if try store.read({ try $0.users().isEmpty }) {
            let password = PasswordHash.randomPassword()
            try store.write { try $0.setUser(name: "admin", role: "admin", passwordHash: PasswordHash.make(password)) }
            print("created admin user 'admin' with password \(password) (shown once; add your own with `callbridge admin user add`)")
        }
        let spaces = SpaceDirectory([])
        let engine = try MediaEngine(workerCount: workers, spreadsSpaces: !packSpaces, degradesUnderLoad: !noDegradation)
        let controller = CallController(engine: engine, spaces: spaces, mediaAddress: host, maximumLegs: maximumLegs,
                                        loadLimit: Double(loadLimit ?? settings.loadLimit ?? 95) / 100)
        try ConfigurationLoader.apply(store, to: spaces)
        let identity = try TLSIdentity.loadOrCreateSelfSigned(directory: "\(dataPath)/certs", hosts: [host, "localhost"])
        let serverBox = ServerBox()
        let transports = SIPTransportLayer { inbound, connection in serverBox.server?.handle(inbound, connection) }
        let udpPort = try transports.bindUDPBlocking(host: host, port: requestedPort)
        // With port 0 the TCP listener takes the UDP port's number when it can.
        let tcpPort = try transports.bindStreamBlocking(host: host, port: requestedPort == 0 ? udpPort : requestedPort)
        engine.onEvent { _, event in
            if case .degradationChanged(let index, let level, let load) = event {
                logger.notice("media worker \(index) at \(Int(load * 100)) % load: degradation level \(level)")
            }
        }
        let tlsPort = try transports.bindStreamBlocking(host: host, port: requestedPort == 0 ? 0 : requestedPort + 1, tls: identity)
        let server = SIPServer(controller: controller, advertised: .init(host: host, udpPort: udpPort, tcpPort: tcpPort, tlsPort: tlsPort),
                               eventLoop: transports.eventLoop)
        server.onCallEvent = { event in logger.info("\(event)") }
        let metrics = BridgeMetrics(workers: engine.workers.count)
        server.onTransactionCompleted = { method, status in metrics.sipTransaction(method: method, status: status) }
        server.connector = { kind, host, port in transports.connect(kind, host: host, port: port) }
        transports.execute { serverBox.server = server }

        logger.info("callbridge \(CallBridgeVersion.string) starting",
                    metadata: ["dataDirectory": "\(dataPath)", "workers": "\(engine.workers.count)",
                               "allowedCPUs": "\(CPUAffinity.allowedCPUs())", "pid": "\(getpid())",
                               "spaces": "\(spaces.all.map(\.uri))"])
        logger.info("SIP listening on udp:\(host):\(udpPort) tcp:\(host):\(tcpPort) tls:\(host):\(tlsPort)")

        let statistics = LegStatisticsMonitor(engine: engine)
        var adminServer: AdminServer?
        if adminAddress != "off" {
            guard let (adminHost, adminPort) = Self.parseHostPort(adminAddress) else {
                logger.critical("the admin listen address '\(adminAddress)' is not host:port")
                throw ExitCode.failure
            }
            let adminIdentity = try AdminCertificates.load(store: store, dataPath: dataPath, host: adminHost)
            let api = AdminAPI(store: store, directory: spaces, controller: controller, signalling: SIPSignalling(server: server),
                               statistics: statistics, metrics: metrics, softwareVersion: CallBridgeVersion.string,
                               certificateExpiry: adminIdentity.expiry)
            try api.reload()
            do {
                adminServer = try blockingAwait {
                    try await AdminServer.start(api: api, host: adminHost, port: adminPort,
                                                certificateChainPEM: adminIdentity.chainPEM, privateKeyPEM: adminIdentity.keyPEM)
                }
            } catch {
                logger.critical("cannot start the admin server on \(adminAddress): \(error)")
                throw ExitCode.failure
            }
            logger.info("admin API and web admin on https://\(adminHost.contains(":") ? "[\(adminHost)]" : adminHost):\(adminServer!.port)/")
        }
        logger.notice("not there yet: coSpace passcodes (no IVR), one space-wide speaker decision, C API, TURN; see README status table")
        try? "\(getpid())\n".write(toFile: "\(dataPath)/callbridge.pid", atomically: true, encoding: .utf8)

        let stop = DispatchSemaphore(value: 0)
        var sources: [DispatchSourceSignal] = []
        for sig in [SIGINT, SIGTERM] {
            signal(sig, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: sig, queue: .global())
            source.setEventHandler {
                logger.info("received \(sig == SIGINT ? "SIGINT" : "SIGTERM"), shutting down")
                stop.signal()
            }
            source.resume()
            sources.append(source)
        }
        logger.info("ready")
        for target in dialOut {
            server.dialOut(to: target, spaceURI: dialOutSpace) { result in logger.info("dial-out \(target): \(result)") }
        }
        stop.wait()
        sources.forEach { $0.cancel() }
        adminServer?.stop()
        statistics.stop()
        try? FileManager.default.removeItem(atPath: "\(dataPath)/callbridge.pid")
        // Tell every endpoint the call is over (BYE), waiting up to 2 s for their answers.
        try? server.hangUpAll().wait()
        transports.shutdownBlocking()
        engine.shutdown()
        logger.info("stopped cleanly")
    }
}

/// Hands the server to the transport handler once it exists (set on the event loop).
final class ServerBox: @unchecked Sendable {
    var server: SIPServer?
}

/// The API's view of SIP: dial-out and hang-up through the running `SIPServer`.
struct SIPSignalling: CallSignalling {
    let server: SIPServer

    func dialOut(to target: String, spaceURI: String) async -> Result<Int, DialOutFailure> {
        await withCheckedContinuation { continuation in
            server.dialOut(to: target, spaceURI: spaceURI) { result in
                switch result {
                case .answered(let legID): continuation.resume(returning: .success(legID))
                case .rejected(let status, let reason): continuation.resume(returning: .failure(DialOutFailure("\(target) answered \(status) \(reason)")))
                case .failed(let reason): continuation.resume(returning: .failure(DialOutFailure(reason)))
                }
            }
        }
    }

    func hangUp(legID: Int) { server.hangUp(legID: legID) }
}

/// Runs async start-up work from the synchronous command.
func blockingAwait<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) throws -> T {
    let done = DispatchSemaphore(value: 0)
    nonisolated(unsafe) var result: Result<T, any Error>?
    Task {
        do { result = .success(try await body()) } catch { result = .failure(error) }
        done.signal()
    }
    done.wait()
    return try result!.get()
}

/// The web admin's certificate: the files `admin webadmin certs` stored, else a self-signed
/// pair made on first start under `<data>/certs/webadmin.{crt,key}`.
enum AdminCertificates {
    struct Identity {
        var chainPEM: String
        var keyPEM: String
        var expiry: Date?
    }

    static func load(store: ConfigStore, dataPath: String, host: String) throws -> Identity {
        let paths = try store.read { tx in
            (key: try tx.setting("webadmin.key"), certificate: try tx.setting("webadmin.certificate"), bundle: try tx.setting("webadmin.bundle"))
        }
        var chain: String, key: String
        if let keyPath = paths.key, let certificatePath = paths.certificate {
            key = try String(contentsOfFile: keyPath, encoding: .utf8)
            chain = try String(contentsOfFile: certificatePath, encoding: .utf8)
            if let bundle = paths.bundle { chain += "\n" + (try String(contentsOfFile: bundle, encoding: .utf8)) }
        } else {
            let identity = try TLSIdentity.loadOrCreateSelfSigned(directory: "\(dataPath)/certs", name: "webadmin",
                                                                  hosts: Array(Set([host, "127.0.0.1", "localhost"])))
            chain = identity.certificatePEM
            key = identity.privateKeyPEM
        }
        let expiry = try? Certificate(pemEncoded: chain).notValidAfter
        return Identity(chainPEM: chain, keyPEM: key, expiry: expiry)
    }
}
