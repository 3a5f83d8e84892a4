import ArgumentParser
import Faces
import Foundation
import Imaging
import VideoIO

extension BlendMode: ExpressibleByArgument {}
extension RegionPolicy: ExpressibleByArgument {}
extension SmoothingMode: ExpressibleByArgument {}
extension Corner: ExpressibleByArgument {}

/// `kinema faceswap --source FACE.jpg --target CLIP.mp4 -o OUT.mp4`: put a consenting person's face
/// on the faces of a clip; the output is always labelled as synthetic media.
struct FaceswapCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "faceswap",
        abstract: "Replace the faces of a clip with a source face (consenting subjects only; output is labelled).",
        discussion: "Every output carries the MP4 comment 'synthetic media: face replaced by kinema <version>' and a "
            + "'kinema' tag with the options used; --watermark also draws a visible mark. Without --crf a clip is "
            + "written 5 below the codec's default (H.264 crf 18; 9 below, crf 14, for frames of CIF size and smaller), so the "
            + "pixels the swap leaves alone stay as they were.")

    @Option(help: "Photo of the source face (PNG or JPEG); repeat with more photos of the same person in other head poses.")
    var source: [String]
    @Option(help: "Clip (or PNG/JPEG photo) whose faces are replaced.")
    var target: String
    @Option(name: .shortAndLong, help: "Output video (or .png/.jpg when the target is a photo).")
    var output: String
    @Option(help: "Which face of each source photo to use, 0-based from the left.")
    var sourceFace = 0
    @Option(parsing: .upToNextOption, help: "Target faces to replace: all, largest, or index N.")
    var faces: [String] = ["all"]
    @Option(help: "Replace only the target person most like the face in this photo.")
    var reference: String?
    @Option(help: "Blending: pyramid or poisson.")
    var blend: BlendMode = .pyramid
    @Option(help: "Inner mouth: keep (target's) or swap.")
    var mouth: RegionPolicy = FaceSwapOptions().mouth
    @Option(help: "Eye interiors: auto (source's, target's while blinking), keep (target's) or swap.")
    var eyes: RegionPolicy = FaceSwapOptions().eyes
    @Flag(help: "Do not transfer the target's lighting onto the source face.")
    var noLighting = false
    @Option(help: "Landmark smoothing: offline (zero-phase, default), online (One-Euro) or off.")
    var smoothing: SmoothingMode = .offline
    @Option(help: "Write a before/after contact sheet of a few frames to this PNG.")
    var preview: String?
    @Flag(help: "Draw a small visible 'AI SYNTHETIC' mark.")
    var watermark = false
    @Option(help: "Corner of the visible mark: top-left, top-right, bottom-left, bottom-right.")
    var watermarkCorner: Corner = .bottomRight
    @Flag(help: "Print per-frame face counts and a summary as JSON on stdout.")
    var json = false
    @OptionGroup var encoding: EncodingOptions
    @OptionGroup var segmenting: SegmentOption

    func selection() throws -> FaceSelection {
        switch faces.map({ $0.lowercased() }) {
        case ["all"]: return .all
        case ["largest"]: return .largest
        case let f where f.count == 2 && f[0] == "index":
            guard let n = Int(f[1]), n >= 0 else { throw CommandError("--faces index N needs N ≥ 0, got '\(f[1])'") }
            return .index(n)
        case let f where f.count == 1:
            if let n = Int(f[0].replacingOccurrences(of: "index:", with: "")), n >= 0 { return .index(n) }
            fallthrough
        default: throw CommandError("--faces must be all, largest or index N (got '\(faces.joined(separator: " "))')")
        }
    }

    func run() throws {
        try runCommand {
            try guardOutputs([output, preview], inputs: source + [target, reference])
            guard !source.isEmpty else { throw CommandError("--source is required") }
            let segment = try segmenting.request()
            var config = FaceSwapConfig()
            config.selection = try selection()
            config.options.blend = blend
            config.options.mouth = mouth
            config.options.eyes = eyes
            config.options.lighting = !noLighting
            config.smoothing.mode = smoothing
            config.watermark = watermark ? watermarkCorner : nil
            let targetURL = URL(fileURLWithPath: target), outURL = URL(fileURLWithPath: output)
            let still = FaceSwapPipeline.isStillImage(targetURL)
            if still != FaceSwapPipeline.isStillImage(outURL) {
                throw CommandError(still ? "the target is a photo: give -o a .png or .jpg name"
                                         : "the target is a clip: give -o a video name (.mp4, .mkv, .mov, .webm)")
            }
            // Open the target first so an unreadable clip fails before the models load.
            let meta = still ? nil : try VideoReader(url: targetURL).metadata
            if let meta { try checkMemory(width: meta.width, height: meta.height, input: target, job: "faceswap", bytesPerPixel: 35, writesVideo: true) }
            // Photos are checked from their headers, before their pixels are decoded.
            if still, let (w, h) = ImageHeader.size(of: targetURL) {
                try checkMemory(width: w, height: h, input: target, job: "faceswap", bytesPerPixel: 35, writesVideo: false)
            }
            for path in source {
                if let (w, h) = ImageHeader.size(of: URL(fileURLWithPath: path)) {
                    try checkMemory(width: w, height: h, input: path, job: "a faceswap source", bytesPerPixel: 16, writesVideo: false)
                }
            }
            let mesh = try MeshFaceSource()
            var sourceFaces: [SourceFace] = []
            for path in source {
                let srcImage = try ImageFile.read(URL(fileURLWithPath: path))
                do { sourceFaces.append(try SourceFace.detect(in: srcImage, using: mesh, index: sourceFace)) } catch let e as FaceSwapError {
                    throw CommandError("\(path): \(e)")
                }
            }
            if let reference {
                let img = try ImageFile.read(URL(fileURLWithPath: reference))
                guard let lm = try mesh.detectFaces(in: SourceFace.rgb(img)).first else {
                    throw CommandError("\(reference): no face in the reference photo")
                }
                config.reference = FaceDescriptor(image: SourceFace.rgb(img), landmarks: lm.points)
            }
            if still {
                try swapPhoto(sources: sourceFaces, mesh: mesh, target: targetURL, output: outURL, config: config)
                return
            }
            guard let meta else { return }
            var tagOptions = "blend=\(blend.rawValue) mouth=\(mouth.rawValue) eyes=\(eyes.rawValue)"
            tagOptions += " lighting=\(!noLighting) smoothing=\(smoothing.rawValue) faces=\(faces.joined(separator: ":"))"
            tagOptions += " source-face=\(sourceFace) watermark=\(watermark)" + (reference != nil ? " reference=1" : "")
            let n = max(meta.frameCount, 1)
            let previewAt: Set<Int> = preview == nil ? [] : Set([0, n / 3, 2 * n / 3, n - 1])
            var pairs: [Int: (ByteImage, ByteImage)] = [:]
            var perFrame: [[String: Any]] = []
            let bar = ProgressBar(label: "faceswap", total: meta.frameCount, quiet: encoding.quiet || json)
            var enc = encoding.writerConfig(output: outURL, width: meta.width, height: meta.height, fps: meta.fps)
            enc.preset = encoding.preset ?? "veryfast"
            let summary = try FaceSwapPipeline.run(
                sources: sourceFaces, landmarks: mesh, target: targetURL, output: outURL, config: config,
                version: KinemaVersion.string, tags: ["kinema": tagOptions], encoder: enc,
                previewIndices: previewAt, onPreview: { i, a, b in pairs[i] = (a, b) }, segment: segment,
                onFrame: { rep, p in
                    if json {
                        perFrame.append(["frame": rep.index, "faces": rep.faces, "swapped": rep.swapped, "sources": rep.sources])
                    }
                    bar.update(done: p.framesDone, total: p.framesTotal)
                })
            bar.finish()
            if let preview, !pairs.isEmpty {
                let sheet = ContactSheet.pairs(pairs.keys.sorted().map { pairs[$0]! }, rowHeight: 240)
                try ImageFile.write(sheet, to: URL(fileURLWithPath: preview), label: FaceSwapPipeline.label(version: KinemaVersion.string))
            }
            if summary.framesWithFaces == 0 {
                printNote("kinema: warning: no face found in \(target); the output is the re-encoded input")
            } else if summary.framesSwapped == 0 {
                printNote("kinema: warning: faces were found but none matched --faces/--reference; nothing was replaced")
            }
            if json {
                let obj: [String: Any] = [
                    "output": output, "frames": summary.frames, "framesWithFaces": summary.framesWithFaces,
                    "framesSwapped": summary.framesSwapped, "maxFaces": summary.maxFaces, "tracks": summary.tracks,
                    "sceneCuts": summary.sceneCuts, "seconds": summary.seconds, "fps": summary.fps,
                    "label": FaceSwapPipeline.label(version: KinemaVersion.string), "perFrame": perFrame,
                ]
                let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
                print(String(decoding: data, as: UTF8.self))
            } else {
                print(String(format: "wrote %@: %d frames, faces in %d, swapped in %d (%.1f s, %.1f fps)",
                             output, summary.frames, summary.framesWithFaces, summary.framesSwapped, summary.seconds, summary.fps))
            }
        }
    }

    /// `--target photo.jpg -o out.png`: one still through the same pipeline, written labelled.
    func swapPhoto(sources: [SourceFace], mesh: MeshFaceSource, target: URL, output: URL, config: FaceSwapConfig) throws {
        let start = Date()
        let rep = try FaceSwapPipeline.swapStill(sources: sources, landmarks: mesh, target: target, output: output,
                                                 config: config, version: KinemaVersion.string)
        if rep.faces == 0 {
            printNote("kinema: warning: no face found in \(self.target); the output is the input re-encoded")
        } else if rep.swapped == 0 {
            printNote("kinema: warning: faces were found but none matched --faces/--reference; nothing was replaced")
        }
        if json {
            let obj: [String: Any] = [
                "output": self.output, "frames": 1, "faces": rep.faces, "swapped": rep.swapped, "sources": rep.sources,
                "seconds": Date().timeIntervalSince(start), "label": FaceSwapPipeline.label(version: KinemaVersion.string),
            ]
            let data = try JSONSerialization.data(withJSONObject: obj, options: [.sortedKeys])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print("wrote \(self.output): \(rep.faces) face(s) found, \(rep.swapped) swapped")
        }
    }
}
