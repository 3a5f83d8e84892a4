import Diffusion
import Flow
import Foundation
import Imaging
import Neural
import VideoIO

/// text2video with Stable Diffusion: every rendered frame is one denoise plus one VAE decode along the prompt
/// walk; with `renderFPS` below `fps` the frames between are filled by DIS optical-flow interpolation (Deforum's
/// cadence). Rendered frames are cached beside the output so `resume` continues at the first one not yet done.
public struct DiffusionVideoJob: Sendable {
    /// The keyframes and timing.
    public var walk: DiffusionWalk
    /// Steps, guidance, scheduler, prediction, size and `--latents` (which replaces the first keyframe's noise).
    public var options: GenerationOptions
    /// Output frames per second.
    public var fps: Int
    /// Frames per second rendered by diffusion (nil: all of them).
    public var renderFPS: Int?
    /// The MP4 to write.
    public var output: URL
    /// Tool version for the label.
    public var version: String
    /// Continue an interrupted run from its cache.
    public var resume = false
    /// x264 constant rate factor.
    public var crf = 18
    /// x264 preset.
    public var preset = "fast"
    /// Video codec (the output's extension must suit it: .webm for VP9).
    public var codec: VideoCodec = .h264
    /// Soundtrack to mux, cut to the clip's length.
    public var audio: URL?
    /// Folder for per-frame PNGs.
    public var framesDirectory: URL?
    /// Contact-sheet PNG of 8 frames.
    public var preview: URL?
    /// When set, only this part of the frames is written; it renders the keyframes on either side of the
    /// part too, so the flow-filled frames at its edges are the same as in a one-machine run.
    public var segment: SegmentRequest?

    /// A job; see the properties.
    public init(walk: DiffusionWalk, options: GenerationOptions, fps: Int, renderFPS: Int?, output: URL, version: String) {
        self.walk = walk; self.options = options; self.fps = fps; self.renderFPS = renderFPS; self.output = output; self.version = version
    }

    /// Output frames in the clip.
    public var frameCount: Int { max(1, Int((walk.duration * Double(fps)).rounded())) }

    /// Output frame indices rendered by diffusion: every `fps / renderFPS`-th frame and the last one.
    public var renderedFrames: [Int] {
        let n = frameCount
        let step = max(1, Int((Double(fps) / Double(renderFPS ?? fps)).rounded()))
        var idx = Array(stride(from: 0, to: n, by: step))
        if idx.last != n - 1 { idx.append(n - 1) }
        return idx
    }

    /// The rendered frames that the output frames of `window` are made from: those inside it, and the nearest
    /// rendered frame on each side that the flow-filled frames at its edges interpolate from.
    func renderedFrames(covering window: Range<Int>) -> [Int] {
        let all = renderedFrames
        let first = all.last { $0 <= window.lowerBound } ?? 0
        let last = all.first { $0 >= window.upperBound - 1 } ?? frameCount - 1
        return all.filter { (first...last).contains($0) }
    }

    /// The cache folder of rendered frames beside `output`.
    public static func cacheDirectory(for output: URL) -> URL {
        output.deletingLastPathComponent().appendingPathComponent("." + output.lastPathComponent + ".kinema-sd")
    }

    /// Renders and writes the clip.
    /// - Throws: `GenerationError` for bad settings, Diffusion and VideoIO errors; a failure leaves no MP4 but keeps the cache.
    public func run(pipeline: StableDiffusionPipeline, progress: Text2Video.Progress? = nil) throws -> Text2VideoResult {
        let begin = Date()
        guard (1...120).contains(fps), renderFPS.map({ (1...fps).contains($0) }) ?? true else {
            throw GenerationError.badSetting("--fps must be 1...120 and --render-fps 1...fps")
        }
        let (width, height) = try pipeline.size(for: options)
        let guided = (options.guidance ?? pipeline.defaults.guidance) > 1
        // One text embedding per keyframe (prompt and negative), one noise tensor per keyframe seed.
        let conds = try walk.keyframes.map { try pipeline.embed($0.prompt) }
        let unconds = try guided ? walk.keyframes.map { try pipeline.embed($0.negative) } : []
        let shape = [1, pipeline.unet.config.latentChannels, height / pipeline.factor, width / pipeline.factor]
        var noises = walk.keyframes.map { k -> [Float] in var g = GaussianNoise(seed: k.seed); return g.normals(shape.reduce(1, *)) }
        if let l = options.latents {
            guard l.shape == shape else { throw DiffusionError.badOption("--latents has shape \(l.shape); \(width)x\(height) needs \(shape)") }
            noises[0] = l.data
        }
        let cache = Self.cacheDirectory(for: output), fm = FileManager.default
        let fingerprint = "\(walk)|\(options.steps ?? -1)|\(options.guidance ?? -1)|\(String(describing: options.scheduler))|\(String(describing: options.prediction))|\(width)x\(height)|\(fps)|\(renderFPS ?? fps)|\(pipeline.checkpoint.source.path)|\(options.latents?.data.count ?? 0)"
        let stamp = cache.appendingPathComponent("plan.txt")
        if !resume || (try? String(contentsOf: stamp, encoding: .utf8)) != fingerprint { try? fm.removeItem(at: cache) }
        try fm.createDirectory(at: cache, withIntermediateDirectories: true)
        try Data(fingerprint.utf8).write(to: stamp, options: .atomic)

        let label = StableDiffusionPipeline.label(version: version, seed: walk.keyframes[0].seed)
        var wc = VideoWriterConfig(width: width, height: height, fps: Rational(fps, 1), codec: codec, crf: crf, preset: preset,
                                   audioSource: audio, audioDuration: audio == nil ? nil : walk.duration,
                                   tags: ["comment": label, "kinema": "{\"version\":\"\(version)\",\"model\":\"sd\",\"seed\":\(walk.keyframes[0].seed)}"])
        var window = 0..<frameCount
        if let segment {
            let part = try SegmentWindow(segment: segment.segment, total: frameCount, warmUp: 0, lookAhead: 0)
            wc = part.partConfig(wc, job: segment.job)
            window = part.write
        }
        let rendered = renderedFrames(covering: window)
        var resumed = 0
        func frame(_ i: Int) throws -> ByteImage {
            let file = cache.appendingPathComponent(String(format: "frame-%05d.png", i))
            if fm.fileExists(atPath: file.path), let img = try? ImageFile.read(file), img.width == width, img.height == height {
                resumed += 1
                return img
            }
            let seg = walk.segment(at: Double(i) / Double(fps))
            var o = options
            o.width = width; o.height = height
            o.seed = walk.keyframes[seg.from].seed
            o.latents = try Tensor(shape: shape, data: slerp(noises[seg.from], noises[seg.to], seg.fraction))
            let cond = try lerp(conds[seg.from], conds[seg.to], seg.fraction)
            let uncond = guided ? try lerp(unconds[seg.from], unconds[seg.to], seg.fraction) : nil
            let img = StableDiffusionPipeline.byteImage(try pipeline.decode(pipeline.denoise(cond: cond, uncond: uncond, options: o)))
            try ImageFile.write(img, to: file)
            return img
        }
        var extras = FrameExtras(framesDirectory: framesDirectory, preview: preview, window: window, label: label)
        try extras.files.writing {
            try VideoWriter.with(url: output, config: wc) { writer in
                func put(_ f: ByteImage, _ j: Int) throws {
                    guard window.contains(j) else { return }
                    try writer.write(f); try extras.add(f, index: j)
                }
                var previous: (index: Int, image: ByteImage)?
                for (k, r) in rendered.enumerated() {
                    let img = try frame(r)
                    if let p = previous {
                        for j in (p.index + 1)..<r where window.contains(j) {
                            try put(FlowInterpolation.between(p.image, img, fraction: Float(j - p.index) / Float(r - p.index)), j)
                        }
                    }
                    try put(img, r)
                    previous = (r, img)
                    progress?(k + 1, rendered.count)
                }
            }
            try extras.writePreview()
        }
        try? fm.removeItem(at: cache)
        let flicker = extras.flicker
        return Text2VideoResult(output: output.path, frames: window.count, width: width, height: height, fps: fps, seconds: walk.duration,
                                subjects: walk.keyframes.map(\.prompt), seeds: walk.keyframes.map(\.seed), ignored: [], warnings: [],
                                flickerMAD: flicker.meanMAD, flickerMaxMAD: flicker.maxMAD, temporalFlicker: flicker.vbenchScore,
                                resumedBatches: resumed, elapsed: Date().timeIntervalSince(begin))
    }

    private func lerp(_ a: Tensor, _ b: Tensor, _ t: Float) throws -> Tensor {
        try Tensor(shape: a.shape, data: a.data.indices.map { a.data[$0] + (b.data[$0] - a.data[$0]) * t })
    }
}

/// Frames between two rendered ones by optical flow (DIS): each side is warped part of the way along the flow
/// and the two are blended by distance, so motion is interpolated rather than cross-faded.
enum FlowInterpolation {
    static func between(_ a: ByteImage, _ b: ByteImage, fraction s: Float) -> ByteImage {
        let fa = Image(width: a.width, height: a.height, channels: 3, data: a.data.map { Float($0) / 255 })
        let fb = Image(width: b.width, height: b.height, channels: 3, data: b.data.map { Float($0) / 255 })
        let flow = DISFlow().flow(from: Plane(luminanceOf: a), to: Plane(luminanceOf: b))  // a(x) ≈ b(x + w(x))
        var back = FlowField(width: flow.width, height: flow.height), fwd = back
        back.u = flow.u.map { -s * $0 }; back.v = flow.v.map { -s * $0 }
        fwd.u = flow.u.map { (1 - s) * $0 }; fwd.v = flow.v.map { (1 - s) * $0 }
        let wa = Warp.backward(fa, flow: back), wb = Warp.backward(fb, flow: fwd)
        var out = ByteImage(width: a.width, height: a.height, channels: 3)
        for i in out.data.indices { out.data[i] = UInt8(max(0, min(255, ((1 - s) * wa.data[i] + s * wb.data[i]) * 255 + 0.5))) }
        return out
    }
}
