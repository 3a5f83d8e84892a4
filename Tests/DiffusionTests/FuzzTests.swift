import Foundation
import Testing
@testable import Diffusion

/// Random unicode, control characters and special-token fragments never trap the tokenizer, and every prompt
/// becomes exactly 77 ids inside the vocabulary. Bounded in time.
@Test func tokenizerFuzz() throws {
    let tok = try CLIPTokenizer(folder: fixtures.appendingPathComponent("sd2/tokenizer"))
    var state: UInt64 = 0x1234_5678
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    let pieces = ["<|endoftext|>", "<|startoftext|>", "<|", "|>", "!", "'s", "'ll", " ", "\t", "\n", "\u{0}", "\u{FFFD}", "\u{200B}",
                  "\u{0301}", "Σ", "ß", "İ", "東", "🐉", "👩‍👩‍👧", "12", "a", "Z"]
    let start = Date()
    for _ in 0..<2000 {
        var s = ""
        for _ in 0..<Int(next() % 40) {
            if next() % 3 == 0 { s += pieces[Int(next() % UInt64(pieces.count))] }
            else if let u = Unicode.Scalar(UInt32(next() % 0x2FFFF)) { s.unicodeScalars.append(u) }
        }
        let ids = tok.encode(s)
        #expect(ids.count == 77 && ids.allSatisfy { $0 >= 0 && $0 < tok.vocabulary.count })
    }
    #expect(Date().timeIntervalSince(start) < 20)
}

/// Corrupted single-file checkpoints (flipped header bytes, cut files) either load or throw; none traps.
@Test func singleFileFuzz() throws {
    let dir = try temporaryFolder()
    defer { try? FileManager.default.removeItem(at: dir) }
    let base = [UInt8](try Data(contentsOf: fixtures.appendingPathComponent("sd1.safetensors")))
    let header = Int(base[0]) | Int(base[1]) << 8 | Int(base[2]) << 16
    var state: UInt64 = 99
    func next() -> UInt64 { state = state &* 6364136223846793005 &+ 1442695040888963407; return state >> 33 }
    var rejected = 0
    for i in 0..<60 {
        var f = base
        if i % 3 == 0 { f = Array(f.prefix(Int(next() % UInt64(f.count)))) } else {
            for _ in 0..<(1 + Int(next() % 6)) { f[8 + Int(next() % UInt64(header))] ^= UInt8(1 << (next() % 8)) }
        }
        let url = dir.appendingPathComponent("f\(i).safetensors")
        try Data(f).write(to: url)
        do { _ = try DiffusionCheckpoint.load(url, configs: fixtures.appendingPathComponent("sd1")) } catch { rejected += 1 }
    }
    #expect(rejected > 30)
}
