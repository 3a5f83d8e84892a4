// Detects the faces in a photo and restyles a clip through the `Kinema` umbrella module, printing one line
// for each. Usage: KinemaConsumer PHOTO CLIP OUTPUT.mp4
import Foundation
import Kinema

let args = CommandLine.arguments
guard args.count == 4 else {
    FileHandle.standardError.write(Data("usage: KinemaConsumer PHOTO CLIP OUTPUT.mp4\n".utf8))
    exit(2)
}
do {
    let photo = try ImageFile.read(URL(fileURLWithPath: args[1]))
    let faces = try FaceDetector(range: .auto, threads: 2).detect(photo)
    let boxes = faces.map { String(format: "(%.0f,%.0f %.0fx%.0f)", $0.box.x, $0.box.y, $0.box.width, $0.box.height) }
    print("faces: \(faces.count) \(boxes.joined(separator: " "))")

    let output = URL(fileURLWithPath: args[3])
    let job = try RestyleRequest(input: URL(fileURLWithPath: args[2]), output: output, style: "toon").prepare()
    let summary = try job.run(makeConfig: { m in
        VideoWriterConfig(width: m.width, height: m.height, fps: m.fps, preset: "ultrafast")
    })
    print("restyled: \(summary.frames) frames \(summary.width)x\(summary.height) -> \(output.path)")
} catch {
    FileHandle.standardError.write(Data("KinemaConsumer: error: \(error)\n".utf8))
    exit(1)
}
