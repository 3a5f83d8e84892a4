import Foundation
import Imaging
import VideoIO

extension FaceSwapPipeline {
    /// Whether `url` names a still image (PNG or JPEG by extension) rather than a clip.
    public static func isStillImage(_ url: URL) -> Bool {
        ["png", "jpg", "jpeg"].contains(url.pathExtension.lowercased())
    }

    /// Swaps the faces of a still photo with the same pipeline as a clip (detection, source choice,
    /// occlusion, colour, blending; no temporal smoothing) and writes it, PNG or JPEG by `output`'s
    /// extension, atomically and labelled as synthetic media (PNG `tEXt` / JPEG `COM`).
    /// - Returns: what was done to the photo.
    /// - Throws: `VideoIOError` for unreadable or unwritable images (an output equal to an input is
    ///   refused), landmark-model errors, `FaceSwapError`. On any error no output file is left.
    @discardableResult
    public static func swapStill(sources: [SourceFace], landmarks: FaceLandmarkSource, target: URL, output: URL,
                                 config: FaceSwapConfig, version: String, quality: Int = 92) throws -> FrameReport {
        guard !sources.isEmpty else { throw FaceSwapError.invalidArgument("no source face") }
        let image = SourceFace.rgb(try ImageFile.read(target))
        var cfg = config
        cfg.smoothing.mode = .off
        let session = FaceSwapSession(sources: sources, landmarks: landmarks, config: cfg, fps: 25)
        let frames = try session.push(image, index: 0) + session.finish()
        guard let frame = frames.first else { throw FaceSwapError.invalidArgument("no frame rendered") }
        try ImageFile.write(frame.image, to: output, quality: quality, label: label(version: version), inputs: [target])
        return frame.report
    }
}
