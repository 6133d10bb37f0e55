import ArgumentParser
import Codecs
import Dispatch
import Foundation
import Logging
import MediaCore

/// `callbridge serve`: runs the bridge until SIGINT or SIGTERM. For now it checks that the
/// media libraries load and logs its configuration; SIP and media workers arrive with later
/// issues.
struct ServeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "serve", abstract: "Run the call bridge until SIGINT/SIGTERM.")

    @Option(help: "Directory for the configuration database, certificates and logs.")
    var dataDirectory: String = "./var"

    @Option(help: "Address SIP listens on (UDP/TCP; TLS on port+1).")
    var sipListen: String = "127.0.0.1:5060"

    @Option(help: "Media worker threads (0: one per allowed CPU).")
    var workers: Int = 0

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel: String = "info"

    func validate() throws {
        guard workers >= 0 else { throw ValidationError("--workers must be 0 or more") }
        guard Logger.Level(rawValue: logLevel) != nil else { throw ValidationError("unknown --log-level '\(logLevel)'") }
    }

    func run() throws {
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = Logger.Level(rawValue: logLevel) ?? .info
            return handler
        }
        let logger = Logger(label: "callbridge")
        try FileManager.default.createDirectory(atPath: dataDirectory, withIntermediateDirectories: true)
        let cpus = CPUAffinity.allowedCPUs()
        let workerCount = workers == 0 ? max(1, cpus.count) : workers
        let dataPath = URL(fileURLWithPath: dataDirectory).standardizedFileURL.path

        // Fail at start-up, not at the first call, if the codec libraries are unusable.
        do {
            _ = try H264Encoder(.sd480p())
            _ = try H264Decoder()
            _ = try OpusEncoder()
        } catch {
            logger.critical("media libraries unusable: \(error)")
            throw ExitCode.failure
        }

        logger.info("callbridge \(CallBridgeVersion.string) starting",
                    metadata: ["dataDirectory": "\(dataPath)", "sipListen": "\(sipListen)",
                               "workers": "\(workerCount)", "allowedCPUs": "\(cpus)", "pid": "\(getpid())"])
        logger.notice("not there yet: SIP signalling and media workers are not implemented; the bridge accepts no calls and idles until SIGINT/SIGTERM")

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
        stop.wait()
        sources.forEach { $0.cancel() }
        logger.info("stopped cleanly")
    }
}
