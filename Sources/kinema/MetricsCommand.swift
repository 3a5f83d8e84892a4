import ArgumentParser
import Foundation
import Generation
import VideoIO

/// `kinema metrics`: video quality metrics.
struct MetricsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "metrics",
        abstract: "Measure video quality metrics.",
        subcommands: [FlickerCommand.self, WarpErrorCommand.self])
}

/// `kinema metrics flicker FILE`: mean absolute difference between consecutive frames and VBench temporal flicker.
struct FlickerCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "flicker",
        abstract: "Mean absolute difference between consecutive frames (0-255) and VBench temporal flicker (255-MAD)/255.")

    @Argument(help: "Video file.")
    var file: String

    @Flag(help: "Print JSON.")
    var json = false

    @Flag(help: "No progress output.")
    var quiet = false

    func run() throws {
        try runCommand { try measure() }
    }

    private func measure() throws {
        var m = FlickerMetric()
        var frames = 0
        try VideoReader.open(URL(fileURLWithPath: file)) { reader in
            let bar = ProgressBar(label: "flicker", total: reader.metadata.frameCount, quiet: quiet || json)
            defer { bar.finish() }
            while let f = try reader.nextFrame() { try m.add(f.image); frames += 1; bar.update(done: frames) }
        }
        if json {
            print(String(format: "{\"file\":\"%@\",\"frames\":%d,\"mad\":%.6f,\"max_mad\":%.6f,\"temporal_flicker\":%.6f}",
                         file.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\""),
                         frames, m.meanMAD, m.maxMAD, m.vbenchScore))
        } else {
            print(String(format: "%@: %d frames, mean consecutive-frame MAD %.3f (max %.3f), VBench temporal flicker %.4f",
                         file, frames, m.meanMAD, m.maxMAD, m.vbenchScore))
        }
    }
}
