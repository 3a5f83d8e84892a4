import Foundation

/// The result of turning a prompt into a storyboard.
public struct ParsedPrompt: Sendable, Equatable {
    /// The keyframes.
    public var storyboard: Storyboard
    /// Words the vocabulary did not understand (reported as `ignored: ...`), in order, without repeats.
    public var ignored: [String]
    /// Subject phrases in order of appearance (each picks a seed).
    public var subjects: [String]
}

/// Turns free text into keyframes.
///
/// Forms: clauses joined by "then" or "->"; explicit times `"0s: a calm face | 2s: she smiles"`.
/// The first clause's leading words name the subject (hashed with FNV-1a into the seed);
/// vocabulary words set attribute amounts, camera moves, easing and holds; anything else is reported.
public enum PromptParser {
    /// Parses a prompt.
    /// - Parameters:
    ///   - seconds: total duration; default 4 s for up to two clauses, else 2 s per clause (explicit times: last time + 1 s).
    ///   - seed: overrides the first subject's seed (later subjects are derived from it).
    ///   - loop: transition back to the first keyframe by the end.
    /// - Throws: `GenerationError.badStoryboard` for an empty prompt or bad times, `.badSetting` for a bad duration.
    public static func parse(_ prompt: String, seconds: Double? = nil, seed: UInt64? = nil, loop: Bool = false) throws -> ParsedPrompt {
        let trimmed = prompt.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty else { throw GenerationError.badStoryboard("empty prompt") }
        if let s = seconds, !(s.isFinite && s > 0 && s <= Storyboard.maxDuration) {
            throw GenerationError.badSetting("duration \(s) s must be in (0, \(Int(Storyboard.maxDuration))]")
        }
        let clauses = try splitClauses(trimmed)
        guard !clauses.isEmpty else { throw GenerationError.badStoryboard("prompt has no clauses") }
        let n = clauses.count
        let explicit = clauses.first?.time != nil
        let duration: Double
        if let s = seconds { duration = s } else if explicit { duration = (clauses.last!.time ?? 0) + 1 } else { duration = n <= 2 ? 4 : 2 * Double(n) }
        let times: [Double] = explicit ? clauses.map { $0.time! } :
            (0..<n).map { Double($0) * duration / (loop ? Double(n) : max(Double(n) - 0.5, 1)) }

        var keyframes: [Keyframe] = []
        var ignored: [String] = []
        var subjects: [String] = []
        var attrs: [String: Float] = [:]
        var camera = CameraPose.identity
        var subject = "", currentSeed: UInt64 = 0
        var pendingCamera = CameraPose.identity
        for (ci, clause) in clauses.enumerated() {
            let words = tokenize(clause.text)
            var effects = ClauseEffects()
            Vocabulary.apply(words, firstClause: ci == 0, into: &effects)
            for w in effects.ignored where !ignored.contains(w) { ignored.append(w) }
            if ci == 0 || !effects.subject.isEmpty {
                let phrase = effects.subject.isEmpty ? "face" : effects.subject.joined(separator: " ")
                subjects.append(phrase)
                subject = phrase
                let h = fnv1a64(Storyboard.normalisedSubject(phrase))
                currentSeed = seed.map { ci == 0 ? $0 : $0 ^ h } ?? h
            }
            for (k, v) in effects.attributes { attrs[k] = v }
            // Camera words describe motion during this clause: the pose is reached at the next keyframe.
            camera = pendingCamera
            pendingCamera = effects.camera(from: camera)
            let next = ci + 1 < n ? times[ci + 1] : duration
            let segment = max(next - times[ci], 0)
            var kf = Keyframe(time: times[ci], subject: subject, seed: currentSeed, attributes: attrs,
                              hold: segment * (effects.hold ? 0.5 : 0.2), easing: .easeInOut, camera: camera)
            kf.still = effects.still
            if let e = effects.easing, !keyframes.isEmpty { keyframes[keyframes.count - 1].easing = e } else if let e = effects.easing { kf.easing = e }
            keyframes.append(kf)
        }
        let sb = Storyboard(keyframes: keyframes, duration: duration, loop: loop,
                            endCamera: pendingCamera == camera ? nil : pendingCamera)
        try sb.validate()
        return ParsedPrompt(storyboard: sb, ignored: ignored, subjects: subjects)
    }

    /// A trimmed prompt's clauses, each with its explicit time when the prompt is timed (`2s: … | 4s: …`),
    /// else split at `then` / `->`; clauses with neither words nor a time are dropped.
    /// - Throws: `GenerationError.badStoryboard` when a timed prompt has a clause without a valid time.
    static func splitClauses(_ trimmed: String) throws -> [(time: Double?, text: String)] {
        var clauses: [(time: Double?, text: String)] = []
        if trimmed.contains("|") || trimmed.range(of: #"^\s*\d+(\.\d+)?\s*s\s*:"#, options: .regularExpression) != nil {
            for part in trimmed.split(separator: "|", omittingEmptySubsequences: false) {
                let p = part.trimmingCharacters(in: .whitespaces)
                guard let m = p.range(of: #"^\d+(\.\d+)?\s*s\s*:"#, options: .regularExpression) else {
                    throw GenerationError.badStoryboard("clause '\(p)' lacks a time like '2s:'")
                }
                let num = p[m].filter { $0.isNumber || $0 == "." }
                guard let t = Double(num) else { throw GenerationError.badStoryboard("bad time in '\(p)'") }
                clauses.append((t, String(p[m.upperBound...])))
            }
        } else {
            let arrows = trimmed.replacingOccurrences(of: "->", with: "\u{1}").replacingOccurrences(of: "→", with: "\u{1}")
            let then = arrows.replacingOccurrences(of: #"(?i)(,\s*)?\b(and\s+)?then\b"#, with: "\u{1}", options: .regularExpression)
            clauses = then.split(separator: "\u{1}", omittingEmptySubsequences: false).map { (nil, String($0)) }
        }
        return clauses.filter { !$0.text.trimmingCharacters(in: .whitespaces).isEmpty || $0.time != nil }
    }

    /// Lower-cased words: letters, digits, hyphens and apostrophes kept, everything else splits.
    static func tokenize(_ s: String) -> [String] {
        s.lowercased().split(whereSeparator: { !($0.isLetter || $0.isNumber || $0 == "-" || $0 == "'") })
            .map { String($0).trimmingCharacters(in: CharacterSet(charactersIn: "-'")) }
            .map { $0.hasSuffix("'s") ? String($0.dropLast(2)) : $0 }
            .filter { !$0.isEmpty }
    }
}

/// What one clause asks for.
struct ClauseEffects {
    var subject: [String] = []
    var ignored: [String] = []
    var attributes: [String: Float] = [:]
    var zoom: Double = 1
    var panX = 0.0, panY = 0.0, rotation = 0.0
    var easing: Easing?
    var hold = false
    var still = false

    func camera(from c: CameraPose) -> CameraPose {
        CameraPose(zoom: min(max(c.zoom * zoom, 1), 4), panX: min(max(c.panX + panX, -0.5), 0.5),
                   panY: min(max(c.panY + panY, -0.5), 0.5), rotation: c.rotation + rotation)
    }
}
