import Foundation

/// CLIP's byte-level BPE tokenizer, as transformers' slow `CLIPTokenizer` runs when ftfy is not installed
/// (its BERT-style clean-up: control characters dropped, whitespace collapsed, CJK characters split, NFC, lower case).
///
/// Every prompt becomes exactly `maxLength` ids: start token, at most `maxLength − 2` BPE tokens, end token,
/// then the pad id (SD1 pipelines pad with `<|endoftext|>`, SD2 pipelines with `!`, id 0).
public struct CLIPTokenizer: Sendable {
    /// Token string → id.
    public let vocabulary: [String: Int]
    /// Merge pair (`"a b"`) → rank; lower ranks merge first.
    let ranks: [String: Int]
    /// Id of `<|startoftext|>`.
    public let startID: Int
    /// Id of `<|endoftext|>` (also the id of unknown tokens).
    public let endID: Int
    /// Id appended after the end token up to `maxLength`.
    public let padID: Int
    /// Ids per prompt, start and end included (77 for every Stable Diffusion).
    public let maxLength: Int
    /// The pad token's text when it is an ordinary vocabulary entry (SD2's `!`), split out of prompts like a special token.
    let padToken: String?

    /// The most merges CLIP uses (49,152 − 256 − 2); transformers reads no more than this from `merges.txt`.
    public static let mergeCount = 48_894
    static let startToken = "<|startoftext|>"
    static let endToken = "<|endoftext|>"

    /// Builds a tokenizer from a vocabulary and the text of a merges file (its first line is a header and skipped).
    /// - Throws: `DiffusionError.badTokenizer` when the special tokens or the pad token are not in the vocabulary.
    public init(vocabulary: [String: Int], merges: String, padToken: String? = nil, padID: Int? = nil, maxLength: Int = 77) throws {
        guard let s = vocabulary[Self.startToken], let e = vocabulary[Self.endToken] else {
            throw DiffusionError.badTokenizer("the vocabulary lacks <|startoftext|> or <|endoftext|>")
        }
        guard maxLength >= 2, maxLength <= 4096 else { throw DiffusionError.badTokenizer("model_max_length \(maxLength) is out of range") }
        self.vocabulary = vocabulary
        self.ranks = Self.parseMerges(merges)
        self.startID = s
        self.endID = e
        if let padToken {
            guard let p = vocabulary[padToken] else { throw DiffusionError.badTokenizer("pad token \"\(padToken)\" is not in the vocabulary") }
            self.padID = p
        } else {
            self.padID = padID ?? e
        }
        self.maxLength = maxLength
        let p = self.padID
        self.padToken = p == s || p == e ? nil : vocabulary.first(where: { $0.value == p })?.key
    }

    /// Builds the tokenizer from OpenAI/OpenCLIP's `bpe_simple_vocab_16e6.txt` merges alone (what single-file
    /// checkpoints need): the vocabulary is the 256 byte symbols, the same with `</w>`, each merge, then the two
    /// special tokens, exactly as CLIP built it.
    /// - Throws: `DiffusionError.badTokenizer` if the file holds fewer merges than CLIP uses.
    public init(bpeMerges text: String, padID: Int?, maxLength: Int = 77) throws {
        let lines = Self.mergeLines(text)
        guard lines.count == Self.mergeCount else {
            throw DiffusionError.badTokenizer("the BPE file holds \(lines.count) merges; CLIP needs \(Self.mergeCount)")
        }
        var vocab: [String: Int] = [:]
        var symbols = ByteSymbols.table.enumerated().sorted { ByteSymbols.order($0.offset) < ByteSymbols.order($1.offset) }.map { String($0.element) }
        symbols += symbols.map { $0 + "</w>" }
        symbols += lines.map { $0.replacingOccurrences(of: " ", with: "") }
        symbols += [Self.startToken, Self.endToken]
        for (i, s) in symbols.enumerated() { vocab[s] = i }
        try self.init(vocabulary: vocab, merges: text, padToken: nil, padID: padID, maxLength: maxLength)
    }

    /// The merge lines transformers uses: after the header line, at most `mergeCount`, trailing whitespace trimmed.
    static func mergeLines(_ text: String) -> [Substring] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.split(separator: "\n", omittingEmptySubsequences: false).dropFirst().prefix(mergeCount).map { $0 }
    }

    private static func parseMerges(_ text: String) -> [String: Int] {
        var ranks: [String: Int] = [:]
        for (i, line) in mergeLines(text).enumerated() {
            let parts = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" })
            guard parts.count == 2 else { continue }
            let key = String(parts[0]) + " " + String(parts[1])
            if ranks[key] == nil { ranks[key] = i }
        }
        return ranks
    }

    /// The prompt's ids, exactly `maxLength` of them: start, tokens (truncated), end, padding.
    public func encode(_ text: String) -> [Int] {
        var ids = [startID]
        ids += tokenIDs(text).prefix(maxLength - 2)
        ids.append(endID)
        while ids.count < maxLength { ids.append(padID) }
        return ids
    }

    /// The BPE ids of a prompt without start, end, truncation or padding.
    public func tokenIDs(_ text: String) -> [Int] {
        var out: [Int] = []
        var cache: [String: [String]] = [:]
        var specials = [(Self.startToken, startID), (Self.endToken, endID)]
        if let padToken { specials.append((padToken, padID)) }
        for piece in Self.splitSpecial(text, specials) {
            switch piece {
            case .special(let id): out.append(id)
            case .text(let t):
                for word in Self.preTokenize(Self.basicClean(t)) {
                    if word == Self.startToken { out.append(startID); continue }
                    if word == Self.endToken { out.append(endID); continue }
                    let symbols = String(word.utf8.map { ByteSymbols.table[Int($0)] }.map(Character.init))
                    let parts: [String]
                    if let c = cache[symbols] { parts = c } else { parts = bpe(symbols); cache[symbols] = parts }
                    for p in parts { out.append(vocabulary[p] ?? endID) }
                }
            }
        }
        return out
    }

    /// Merges the byte symbols of one word by rank, the last symbol carrying `</w>`.
    func bpe(_ token: String) -> [String] {
        var word = token.unicodeScalars.map { String($0) }
        guard !word.isEmpty else { return [] }
        word[word.count - 1] += "</w>"
        while word.count > 1 {
            var best = Int.max, bestIndex = -1
            for i in 0..<(word.count - 1) {
                if let r = ranks[word[i] + " " + word[i + 1]], r < best { best = r; bestIndex = i }
            }
            guard bestIndex >= 0 else { break }
            let first = word[bestIndex], second = word[bestIndex + 1]
            var merged: [String] = []
            merged.reserveCapacity(word.count)
            var i = 0
            while i < word.count {
                if i < word.count - 1, word[i] == first, word[i + 1] == second {
                    merged.append(first + second); i += 2
                } else {
                    merged.append(word[i]); i += 1
                }
            }
            word = merged
        }
        return word
    }
}
