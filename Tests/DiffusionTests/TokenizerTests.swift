import Foundation
import Testing
@testable import Diffusion

private struct Case: Decodable { let text: String; let ids: [Int]; let sd1: [Int]?; let sd2: [Int]? }
private struct Reference: Decodable { let transformers: String; let cases: [Case] }

/// 260 strings (unicode, punctuation, numbers, special tokens, 65 over 77 tokens) against transformers 4.57.6's
/// slow CLIPTokenizer without ftfy, built from the shipped BPE file: every id must match exactly, and the
/// padded 77-id forms must match for SD1 (pad <|endoftext|>) and SD2 (pad "!", id 0).
@Test func tokenizerMatchesTransformers() throws {
    let ref = try JSONDecoder().decode(Reference.self, from: Data(contentsOf: fixtures.appendingPathComponent("tokenizer-reference.json")))
    let bpe = try String(contentsOf: shippedBPE, encoding: .utf8)
    let sd1 = try CLIPTokenizer(bpeMerges: bpe, padID: nil)
    let sd2 = try CLIPTokenizer(bpeMerges: bpe, padID: 0)
    #expect(ref.cases.count >= 200)
    #expect(sd1.vocabulary.count == 49408)
    var mismatches: [String] = []
    for c in ref.cases {
        let ids = [sd1.startID] + sd1.tokenIDs(c.text) + [sd1.endID]
        if ids != c.ids { mismatches.append("\(c.text.debugDescription): \(ids) vs \(c.ids)") }
        if let p = c.sd1, sd1.encode(c.text) != p { mismatches.append("sd1 pad \(c.text.debugDescription)") }
        if let p = c.sd2, sd2.encode(c.text) != p { mismatches.append("sd2 pad \(c.text.debugDescription)") }
    }
    #expect(mismatches.isEmpty, "\(mismatches.count) mismatches, first: \(mismatches.prefix(3).map { String($0.prefix(300)) })")
}

/// A diffusers `tokenizer/` folder is read from its own vocab.json, merges.txt and pad token.
@Test func tokenizerReadsDiffusersFolder() throws {
    let t1 = try CLIPTokenizer(folder: fixtures.appendingPathComponent("sd1/tokenizer"))
    let t2 = try CLIPTokenizer(folder: fixtures.appendingPathComponent("sd2/tokenizer"))
    #expect(t1.padID == t1.endID)
    #expect(t2.padID == 0)
    let prompt = "a dragon flying over a castle, 4k!"
    let ids1 = try references.floats("sd1.ids").map { Int($0) }
    let ids2 = try references.floats("sd2.ids").map { Int($0) }
    #expect(t1.encode(prompt) == Array(ids1[0..<77]))
    #expect(t1.encode("blurry") == Array(ids1[77..<154]))
    #expect(t2.encode(prompt) == Array(ids2[0..<77]))
    #expect(throws: DiffusionError.self) { try CLIPTokenizer(folder: fixtures.appendingPathComponent("sd1/unet")) }
}
