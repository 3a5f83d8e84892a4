import Foundation
import Neural

extension CLIPTokenizer {
    /// The shipped BPE merges used when a checkpoint has no `tokenizer/` folder (see models/README.md).
    public static let shippedMergesFile = "clip-bpe-merges.txt"

    /// Reads a diffusers/transformers `tokenizer/` folder: `vocab.json` and `merges.txt` (transformers 4), or the
    /// BPE model inside `tokenizer.json` (transformers 5 saves only that), and the pad token and `model_max_length`
    /// from `tokenizer_config.json`, with `special_tokens_map.json` taking precedence.
    /// - Throws: `DiffusionError.missingComponent` for an absent file, `.badTokenizer` for unreadable content.
    public init(folder: URL) throws {
        let fm = FileManager.default
        let vocabURL = folder.appendingPathComponent("vocab.json"), mergesURL = folder.appendingPathComponent("merges.txt")
        let vocab: [String: Int], merges: String
        if fm.fileExists(atPath: vocabURL.path), fm.fileExists(atPath: mergesURL.path) {
            guard let obj = try? JSONSerialization.jsonObject(with: Data(contentsOf: vocabURL)) as? [String: Any] else {
                throw DiffusionError.badTokenizer("\(vocabURL.path) is not a JSON object")
            }
            vocab = try Self.vocabulary(obj, file: "vocab.json")
            guard let m = try? String(contentsOf: mergesURL, encoding: .utf8) else {
                throw DiffusionError.badTokenizer("\(mergesURL.path) is not UTF-8 text")
            }
            merges = m
        } else if let d = fm.contents(atPath: folder.appendingPathComponent("tokenizer.json").path) {
            guard let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any], let model = obj["model"] as? [String: Any],
                  (model["type"] as? String ?? "BPE") == "BPE", let v = model["vocab"] as? [String: Any], let ms = model["merges"] as? [Any] else {
                throw DiffusionError.badTokenizer("tokenizer.json in \(folder.path) holds no BPE model")
            }
            var all = try Self.vocabulary(v, file: "tokenizer.json")
            for case let t as [String: Any] in obj["added_tokens"] as? [Any] ?? [] {
                if let c = t["content"] as? String, let i = t["id"] as? Int, i >= 0, all[c] == nil { all[c] = i }
            }
            vocab = all
            var lines = ["#version: 0.2"]
            for m in ms {
                if let pair = m as? [String], pair.count == 2 { lines.append(pair[0] + " " + pair[1]) } else if let t = m as? String { lines.append(t) } else {
                    throw DiffusionError.badTokenizer("tokenizer.json has a malformed merge")
                }
            }
            merges = lines.joined(separator: "\n")
        } else {
            throw DiffusionError.missingComponent("\(folder.path)/vocab.json and merges.txt, or tokenizer.json")
        }
        var pad: String?
        var maxLength = 77
        // transformers lets special_tokens_map.json override tokenizer_config.json (SD2 pads with "!" from the former).
        for name in ["tokenizer_config.json", "special_tokens_map.json"] {
            let u = folder.appendingPathComponent(name)
            guard let d = try? Data(contentsOf: u), let obj = try? JSONSerialization.jsonObject(with: d) as? [String: Any] else { continue }
            if let p = obj["pad_token"] as? String { pad = p } else if let p = obj["pad_token"] as? [String: Any], let c = p["content"] as? String { pad = c }
            // Hub configs write a huge sentinel when the length is "unbounded"; CLIP's positional table is 77.
            if let m = obj["model_max_length"] as? Int, m >= 2, m <= 4096 { maxLength = m }
        }
        try self.init(vocabulary: vocab, merges: merges, padToken: pad ?? Self.endToken, maxLength: maxLength)
    }

    private static func vocabulary(_ raw: [String: Any], file: String) throws -> [String: Int] {
        var vocab: [String: Int] = [:]
        for (k, v) in raw {
            guard let i = v as? Int, i >= 0 else { throw DiffusionError.badTokenizer("\(file) maps \"\(k)\" to a non-integer") }
            vocab[k] = i
        }
        return vocab
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
