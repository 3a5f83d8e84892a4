import ArgumentParser
import Foundation
import VideoIO

/// `kinema info FILE [--json]`: prints what a video file says about itself.
struct InfoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "info", abstract: "Print a video file's metadata.")

    @Argument(help: "Video file.")
    var file: String

    @Flag(help: "Print JSON instead of text.")
    var json = false

    func run() throws {
        try runCommand {
            let reader = try VideoReader(url: URL(fileURLWithPath: file))
            let m = reader.metadata
            if json {
                try printJSON(m, pretty: true)
                return
            }
            print("file:        \(file)")
            print("container:   \(m.container)")
            print("video:       \(m.codec) \(m.pixelFormat) \(m.width)x\(m.height)")
            print(String(format: "fps:         %@ (%.3f)", m.fps.description, m.fps.value))
            print(String(format: "duration:    %.3f s", m.duration))
            print("frames:      \(m.frameCount)")
            print("rotation:    \(m.rotation)°" + (m.isMirrored ? ", mirrored (the display matrix flips the picture)" : ""))
            if m.hasAudio {
                let d = m.audioDuration.map { String(format: ", %.3f s", $0) } ?? ""
                print("audio:       \(m.audioCodec ?? "?")\(d)")
            } else {
                print("audio:       none")
            }
            for key in m.tags.keys.sorted() { print("tag:         \(key)=\(m.tags[key]!)") }
        }
    }
}
