import Foundation
import Imaging
import VideoIO

/// Mixing a look with the original, and restyling a still photo.
public enum RestylePhoto {
    /// Extensions treated as still images (in and out).
    public static let imageExtensions: Set<String> = ["png", "jpg", "jpeg"]

    /// Whether `url` names a still image by its extension.
    public static func isImage(_ url: URL) -> Bool { imageExtensions.contains(url.pathExtension.lowercased()) }

    /// out = original + mix · (look − original), per 8-bit sample (mix 1 returns the look).
    public static func blend(look: ByteImage, original: ByteImage, mix: Float) -> ByteImage {
        if mix >= 1 || look.width != original.width || look.height != original.height || look.channels != original.channels {
            return look
        }
        var out = look
        let m = max(mix, 0)
        out.data.withUnsafeMutableBufferPointer { o in
            original.data.withUnsafeBufferPointer { src in
                for i in 0..<o.count {
                    let v = Float(src[i]) + m * (Float(o[i]) - Float(src[i]))
                    o[i] = UInt8(min(max(v + 0.5, 0), 255))
                }
            }
        }
        return out
    }

    /// Applies the look of `settings` to one photo and writes it atomically (PNG or JPEG by extension),
    /// with `label` stored in the file.
    /// - Throws: `RestyleError.badOutput` when the output is not an image path, `VideoIOError.outputIsInput`,
    ///   `VideoIOError` from reading or writing, errors of `StyleSettings.makeStylizer()`.
    @discardableResult
    public static func run(input: URL, output: URL, settings: StyleSettings, label: String? = nil) throws -> ByteImage {
        try checkOutput(input: input, output: output)
        let photo = try ImageFile.read(input)
        var settings = settings
        // A still is worth more detail than a video frame: learned looks work at up to 1024 pixels, and their
        // networks run at the working size.
        settings.learnedWorkingSide = max(settings.learnedWorkingSide, 1024)
        settings.learnedNetworkSide = nil
        settings.steadyLearnedTexture = false
        let engine = TemporalCoherence(stylizer: try settings.makeStylizer(), parameters: CoherenceParameters(coherence: 0))
        let out = blend(look: engine.process(photo), original: photo, mix: settings.mix)
        try ImageFile.write(out, to: output, label: label, inputs: [input])
        return out
    }

    /// A photo's output must be a PNG or JPEG path that is not the input (by file identity).
    /// - Throws: `RestyleError.badOutput`, `VideoIOError.outputIsInput`.
    public static func checkOutput(input: URL, output: URL) throws {
        guard isImage(output) else {
            throw RestyleError.badOutput(path: output.path, reason: "a photo restyles to a .png or .jpg file")
        }
        try OutputGuard.check(outputs: [output], inputs: [input])
    }
}
