import ArgumentParser
import Foundation
import VideoIO

/// `kinema concat PART... -o OUT [--audio-from SOURCE]`: join the parts of a segmented job by stream copy.
struct ConcatCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "concat",
        abstract: "Join the parts of a job rendered with --segment K/N by stream copy (no re-encode).",
        discussion: "Parts must be given in order 1...N and belong to one job. The audio is taken whole from "
            + "--audio-from (usually the job's input), else the parts' own audio is joined end to end.")

    @Argument(help: "The parts, in order (part 1 first).")
    var parts: [String]

    @Option(name: .shortAndLong, help: "Output file (.mp4, .mov, .mkv or .webm, like the parts).")
    var output: String

    @Option(help: "Take the audio, whole, from this file.")
    var audioFrom: String?

    @Flag(help: "Print a JSON summary on stdout.")
    var json = false

    func run() throws {
        try runCommand {
            try guardOutputs([output], inputs: parts + [audioFrom])
            let summary = try VideoConcat.join(parts: parts.map { URL(fileURLWithPath: $0) },
                                               output: URL(fileURLWithPath: output),
                                               audioFrom: audioFrom.map { URL(fileURLWithPath: $0) })
            if json {
                try printJSON(summary)
            } else {
                print(String(format: "wrote %@: %d parts, %d frames, %.2f s, audio %@", output, summary.parts,
                             summary.frames, summary.seconds, summary.audio))
            }
        }
    }
}
