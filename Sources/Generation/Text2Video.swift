import Foundation
import Imaging
import Neural
import Upscale

/// Settings of a text-to-video render; the CLI maps its options onto these documented defaults.
public struct Text2VideoConfig: Codable, Sendable, Equatable {
    /// Output width in pixels (even, 16...4096). Default 512.
    public var width = 512
    /// Output height in pixels (even, 16...4096). Default 512.
    public var height = 512
    /// Frames per second (1...120). Default 24.
    public var fps = 24
    /// Duration in seconds; nil lets the prompt or storyboard decide.
    public var seconds: Double?
    /// Generator name in `GeneratorRegistry`.
    public var model = GeneratorRegistry.defaultModel
    /// Seed override for the first subject.
    public var seed: UInt64?
    /// Transition back to the first keyframe by the end.
    public var loop = false
    /// Latents decoded per generator call (frames are grouped by absolute index, so results never depend on where a run resumed).
    public var batch = 24
    /// Unsharp amount after upscaling (0 disables).
    public var sharpen: Float = 0.5
    /// Truncation ψ: keyframe base latents are ψ·N(0, I); below 1 trades variety for cleaner faces.
    public var truncation: Float = 0.8
    /// How native frames are enlarged before resampling to the output size (`UpscaleMethod.default`).
    public var upscale = UpscaleMethod.default

    /// Creates the default configuration.
    public init() {}

    /// Checks every setting.
    /// - Throws: `GenerationError.badSetting` naming the first bad value.
    public func validate() throws {
        guard (16...4096).contains(width), (16...4096).contains(height), width % 2 == 0, height % 2 == 0 else {
            throw GenerationError.badSetting("size \(width)x\(height) must be even and within 16...4096")
        }
        guard (1...120).contains(fps) else { throw GenerationError.badSetting("fps \(fps) must be within 1...120") }
        if let s = seconds, !(s.isFinite && s > 0 && s <= Storyboard.maxDuration) {
            throw GenerationError.badSetting("duration \(s) s must be in (0, \(Int(Storyboard.maxDuration))]")
        }
        guard (1...256).contains(batch) else { throw GenerationError.badSetting("batch \(batch) must be within 1...256") }
        guard sharpen.isFinite, (0...2).contains(sharpen) else { throw GenerationError.badSetting("sharpen \(sharpen) must be within 0...2") }
        guard truncation.isFinite, (0.1...1.5).contains(truncation) else { throw GenerationError.badSetting("truncation \(truncation) must be within 0.1...1.5") }
    }
}

/// A prepared render: storyboard, warnings and frame count.
public struct Text2VideoPlan: Sendable {
    /// The keyframes to play.
    public var storyboard: Storyboard
    /// Words the prompt parser did not understand.
    public var ignored: [String]
    /// Subject phrases (each picked a seed).
    public var subjects: [String]
    /// Human-readable warnings (ignored words, attributes without a direction).
    public var warnings: [String]
    /// Settings.
    public var config: Text2VideoConfig
    /// Number of frames: round(duration × fps), at least 1.
    public var frameCount: Int { max(1, Int((storyboard.duration * Double(config.fps)).rounded())) }

    /// A stable fingerprint of everything that determines the frames (for resume manifests).
    public var fingerprint: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        var c = config
        c.seed = nil  // already folded into the storyboard
        let data = (try? enc.encode(storyboard)) ?? Data()
        let cdata = (try? enc.encode(c)) ?? Data()
        return String(fnv1a64(String(decoding: data + cdata, as: UTF8.self)), radix: 16)
    }

    /// The storyboard as compact JSON with sorted keys (written into the `kinema` metadata tag).
    public var storyboardJSON: String {
        let enc = JSONEncoder()
        enc.outputFormatting = [.sortedKeys]
        return String(decoding: (try? enc.encode(storyboard)) ?? Data(), as: UTF8.self)
    }
}

/// The text-to-video pipeline: prompt → storyboard → latent schedule → batched decode → upscale + camera → frames.
public enum Text2Video {
    /// Builds a plan from a prompt or a JSON storyboard file's contents.
    /// - Throws: `GenerationError` for an empty prompt, a bad storyboard or bad settings.
    public static func plan(prompt: String?, storyboardJSON: Data? = nil, config: Text2VideoConfig) throws -> Text2VideoPlan {
        try config.validate()
        var sb: Storyboard
        var ignored: [String] = [], subjects: [String] = []
        if let data = storyboardJSON {
            sb = try Storyboard.fromJSON(data)
            if let s = config.seconds { sb.duration = s; try sb.validate() }
            if config.loop { sb.loop = true }
            if let seed = config.seed, !sb.keyframes.isEmpty {
                let first = sb.keyframes[0].seed
                for i in sb.keyframes.indices where sb.keyframes[i].seed == first { sb.keyframes[i].seed = seed }
            }
            subjects = sb.keyframes.map(\.subject)
        } else {
            let p = try PromptParser.parse(prompt ?? "", seconds: config.seconds, seed: config.seed, loop: config.loop)
            sb = p.storyboard; ignored = p.ignored; subjects = p.subjects
        }
        var warnings: [String] = []
        if !ignored.isEmpty { warnings.append("ignored: " + ignored.joined(separator: ", ")) }
        let offSubject = SubjectVocabulary.offSubjectWords(model: config.model, subjects: subjects)
        if let w = SubjectVocabulary.warning(model: config.model, ignoring: offSubject) { warnings.append(w) }
        for w in offSubject where !ignored.contains(w) { ignored.append(w) }
        let plan = Text2VideoPlan(storyboard: sb, ignored: ignored, subjects: subjects, warnings: warnings, config: config)
        guard plan.frameCount <= 36_000 else { throw GenerationError.badSetting("\(plan.frameCount) frames is too many (at most 36000)") }
        return plan
    }

    /// Progress report: frames finished so far and the total.
    public typealias Progress = @Sendable (_ done: Int, _ total: Int) -> Void

    /// Renders every frame in order and hands each to `emit`.
    ///
    /// Frames are generated in batches aligned to absolute frame indices (`config.batch`), so a resumed run
    /// decodes exactly the same batches as an uninterrupted one. `only` limits the frames emitted (a segment).
    /// With a `cache`, native generator output is
    /// loaded from it when present and stored into it otherwise.
    /// - Throws: `GenerationError`, the cache's I/O errors, or whatever `emit` throws.
    public static func render(_ plan: Text2VideoPlan, generator: any LatentGenerator, directions: AttributeDirections?,
                              cache: NativeFrameCache? = nil, progress: Progress? = nil, frames only: Range<Int>? = nil,
                              emit: (_ index: Int, _ frame: ByteImage) throws -> Void) throws {
        let cfg = plan.config
        let schedule = LatentSchedule(storyboard: plan.storyboard, latentSize: generator.latentSize, directions: directions,
                                      truncation: cfg.truncation)
        let enlarger = try NetworkEnlarger(method: cfg.upscale, width: generator.nativeSize.width, height: generator.nativeSize.height,
                                           outputWidth: cfg.width, outputHeight: cfg.height)
        var up = FrameUpscaler(inWidth: enlarger.outWidth, inHeight: enlarger.outHeight, width: cfg.width, height: cfg.height)
        up.sharpenAmount = enlarger.network == nil ? cfg.sharpen : 0  // the network's output is already sharp
        let total = min(plan.frameCount, only?.upperBound ?? plan.frameCount)
        let nativePer = generator.nativeSize.width * generator.nativeSize.height * 3
        let per = enlarger.outWidth * enlarger.outHeight * 3
        // A segment starts at the batch holding its first frame and decodes whole batches, exactly as a full run
        // does (the generator's float rounding depends on the batch size, and the network can turn a last-bit
        // difference into a 1-level pixel change); frames outside the segment skip the network.
        var start = (only?.lowerBound ?? 0) / cfg.batch * cfg.batch
        while start < total {
            let n = min(cfg.batch, plan.frameCount - start)
            let batchIndex = start / cfg.batch
            var pixels: [Float]
            if let c = cache, let cached = try c.load(batch: batchIndex, count: n * nativePer) {
                pixels = cached
            } else {
                let latents = (start..<(start + n)).map { schedule.latent(at: Double($0) / Double(cfg.fps)) }
                pixels = try generator.decode(latents).flatMap(\.data)
                try cache?.store(batch: batchIndex, pixels)
            }
            let used = min(n, total - start)  // frames of this batch inside the range
            pixels = try enlarger.enlarge(pixels, count: used, skip: max(0, (only?.lowerBound ?? 0) - start))
            // Resample the batch's frames to the output size (in parallel when Kinema owns the
            // parallelism; else one after another), then emit in order.
            let frames = FrameSlots(count: used)
            let first = start, upscaler = up
            pixels.withUnsafeBufferPointer { pp in
                let src = SendableFloats(base: pp.baseAddress!)
                let work: @Sendable (Int) -> Void = { i in
                    let t = Double(first + i) / Double(cfg.fps)
                    let buf = UnsafeBufferPointer(start: src.base + i * per, count: per)
                    frames.set(i, upscaler.render(buf, camera: schedule.camera(at: t)))
                }
                if BLASCore.ownsParallelism { DispatchQueue.concurrentPerform(iterations: used, execute: work) } else { for i in 0..<used { work(i) } }
            }
            for i in 0..<used where start + i >= (only?.lowerBound ?? 0) { try emit(start + i, frames.get(i)) }
            start += n
            progress?(min(start, total), total)
        }
    }
}

private struct SendableFloats: @unchecked Sendable {
    let base: UnsafePointer<Float>
}

/// Per-index result slots filled by parallel workers (each index written once, under a lock).
private final class FrameSlots: @unchecked Sendable {
    private var frames: [ByteImage?]
    private let lock = NSLock()
    init(count: Int) { frames = Array(repeating: nil, count: count) }
    func set(_ i: Int, _ f: ByteImage) { lock.lock(); frames[i] = f; lock.unlock() }
    func get(_ i: Int) -> ByteImage { lock.lock(); defer { lock.unlock() }; return frames[i]! }
}
