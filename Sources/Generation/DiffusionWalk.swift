import Diffusion
import Foundation

/// One keyframe of a Stable Diffusion prompt walk: the text the encoder sees, the noise seed, and timing.
public struct DiffusionKeyframe: Sendable, Equatable {
    /// Start time in seconds.
    public var time: Double
    /// The prompt as the user wrote it, less the words Kinema acts on itself.
    public var prompt: String
    /// The negative prompt.
    public var negative: String
    /// Seed of this keyframe's initial noise.
    public var seed: UInt64
    /// Seconds held before moving on.
    public var hold: Double
    /// Easing of the transition that leaves this keyframe.
    public var easing: Easing
}

/// nateraw's prompt walk: keyframes carry whole prompts; between them the initial noise is slerped between
/// the keyframes' seeds and the text embeddings are lerped.
public struct DiffusionWalk: Sendable {
    /// Keyframes in time order.
    public var keyframes: [DiffusionKeyframe]
    /// Clip length in seconds.
    public var duration: Double
    /// Whether the walk returns to the first keyframe at the end.
    public var loop: Bool

    /// Builds the walk from a prompt ("a lighthouse at dawn then a castle at night", timed "0s: … | 2s: …") with
    /// the timing, holds and easing `PromptParser` reads, or from a storyboard JSON whose keyframes have `prompt`
    /// and `negative` fields. Keyframe k's seed is `seed + k` unless the storyboard gives one.
    /// - Throws: `GenerationError.badStoryboard` for an empty prompt or a keyframe without a prompt.
    public static func make(prompt: String?, storyboardJSON: Data?, seconds: Double?, seed: UInt64, negative: String,
                            loop: Bool) throws -> DiffusionWalk {
        if let data = storyboardJSON {
            var sb = try Storyboard.fromJSON(data)
            if let s = seconds { sb.duration = s; try sb.validate() }
            struct K: Decodable { var time: Double; var prompt: String?; var negative: String?; var seed: UInt64? }
            struct F: Decodable { var keyframes: [K] }
            let raw = (try JSONDecoder().decode(F.self, from: data)).keyframes.sorted { $0.time < $1.time }
            var kfs: [DiffusionKeyframe] = []
            for (i, (k, r)) in zip(sb.keyframes, raw).enumerated() {
                guard let p = r.prompt, !p.trimmingCharacters(in: .whitespaces).isEmpty else {
                    throw GenerationError.badStoryboard("keyframe \(i) has no \"prompt\" (needed with --model sd)")
                }
                kfs.append(DiffusionKeyframe(time: k.time, prompt: p, negative: r.negative ?? negative, seed: r.seed ?? (seed &+ UInt64(i)),
                                             hold: k.hold, easing: k.easing))
            }
            return DiffusionWalk(keyframes: kfs, duration: sb.duration, loop: loop || sb.loop)
        }
        let parsed = try PromptParser.parse(prompt ?? "", seconds: seconds, seed: seed, loop: loop)
        let texts = try clauseTexts(prompt ?? "")
        guard texts.count == parsed.storyboard.keyframes.count else {
            throw GenerationError.badStoryboard("could not split the prompt into its \(parsed.storyboard.keyframes.count) clauses")
        }
        let kfs = zip(parsed.storyboard.keyframes, texts).enumerated().map { i, pair in
            DiffusionKeyframe(time: pair.0.time, prompt: pair.1, negative: negative, seed: seed &+ UInt64(i), hold: pair.0.hold, easing: pair.0.easing)
        }
        guard kfs.allSatisfy({ !$0.prompt.isEmpty }) else { throw GenerationError.badStoryboard("a clause has no words for the text encoder") }
        return DiffusionWalk(keyframes: kfs, duration: parsed.storyboard.duration, loop: loop)
    }

    /// Words Kinema acts on itself (timing, holds, easing, camera), removed before the text encoder sees a clause.
    static let controlPhrases = [#"\bzoom(s|ing)?\s+(in|out)\b"#, #"\bpan(s|ning)?\s+(left|right|up|down)\b"#, #"\brotat(e|es|ing)\b"#,
                                 #"\bhold(s|ing)?\b"#, #"\bpause(s|d)?\b"#, #"\bslowly\b"#, #"\bsuddenly\b"#]

    /// The clause texts of a prompt, split by `PromptParser`, less the words Kinema acts on itself.
    /// - Throws: as `PromptParser.parse` for a malformed timed prompt.
    static func clauseTexts(_ prompt: String) throws -> [String] {
        try PromptParser.splitClauses(prompt.trimmingCharacters(in: .whitespacesAndNewlines)).map { clause in
            var t = clause.text
            for p in controlPhrases { t = t.replacingOccurrences(of: "(?i)" + p, with: " ", options: .regularExpression) }
            return t.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ").trimmingCharacters(in: CharacterSet(charactersIn: " ,;"))
        }
    }

    /// The two keyframes around time `t` and the eased fraction between them (holds keep the first).
    public func segment(at t: Double) -> (from: Int, to: Int, fraction: Float) {
        let n = keyframes.count
        guard n > 1 || loop else { return (0, 0, 0) }
        var i = 0
        while i + 1 < n, keyframes[i + 1].time <= t { i += 1 }
        let next = i + 1 < n ? i + 1 : (loop ? 0 : i)
        let end = i + 1 < n ? keyframes[i + 1].time : duration
        let start = keyframes[i].time + keyframes[i].hold
        guard next != i, end > start else { return (i, next, t >= end ? 1 : 0) }
        let u = min(max((t - start) / (end - start), 0), 1)
        return (i, next, Float(keyframes[i].easing.apply(u)))
    }
}
