import Foundation

/// A parsed `--style` value: the look plus, for `painting`, the blend of the 26 learned styles.
///
/// Syntax: a `Style` name (`anime`, `oil`, …, `neural`), or `painting:K` with K in 1…26, or a blend
/// `painting:3=0.5,12=0.5` (weights ≥ 0, not all zero, normalised to sum to 1; a bare `K` in a list
/// weighs 1; repeated numbers add up).
public struct StyleSpec: Sendable, Equatable {
    /// The look.
    public var style: Style
    /// For `.painting`: one weight per learned style (26, summing to 1). Empty otherwise.
    public var paintingWeights: [Float]

    /// Parses a `--style` value.
    /// - Throws: `RestyleError.unknownStyle` for an unknown name, `.badStyleSpec` for bad painting syntax,
    ///   a style number outside 1…26, a negative or non-finite weight, or weights summing to 0.
    public init(parsing text: String) throws {
        let lower = text.lowercased().trimmingCharacters(in: .whitespaces)
        let (name, rest) = lower.firstIndex(of: ":").map { (String(lower[..<$0]), String(lower[lower.index(after: $0)...])) }
            ?? (lower, nil)
        guard let look = Style(rawValue: name) else { throw RestyleError.unknownStyle(text) }
        guard look == .painting else {
            if rest != nil { throw RestyleError.badStyleSpec(text, reason: "only painting takes ':…'") }
            self.init(style: look)
            return
        }
        guard let rest, !rest.isEmpty else {
            throw RestyleError.badStyleSpec(text, reason: "name a style number: painting:K (K = 1…\(PaintingNetwork.styleCount)) or a blend painting:3=0.5,12=0.5")
        }
        var w = [Float](repeating: 0, count: PaintingNetwork.styleCount)
        for part in rest.split(separator: ",", omittingEmptySubsequences: false) {
            let pieces = part.split(separator: "=", omittingEmptySubsequences: false).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pieces.count <= 2, let k = Int(pieces[0]) else {
                throw RestyleError.badStyleSpec(text, reason: "'\(part)' is not K or K=weight")
            }
            guard (1...PaintingNetwork.styleCount).contains(k) else {
                throw RestyleError.badStyleSpec(text, reason: "style number \(k) is outside 1…\(PaintingNetwork.styleCount)")
            }
            var weight: Float = 1
            if pieces.count == 2 {
                guard let v = Float(pieces[1]), v.isFinite else { throw RestyleError.badStyleSpec(text, reason: "weight '\(pieces[1])' is not a number") }
                guard v >= 0 else { throw RestyleError.badStyleSpec(text, reason: "weight \(pieces[1]) is negative") }
                weight = v
            }
            w[k - 1] += weight
        }
        let sum = w.reduce(0, +)
        guard sum > 0, sum.isFinite else { throw RestyleError.badStyleSpec(text, reason: "the weights sum to \(sum)") }
        self.init(style: .painting, paintingWeights: w.map { $0 / sum })
    }

    /// A spec from parts; `.painting` without weights means painting style 1.
    public init(style: Style, paintingWeights: [Float] = []) {
        self.style = style
        if style == .painting && paintingWeights.count != PaintingNetwork.styleCount {
            var w = [Float](repeating: 0, count: PaintingNetwork.styleCount)
            w[0] = 1
            self.paintingWeights = w
        } else {
            self.paintingWeights = style == .painting ? paintingWeights : []
        }
    }
}
