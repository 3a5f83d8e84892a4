import Foundation
import Testing
@testable import Neural

/// A small hand-built file with F32, F16 and BF16 tensors and metadata.
private func sampleFile() -> [UInt8] {
    let header = #"{"__metadata__":{"format":"pt"},"a":{"dtype":"F32","shape":[2,2],"data_offsets":[0,16]},"h":{"dtype":"F16","shape":[4],"data_offsets":[16,24]},"b":{"dtype":"BF16","shape":[2],"data_offsets":[24,28]}}"#
    var hb = Array(header.utf8)
    while hb.count % 8 != 0 { hb.append(0x20) }
    var out: [UInt8] = []
    for i in 0..<8 { out.append(UInt8((UInt64(hb.count) >> (8 * UInt64(i))) & 0xFF)) }
    out += hb
    for v: Float in [1, -2.5, 0.125, 3e5] {
        let b = v.bitPattern
        out += [UInt8(b & 0xFF), UInt8((b >> 8) & 0xFF), UInt8((b >> 16) & 0xFF), UInt8(b >> 24)]
    }
    for h: UInt16 in [0x3C00, 0xC000, 0x7BFF, 0x0001] { out += [UInt8(h & 0xFF), UInt8(h >> 8)] }
    for v: Float in [1.5, -0.75] { let b = v.bitPattern >> 16; out += [UInt8(b & 0xFF), UInt8(b >> 8)] }
    return out
}

@Test func safetensorsReadsAllDTypes() throws {
    let st = try SafeTensors(bytes: sampleFile())
    #expect(st.names == ["a", "b", "h"])
    #expect(st.metadata == ["format": "pt"])
    #expect(try st.tensor("a") == Tensor(shape: [2, 2], data: [1, -2.5, 0.125, 3e5]))
    #expect(try st.floats("h") == [1, -2, 65504, Float(bitPattern: 0x3380_0000)])
    #expect(try st.floats("b") == [1.5, -0.75])
    #expect(throws: SafeTensorsError.missingTensor("zz")) { try st.floats("zz") }
}

@Test func safetensorsWriterRoundTrips() throws {
    let t = try Tensor(shape: [3, 1, 2], data: [0, 1, 2, 3, 4, -5])
    let bytes = try SafeTensors.serialize(["w": t, "x \"q\"": Tensor(shape: [0])], metadata: ["k": "v"])
    let st = try SafeTensors(bytes: bytes)
    #expect(try st.tensor("w") == t)
    #expect(try st.tensor("x \"q\"").shape == [0])
    #expect(st.metadata["k"] == "v")
}

@Test func safetensorsRejectsInconsistentHeaders() {
    func file(_ header: String, data: Int) -> [UInt8] {
        let hb = Array(header.utf8)
        var out: [UInt8] = []
        for i in 0..<8 { out.append(UInt8((UInt64(hb.count) >> (8 * UInt64(i))) & 0xFF)) }
        return out + hb + [UInt8](repeating: 0, count: data)
    }
    let bad: [(String, Int)] = [
        (#"{"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}}"#, 8),            // shape × dtype ≠ span
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#, 4),            // past the end
        (#"{"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},"b":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8), // overlap
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[4,8]}}"#, 8),            // hole
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}}"#, 8),            // trailing bytes
        (#"{"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,8]}}"#, 8),             // unknown dtype
        (#"{"a":{"dtype":"F32","shape":[-1],"data_offsets":[0,4]}}"#, 4),           // negative dim
        (#"{"a":{"dtype":"F32","shape":[4611686018427387904,4],"data_offsets":[0,4]}}"#, 4), // overflow
        (#"{"a":{"dtype":"F32","shape":[1],"data_offsets":[8,4]}}"#, 8),            // reversed
        (#"[1,2]"#, 0), (#"{"a":1}"#, 0), (#"{"a""#, 0),
    ]
    for (h, n) in bad {
        #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: file(h, data: n)) }
    }
    #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: [1, 2, 3]) }
    #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: [255, 255, 255, 255, 255, 255, 255, 255, 0]) }
}

/// Thousands of mutated files: each must either throw `SafeTensorsError` or parse into
/// tensors that can all be read. Bounded in time.
@Test func safetensorsFuzz() throws {
    let base = sampleFile()
    var state: UInt64 = 0x9E37_79B9_7F4A_7C15
    func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    let start = Date()
    var parsed = 0, rejected = 0
    let digits = Array("0123456789".utf8)
    for i in 0..<20000 {
        var f = base
        switch i % 5 {
        case 0: f = Array(f.prefix(Int(next() % UInt64(f.count))))
        case 1:
            for _ in 0..<(1 + Int(next() % 4)) { f[Int(next() % UInt64(f.count))] ^= UInt8(1 << (next() % 8)) }
        case 2:
            let len = next() >> (next() % 64)
            for k in 0..<8 { f[k] = UInt8((len >> (8 * UInt64(k))) & 0xFF) }
        case 3:
            // Replace a run of digits in the header with a huge or odd number.
            let candidates = (8..<min(f.count, 8 + 200)).filter { digits.contains(f[$0]) }
            if !candidates.isEmpty {
                let p = candidates[Int(next() % UInt64(candidates.count))]
                let repl = Array(["99999999999999999999", "18446744073709551615", "-1", "1e308", "0.5", "4294967296"][Int(next() % 6)].utf8)
                f.replaceSubrange(p..<(p + 1), with: repl)
                let n = UInt64(f.count - 8 - 28)
                for k in 0..<8 { f[k] = UInt8((n >> (8 * UInt64(k))) & 0xFF) }
            }
        default:
            let p = Int(next() % UInt64(f.count))
            f.insert(contentsOf: [UInt8](repeating: UInt8(next() & 0xFF), count: Int(next() % 16)), at: p)
        }
        do {
            let st = try SafeTensors(bytes: f)
            for n in st.names { _ = try st.floats(n) }
            parsed += 1
        } catch is SafeTensorsError {
            rejected += 1
        }
    }
    let elapsed = Date().timeIntervalSince(start)
    #expect(parsed + rejected == 20000)
    #expect(rejected > 10000)
    #expect(elapsed < 15, "fuzz took \(elapsed) s")
}

/// A header of deeply nested arrays or objects must throw, not overflow the stack.
@Test func safetensorsRejectsDeepNesting() {
    for (open, close) in [("[", "]"), ("{\"a\":", "}")] {
        let header = Array((String(repeating: open, count: 200_000) + "1" + String(repeating: close, count: 200_000)).utf8)
        var f: [UInt8] = []
        for i in 0..<8 { f.append(UInt8((UInt64(header.count) >> (8 * UInt64(i))) & 0xFF)) }
        f += header
        #expect(throws: SafeTensorsError.self) { try SafeTensors(bytes: f) }
    }
}

/// Files are memory-mapped: a file on disk reads the same as its bytes, integer tensors are listed but
/// not converted, fp16 stays in stored form through `withRawBytes`, and a truncated file is refused.
@Test func safetensorsMapsFiles() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("st-map-\(UInt32.random(in: 0...UInt32.max))")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let url = dir.appendingPathComponent("a.safetensors")
    try Data(sampleFile()).write(to: url)
    let st = try SafeTensors(contentsOf: url)
    #expect(try st.floats("h") == [1, -2, 65504, Float(bitPattern: 0x3380_0000)])
    let raw = try st.withRawBytes("h") { Array($0) }
    #expect(raw.count == 8 && raw[0] == 0x00 && raw[1] == 0x3C)
    let cut = dir.appendingPathComponent("cut.safetensors")
    try Data(sampleFile().dropLast(3)).write(to: cut)
    #expect(throws: SafeTensorsError.self) { try SafeTensors(contentsOf: cut) }
    #expect(throws: SafeTensorsError.self) { try SafeTensors(contentsOf: dir.appendingPathComponent("none.safetensors")) }
    #expect(throws: SafeTensorsError.self) { try SafeTensors(contentsOf: dir) }
    let ints = try SafeTensors(bytes: {
        let h = Array(#"{"p":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}}"#.utf8)
        var out: [UInt8] = []
        for i in 0..<8 { out.append(UInt8((UInt64(h.count) >> (8 * UInt64(i))) & 0xFF)) }
        return out + h + [UInt8](repeating: 0, count: 8)
    }())
    #expect(ints.entries["p"]?.dtype == .i64)
    #expect(throws: SafeTensorsError.unsupportedDType("p", "I64")) { try ints.floats("p") }
}
