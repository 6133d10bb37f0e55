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

/// `callbridge serve`: the bridge. SIP on UDP/TCP (and TLS on port + 1) at the listen
/// address, media workers pinned one per allowed CPU, spaces from `spaces.json` in the data
/// directory. Runs until SIGINT or SIGTERM.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the call bridge until SIGINT/SIGTERM.")

    @Option(help: "Directory for the configuration, certificates and logs.")
    var dataDirectory: String = "./var"

    @Option(help: "Address SIP listens on as host:port (UDP and TCP; TLS on port + 1). Port 0 picks free ports.")
    var sipListen: String = "127.0.0.1:5060"

    @Option(help: "Media worker threads (0: one per allowed CPU).")
    var workers: Int = 0

    @Flag(help: "Keep every leg of a space on one worker instead of spreading legs over all workers.")
    var packSpaces = false

    @Flag(help: "Never lower frame rate, size or preset under load (measurements at a fixed quality).")
    var noDegradation = false

    @Option(help: "Maximum simultaneous call legs; beyond it INVITEs get 503 with Retry-After.")
    var maximumLegs: Int = 200

    @Option(help: "Refuse new calls (503) when their media worker is busier than this percentage (CMS loadLimit).")
    var loadLimit: Int = 95

    @Option(help: "Call this SIP URI into a space once started (repeatable; until the admin API does it).")
    var dialOut: [String] = []

    @Option(help: "The space (URI user part) --dial-out calls join.")
    var dialOutSpace: String = "1000"

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard (1...100).contains(loadLimit) else { throw ValidationError("--load-limit must be 1…100 (percent)") }
        guard maximumLegs > 0 else { throw ValidationError("--maximum-legs must be positive") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
        guard Self.parseHostPort(sipListen) != nil else { throw ValidationError("--sip-listen must be host:port, e.g. 127.0.0.1:5060") }
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
        let (host, requestedPort) = Self.parseHostPort(sipListen)!

        // Fail at start-up, not at the first call, if the codec libraries are unusable.
        do {
            _ = try H264Encoder(.sd480p())
            _ = try H264Decoder()
            _ = try OpusEncoder()
        } catch {
            logger.critical("media libraries unusable: \(error)")
            throw ExitCode.failure
        }

        let spaces = try SpaceDirectory.load(path: "\(dataPath)/spaces.json")
        let engine = try MediaEngine(workerCount: workers, spreadsSpaces: !packSpaces, degradesUnderLoad: !noDegradation)
        let controller = CallController(engine: engine, spaces: spaces, mediaAddress: host, maximumLegs: maximumLegs,
                                        loadLimit: Double(loadLimit) / 100)
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
        server.connector = { kind, host, port in transports.connect(kind, host: host, port: port) }
        transports.execute { serverBox.server = server }

        logger.info("callbridge \(CallBridgeVersion.string) starting",
                    metadata: ["dataDirectory": "\(dataPath)", "workers": "\(engine.workers.count)",
                               "allowedCPUs": "\(CPUAffinity.allowedCPUs())", "pid": "\(getpid())",
                               "spaces": "\(spaces.all.map(\.uri))"])
        logger.info("SIP listening on udp:\(host):\(udpPort) tcp:\(host):\(tcpPort) tls:\(host):\(tlsPort)")
        logger.notice("not there yet: admin API, layouts across workers; see README status table")

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
