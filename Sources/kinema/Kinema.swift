import ArgumentParser

/// The `kinema` command line tool.
@main
struct Kinema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinema",
        abstract: "Generated and edited video on the CPU: text2video, faceswap, restyle.",
        version: KinemaVersion.string,
        subcommands: [
            InfoCommand.self, TranscodeCommand.self, DetectCommand.self, FaceswapCommand.self,
            Text2VideoCommand.self, RestyleCommand.self, MetricsCommand.self, ConcatCommand.self, SlurmCommand.self,
        ])
}

/// The tool's version, written into output metadata.
enum KinemaVersion {
    static let string = "0.1.0"
}
