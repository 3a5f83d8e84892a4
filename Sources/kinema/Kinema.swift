import ArgumentParser
import Foundation

/// The `kinema` command line tool.
@main
struct Kinema: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kinema",
        abstract: "Generated and edited video on the CPU: text2video, faceswap, restyle.",
        version: KinemaVersion.string,
        subcommands: [
            InfoCommand.self, TranscodeCommand.self, DetectCommand.self, FaceswapCommand.self,
            Text2VideoCommand.self, Text2ImageCommand.self, RestyleCommand.self, MetricsCommand.self,
        ])

    /// Parses and runs a subcommand. Usage mistakes (a missing or malformed value) are reported like every other
    /// error, as one `kinema: error:` line and exit status 1; `--help` and `--version` print as usual.
    static func main() {
        do {
            var command = try parseAsRoot()
            try command.run()
        } catch {
            let code = exitCode(for: error)
            if code == .success || error is ExitCode { exit(withError: error) }
            let first = message(for: error).split(separator: "\n").first.map(String.init) ?? "invalid arguments"
            let message = first.hasPrefix("Error: ") ? String(first.dropFirst(7)) : first
            printError(message + " (see --help)")
            Foundation.exit(1)
        }
    }
}

/// The tool's version, written into output metadata.
enum KinemaVersion {
    static let string = "0.1.0"
}
