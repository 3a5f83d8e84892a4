import ArgumentParser
import Faces
import Foundation
import Imaging
import VideoIO

extension FaceDetectorRange: ExpressibleByArgument {}

/// `kinema detect INPUT [--json] [--annotate OUT]`: faces, scores and landmarks of an image or video.
struct DetectCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "detect",
        abstract: "Find faces (box, 6 keypoints, score) and their 468 3-D landmarks in an image or a video.",
        discussion: """
            An image gets one detection pass. A video is tracked: each frame's landmarks start from \
            the previous frame's, and the detector runs again only when a face is lost. \
            Coordinates are source pixels with pixel centres at integers. Text output lists boxes, \
            keypoints and a landmark summary; --json includes all 468 points of every face.
            """)

    @Argument(help: "Input image (.png, .jpg) or video.")
    var input: String

    @Flag(help: "Print JSON (all landmarks included) instead of text.")
    var json = false

    @Option(help: ArgumentHelp("Write an annotated copy: PNG/JPEG for an image, a video (audio kept) for a video.",
                               valueName: "OUT"))
    var annotate: String?

    @Option(help: "Detector model: both (short and full range merged by weighted NMS, as faceswap uses: small and downward-looking faces in group photos too), short, full, or auto (short range, then full range only when it finds nothing).")
    var range: FaceDetectorRange = .both

    @Option(help: "Threads for the neural runtime.")
    var threads: Int = 2

    @OptionGroup var encoding: EncodingOptions

    func run() throws {
        try runCommand {
            let url = URL(fileURLWithPath: input)
            guard (1...64).contains(threads) else { throw CommandError("--threads must be 1...64") }
            try guardOutputs([annotate], inputs: [input])
            let detector = try FaceDetector(range: range, threads: threads)
            let landmarker = try FaceLandmarker(threads: threads)
            let tracker = FaceTracker(detector: detector, landmarker: landmarker)
            if Self.isImage(url) {
                try runImage(url, tracker: tracker)
            } else {
                try runVideo(url, tracker: tracker)
            }
        }
    }

    static func isImage(_ url: URL) -> Bool {
        ["png", "jpg", "jpeg"].contains(url.pathExtension.lowercased())
    }

    private func runImage(_ url: URL, tracker: FaceTracker) throws {
        if let annotate, !Self.isImage(URL(fileURLWithPath: annotate)) {
            throw CommandError("--annotate for an image input must be a .png or .jpg file")
        }
        var image = try ImageFile.read(url)
        let result = try tracker.update(image)
        let report = FrameReport(index: 0, time: 0, result: result)
        if json {
            try printJSON(ImageReport(input: input, width: image.width, height: image.height, faces: report.faces))
        } else {
            print("\(input): \(image.width)x\(image.height), \(report.faces.count) face(s)")
            report.printText(indent: "  ")
        }
        if let annotate {
            FaceAnnotation.draw(detections: result.detections, faces: result.faces, on: &image)
            try ImageFile.write(image, to: URL(fileURLWithPath: annotate), inputs: [url])
            if !json { print("wrote \(annotate)") }
        }
    }

    private func runVideo(_ url: URL, tracker: FaceTracker) throws {
        let reader = try VideoReader(url: url)
        // A phone's portrait clip is stored on its side: frames are read upright, as they are shown, so the
        // detector sees faces the right way up and the reported coordinates match what a player shows.
        reader.autoRotate = true
        let m = reader.metadata
        let (width, height) = m.uprightSize
        try checkMemory(width: width, height: height, input: input, job: "detect", bytesPerPixel: annotate == nil ? 15 : 30,
                        writesVideo: annotate != nil)
        let reports = ReportLog()
        let bar = ProgressBar(label: "detect", total: m.frameCount, quiet: encoding.quiet)
        defer { bar.finish() }
        let start = Date()
        if let annotate {
            let outURL = URL(fileURLWithPath: annotate)
            guard !Self.isImage(outURL) else { throw CommandError("--annotate for a video input must be a video file (.mp4)") }
            var config = encoding.writerConfig(output: outURL, width: width, height: height, fps: m.fps)
            config.audioSource = m.hasAudio ? url : nil
            config.inputs = [url]
            config.variableFrameRate = true  // each frame keeps its source timestamp
            let writer = try VideoWriter(url: outURL, config: config)
            try VideoPipeline.run(reader: reader, writer: writer, process: { frame in
                let result = try tracker.update(frame.image)
                reports.append(FrameReport(index: frame.index, time: frame.pts, result: result))
                var out = frame.image
                FaceAnnotation.draw(detections: result.detections, faces: result.faces, on: &out)
                return out
            }, progress: bar.pipelineCallback)
        } else {
            var done = 0
            while let frame = try reader.nextFrame() {
                let result = try tracker.update(frame.image)
                reports.append(FrameReport(index: frame.index, time: frame.pts, result: result))
                done += 1
                bar.update(done: done)
            }
        }
        bar.finish()
        let frames = reports.all
        let seconds = Date().timeIntervalSince(start)
        if json {
            try printJSON(VideoReport(input: input, width: width, height: height, fps: m.fps.value,
                                      detectorRuns: tracker.detectionCount, frames: frames))
        } else {
            print("\(input): \(width)x\(height), \(frames.count) frames")
            for f in frames {
                print(String(format: "frame %d (%.3f s) %@: %d face(s)", f.index, f.time,
                             f.detected ? "detected" : "tracked", f.faces.count))
                f.printText(indent: "  ")
            }
            let tracked = frames.filter { !$0.detected }.count
            print(String(format: "detector ran on %d of %d frames (%d tracked), %.1f ms/frame",
                         tracker.detectionCount, frames.count, tracked, seconds * 1000 / Double(max(1, frames.count))))
            if let annotate { print("wrote \(annotate)") }
        }
    }
}

/// Reports collected on the pipeline's processing thread, read once it has finished.
private final class ReportLog: @unchecked Sendable {
    // Invariant: `items` is only touched with `lock` held.
    private let lock = NSLock()
    private var items: [FrameReport] = []
    func append(_ r: FrameReport) { lock.lock(); items.append(r); lock.unlock() }
    var all: [FrameReport] { lock.lock(); defer { lock.unlock() }; return items }
}

private struct ImageReport: Encodable {
    var input: String, width: Int, height: Int
    var faces: [FaceReport]
}

private struct VideoReport: Encodable {
    var input: String, width: Int, height: Int, fps: Double
    var detectorRuns: Int
    var frames: [FrameReport]
}

/// One face: the detection when the detector ran, else the landmarks' bounding box.
private struct FaceReport: Encodable {
    var box: [Float]               // x, y, width, height
    var score: Float               // detection score, or landmark presence on tracked frames
    var keypoints: [[Float]]?      // the detector's six (x, y), on detection frames
    var presence: Float?           // landmark face-presence score
    var landmarks: [[Float]]?      // 468 × (x, y, z)

    func printText(indent: String) {
        var line = indent + String(format: "box %.1f %.1f %.1fx%.1f  score %.3f", box[0], box[1], box[2], box[3], score)
        if let keypoints {
            line += "  keypoints " + keypoints.map { String(format: "(%.1f, %.1f)", $0[0], $0[1]) }.joined(separator: " ")
        }
        print(line)
        if let landmarks, let presence {
            let pick = [(FaceLandmarks.rightEyeOuter, "eye33"), (FaceLandmarks.leftEyeOuter, "eye263"),
                        (FaceLandmarks.noseTip, "nose1")]
            let named = pick.map { String(format: "%@ (%.1f, %.1f, %.1f)", $0.1, landmarks[$0.0][0], landmarks[$0.0][1], landmarks[$0.0][2]) }
            print(indent + "  landmarks \(landmarks.count), presence " + String(format: "%.3f", presence)
                  + "  " + named.joined(separator: " "))
        }
    }
}

private struct FrameReport: Encodable {
    var index: Int
    var time: Double
    var detected: Bool
    var faces: [FaceReport]

    init(index: Int, time: Double, result: FaceTrackResult) {
        self.index = index; self.time = time; detected = result.detected
        var faces: [FaceReport] = []
        for (lm, source) in zip(result.faces, result.faceDetections) {
            let points = lm.points.map { [$0.x, $0.y, $0.z] }
            if let d = source {
                faces.append(FaceReport(box: [d.box.x, d.box.y, d.box.width, d.box.height], score: d.score,
                                        keypoints: d.keypoints.map { [$0.x, $0.y] }, presence: lm.score, landmarks: points))
            } else {
                let b = lm.boundingBox
                faces.append(FaceReport(box: [b.x, b.y, b.width, b.height], score: lm.score, keypoints: nil,
                                        presence: lm.score, landmarks: points))
            }
        }
        // Detections whose landmarks were rejected (or beyond the tracker's face limit) still get reported.
        for d in result.detections where !result.faceDetections.contains(d) {
            faces.append(FaceReport(box: [d.box.x, d.box.y, d.box.width, d.box.height], score: d.score,
                                    keypoints: d.keypoints.map { [$0.x, $0.y] }, presence: nil, landmarks: nil))
        }
        self.faces = faces
    }

    func printText(indent: String) { for f in faces { f.printText(indent: indent) } }
}
