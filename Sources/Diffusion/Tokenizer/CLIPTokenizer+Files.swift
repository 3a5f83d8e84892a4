import Foundation
import Neural

extension CLIPTokenizer {
    /// The shipped BPE merges used when a checkpoint has no `tokenizer/` folder (see models/README.md).
    public static let shippedMergesFile = "clip-bpe-merges.txt"

    /// Reads a diffusers/transformers `tokenizer/` folder: `vocab.json`, `merges.txt`, and the pad token and
    /// `model_max_length` from `tokenizer_config.json` (or `special_tokens_map.json`).
    /// - Throws: `DiffusionError.missingComponent` for an absent file, `.badTokenizer` for unreadable content.
    public init(folder: URL) throws {
        let vocabURL = folder.appendingPathComponent("vocab.json"), mergesURL = folder.appendingPathComponent("merges.txt")
        for u in [vocabURL, mergesURL] where !FileManager.default.fileExists(atPath: u.path) {
            throw DiffusionError.missingComponent("\(u.path) (a tokenizer folder needs vocab.json and merges.txt)")
        }
        guard let vocabAny = try? JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)), let raw = vocabAny as? [String: Any] else {
            throw DiffusionError.badTokenizer("\(vocabURL.path) is not a JSON object")
        }
        var vocab: [String: Int] = [:]
        for (k, v) in raw {
            guard let i = v as? Int, i >= 0 else { throw DiffusionError.badTokenizer("vocab.json maps \"\(k)\" to a non-integer") }
            vocab[k] = i
        }
        guard let merges = try? String(contentsOf: mergesURL, encoding: .utf8) else {
            throw DiffusionError.badTokenizer("\(mergesURL.path) is not UTF-8 text")
        }
        var pad: String?
        var maxLength = 77
        for name in ["special_tokens_map.json", "tokenizer_config.json"] {
            let u = folder.appendingPathComponent(name)
            guard let d = try? Data(contentsOf: u), let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { continue }
            if let p = obj["pad_token"] as? String { pad = p } else if let p = obj["pad_token"] as? [String: Any], let c = p["content"] as? String { pad = c }
            // Hub configs write a huge sentinel when the length is "unbounded"; CLIP's positional table is 77.
            if let m = obj["model_max_length"] as? Int, m >= 2, m <= 4096 { maxLength = m }
        }
        try self.init(vocabulary: vocab, merges: merges, padToken: pad ?? Self.endToken, maxLength: maxLength)
    }

    /// The tokenizer for a single-file checkpoint, from the shipped BPE file: SD1 pads with `<|endoftext|>`,
    /// SD2 (OpenCLIP) with id 0.
    /// - Throws: `DiffusionError.missingComponent` when the BPE file cannot be found, `.badTokenizer` if it is damaged.
    public static func shipped(padWithZero: Bool) throws -> CLIPTokenizer {
        let url: URL
        do { url = try ModelLocator.url(named: shippedMergesFile) } catch {
            throw DiffusionError.missingComponent("\(shippedMergesFile) (Kinema's models/ folder; run scripts/fetch-models)")
        }
        guard let text = try? String(contentsOf: url, encoding: .utf8) else { throw DiffusionError.badTokenizer("\(url.path) is not UTF-8 text") }
        return try CLIPTokenizer(bpeMerges: text, padID: padWithZero ? 0 : nil)
    }
}
