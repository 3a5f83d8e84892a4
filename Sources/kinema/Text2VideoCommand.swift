import ArgumentParser
import Foundation
import Generation
import Neural
import Upscale

/// `kinema text2video "PROMPT" -o OUT.mp4`: a temporally coherent clip from text (faces with the built-in model).
struct Text2VideoCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "text2video",
        abstract: "Generate a video from a text prompt or storyboard (latent interpolation on the CPU).",
        discussion: """
            PROMPT forms: clauses joined by "then" or "->" ("a young woman then she smiles -> turns to the left"),
            or explicit times ("0s: a calm face | 2s: she smiles | 4s: looks up"). The subject phrase picks the seed;
            attribute words (smile, frown, open mouth, turn left/right, look up/down, brighter/darker) move along
            fitted latent directions; camera words (zoom in/out, pan left/right/up/down, rotate) move the view;
            "slowly"/"suddenly" set easing, "hold"/"pause" hold a keyframe, "still" freezes it (otherwise faces
            move gently). Unknown words, and subject words the face model cannot draw, are reported, never guessed.
            Every output is labelled as synthetic media in its metadata.
            """)

    @Argument(help: "The prompt (omit when --storyboard is given).")
    var prompt: String?

    @Option(name: .shortAndLong, help: "Output MP4 path.")
    var output: String

    @Option(help: "Duration in seconds (default: from the prompt, 4 s for one or two clauses).")
    var seconds: Double?

    @Option(help: "Frames per second (1...120).")
    var fps: Int = 24

    @Option(help: "Output size WIDTHxHEIGHT, even values (default 512x512).")
    var size: String = "512x512"

    @Option(help: "Seed for the first subject (overrides the prompt's subject hash).")
    var seed: UInt64?

    @Option(help: "Generator backend (available: \(GeneratorRegistry.names.joined(separator: ", "))).")
    var model: String = GeneratorRegistry.defaultModel

    @Option(help: "JSON storyboard file with per-keyframe time, subject/seed, attributes, hold, easing and camera.")
    var storyboard: String?

    @Option(help: "Frame enlargement: esrgan (Real-ESRGAN x4plus), esrgan-compact (animevideov3 x4) or lanczos (default \(UpscaleMethod.default.rawValue)).")
    var upscale: String = UpscaleMethod.default.rawValue

    @Flag(help: "Transition back to the first keyframe at the end.")
    var loop = false

    @Option(help: "Also write every frame as PNG into this directory.")
    var frames: String?

    @Option(help: "Write a contact sheet of 8 frames to this PNG.")
    var preview: String?

    @Option(help: "Mux this file's audio, cut to the video length.")
    var audio: String?

    @Flag(help: "Resume an interrupted run from the cache beside the output.")
    var resume = false

    @Flag(help: "Print a JSON summary (including the flicker metric) on stdout.")
    var json = false

    @OptionGroup var encoding: EncodingOptions

    @OptionGroup var segmenting: SegmentOption

    @OptionGroup(title: "Stable Diffusion (--model sd)")
    var diffusion: DiffusionVideoOptions

    func run() throws {
        reexecWithFasterBLASIfNeeded()
        BLASCore.useOwnParallelism()
        try runCommand { try generate() }
    }

    private func generate() throws {
        if model == "sd" { return try generateWithDiffusion() }
        let parts = size.lowercased().split(separator: "x").compactMap { Int($0) }
        guard parts.count == 2 else { throw CommandError("--size must look like 512x512") }
        var cfg = Text2VideoConfig()
        cfg.width = parts[0]; cfg.height = parts[1]; cfg.fps = fps; cfg.seconds = seconds
        cfg.seed = seed; cfg.loop = loop; cfg.model = model
        cfg.upscale = try UpscaleMethod.parse(upscale)
        guard prompt != nil || storyboard != nil else { throw CommandError("give a PROMPT or --storyboard FILE") }
        try guardOutputs([output, preview], folders: [frames, NativeFrameCache.directory(for: URL(fileURLWithPath: output)).path],
                         inputs: [storyboard, audio])
        var sbData: Data?
        if let s = storyboard {
            do { sbData = try Data(contentsOf: URL(fileURLWithPath: s)) } catch {
                throw CommandError("cannot read storyboard \(s)")
            }
        }
        let plan = try Text2Video.plan(prompt: prompt, storyboardJSON: sbData, config: cfg)
        try checkMemory(width: cfg.width, height: cfg.height, input: output, job: "text2video", bytesPerPixel: 30, writesVideo: true)
        let generator = try GeneratorRegistry.load(model)
        let directions = AttributeDirections.shipped(for: generator.name, latentSize: generator.latentSize)
        var job = Text2VideoJob(plan: plan, output: URL(fileURLWithPath: output), version: KinemaVersion.string)
        job.audio = audio.map { URL(fileURLWithPath: $0) }
        job.framesDirectory = frames.map { URL(fileURLWithPath: $0, isDirectory: true) }
        job.preview = preview.map { URL(fileURLWithPath: $0) }
        job.resume = resume
        job.segment = try segmenting.request()
        job.codec = encoding.resolvedCodec(for: job.output)
        job.crf = encoding.crf ?? job.crf
        job.preset = encoding.preset ?? job.preset
        for w in plan.warnings { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        let bar = ProgressBar(label: "text2video", total: plan.frameCount, quiet: json || encoding.quiet)
        defer { bar.finish() }
        let result = try job.run(generator: generator, directions: directions) { done, total in
            bar.update(done: done, total: total)
        }
        bar.finish()
        for w in result.warnings where !plan.warnings.contains(w) { FileHandle.standardError.write(Data("warning: \(w)\n".utf8)) }
        if json {
            try printJSON(result, pretty: true)
        } else {
            print(String(format: "%@: %d frames %dx%d @ %d fps, seeds %@, flicker MAD %.2f (VBench %.4f), %.1f s",
                         result.output, result.frames, result.width, result.height, result.fps,
                         result.seeds.map(String.init).joined(separator: ","), result.flickerMAD, result.temporalFlicker, result.elapsed))
        }
    }
}

/// Re-executes the process once with `OPENBLAS_CORETYPE` set when OpenBLAS picked slow kernels (see
/// `BLASCore`), and with `SWIFT_DETERMINISTIC_HASHING=1` so dictionary order (e.g. of container tags) is the
/// same on every run: reruns must be byte-identical.
func reexecWithFasterBLASIfNeeded() {
    let env = ProcessInfo.processInfo.environment
    let core = BLASCore.recommendedCoreType()
    guard core != nil || env["SWIFT_DETERMINISTIC_HASHING"] == nil else { return }
    if let core { setenv("OPENBLAS_CORETYPE", core, 1) }
    setenv("SWIFT_DETERMINISTIC_HASHING", "1", 1)
    var argv: [UnsafeMutablePointer<CChar>?] = CommandLine.arguments.map { strdup($0) }
    argv.append(nil)
    execv("/proc/self/exe", argv)
}
