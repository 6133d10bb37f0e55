import ArgumentParser

@main
struct CallBridgeCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "callbridge",
        abstract: "callbridge: an open video conferencing bridge (MCU).",
        version: CallBridgeVersion.string,
        subcommands: [ServeCommand.self, AdminCommand.self, MediaLoopCommand.self, SoakCommand.self],
        defaultSubcommand: ServeCommand.self)
}

enum CallBridgeVersion {
    static let string = "0.1.0-dev"
}
