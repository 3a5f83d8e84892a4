import Foundation
import Testing
@testable import Neural

extension SplitMix64 {
    /// The generator with `state` as its seed, so a failing mutation can be replayed.
    init(state: UInt64) { self.init(seed: state) }
    /// Next value in 0..<n (modulo: the tests' replayable sequences depend on exactly this).
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
}

/// Mutated copies of the real models must either throw or give a model the interpreter can plan
/// and run without trapping. Bounded in time.
struct TFLiteFuzzTests {
    /// Byte offsets outside the constant buffers: the flatbuffer structure, where mutations bite.
    static func structuralOffsets(_ model: TFLiteModel) -> [Int] {
        var isData = [Bool](repeating: false, count: model.bytes.count)
        for r in model.buffers { for i in r { isData[i] = true } }
        return isData.indices.filter { !isData[$0] }
    }

    static func mutate(_ bytes: [UInt8], structural: [Int], rng: inout SplitMix64) -> [UInt8] {
        var b = bytes
        switch rng.below(5) {
        case 0: // truncation
            b.removeLast(b.count - rng.below(b.count))
        case 1, 2: // flipped bytes in the structure
            for _ in 0..<(1 + rng.below(4)) {
                let o = structural[rng.below(structural.count)]
                b[o] ^= UInt8(truncatingIfNeeded: 1 + rng.below(255))
            }
        case 3: // huge or negative 32-bit value (sizes, offsets, shape dims, indices)
            let o = structural[rng.below(structural.count)] & ~3
            let values: [UInt32] = [0xFFFF_FFFF, 0x7FFF_FFFF, 0x8000_0000, 0x0010_0000, UInt32(truncatingIfNeeded: rng.next())]
            let v = values[rng.below(values.count)]
            for k in 0..<4 where o + k < b.count { b[o + k] = UInt8(truncatingIfNeeded: v >> (8 * UInt32(k))) }
        default: // flipped bytes anywhere (also weights) plus a small truncation
            for _ in 0..<(1 + rng.below(8)) { b[rng.below(b.count)] ^= UInt8(truncatingIfNeeded: 1 + rng.below(255)) }
            if rng.below(2) == 0 { b.removeLast(rng.below(64)) }
        }
        return b
    }

    @Test func mutatedModelsThrowOrRun() throws {
        var rng = SplitMix64(state: 0x6B69_6E65_6D61)
        let start = Date()
        var thrown = 0, planned = 0, ran = 0, total = 0
        // Iteration counts per model; the small model gets most of the budget.
        let plan: [(String, Int)] = [("face_detection_short_range.tflite", 3000),
                                     ("face_landmark.tflite", 400),
                                     ("face_detection_full_range.tflite", 400)]
        for (name, iterations) in plan {
            let original = try TFLiteModel(contentsOf: ModelLocator.url(named: name))
            let structural = Self.structuralOffsets(original)
            for _ in 0..<iterations where Date().timeIntervalSince(start) < 15 {
                total += 1
                let bytes = Self.mutate(original.bytes, structural: structural, rng: &rng)
                do {
                    let model = try TFLiteModel(data: bytes)
                    let interpreter = try Interpreter(model: model, threads: 1)
                    planned += 1
                    // Only run a few: running is the slow part, and planning already checks every shape.
                    if planned % 16 == 1 {
                        let inputs = interpreter.inputShapes.map { Tensor(shape: $0) }
                        let outputs = try interpreter.run(inputs)
                        #expect(outputs.map(\.shape) == interpreter.outputShapes)
                        ran += 1
                    }
                } catch is TFLiteError {
                    thrown += 1
                }
            }
        }
        print("tflite fuzz: \(total) mutations, \(thrown) threw, \(planned) planned, \(ran) ran")
        #expect(total >= 1000, "only \(total) mutations in the time budget")
        #expect(thrown > total / 10, "\(thrown) of \(total) mutations threw; the fuzzer is not reaching the parser")
        #expect(planned > 0 && ran > 0)
        #expect(Date().timeIntervalSince(start) < 20)
    }

    @Test func emptyAndTinyInputsThrow() {
        for bytes: [UInt8] in [[], [0], [0, 0, 0, 0], Array(repeating: 0xFF, count: 64), [12, 0, 0, 0, 84, 70, 76, 51]] {
            #expect(throws: TFLiteError.self) { try TFLiteModel(data: bytes) }
        }
    }
}

/// Well-formed files whose graphs are nonsense must be rejected at planning time, not trap at run time.
struct TFLiteNonsenseGraphTests {
    static func le32(_ v: [Int32]) -> [UInt8] {
        v.flatMap { x in (0..<4).map { UInt8(truncatingIfNeeded: UInt32(bitPattern: x) >> (8 * UInt32($0))) } }
    }

    /// Replaces the first occurrence of the shape vector `old` (length-prefixed int32s) by `new`.
    static func patchShape(_ bytes: [UInt8], _ old: [Int32], _ new: [Int32]) -> [UInt8]? {
        let needle = le32([Int32(old.count)] + old)
        guard let i = (0...(bytes.count - needle.count)).first(where: { bytes[$0..<($0 + needle.count)].elementsEqual(needle) })
        else { return nil }
        var b = bytes
        b.replaceSubrange(i..<(i + needle.count), with: le32([Int32(new.count)] + new))
        return b
    }

    @Test(arguments: [[1, 120, 128, 3], [1, 128, 128, 4], [1, 128, 128, 0], [1, 128, 128, -3], [1, 1 << 20, 1 << 20, 3]])
    func changedInputShapeIsRejected(shape: [Int32]) throws {
        let original = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_detection_short_range.tflite"))
        let patched = try #require(Self.patchShape(original.bytes, [1, 128, 128, 3], shape))
        let model = try TFLiteModel(data: patched)
        #expect(model.tensors[0].shape == shape.map(Int.init))
        #expect(throws: TFLiteError.self) { try Interpreter(model: model, threads: 1) }
    }

    /// 127 rows still give 64 rows after the first stride-2 SAME conv, so this edited file is a valid
    /// graph: it must plan and run, with the declared output shapes.
    @Test func oddInputHeightStillConsistentRuns() throws {
        let original = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_detection_short_range.tflite"))
        let patched = try #require(Self.patchShape(original.bytes, [1, 128, 128, 3], [1, 127, 128, 3]))
        let interp = try Interpreter(model: TFLiteModel(data: patched), threads: 2)
        let out = try interp.run([Tensor(shape: [1, 127, 128, 3])])
        #expect(out.map(\.shape) == [[1, 896, 16], [1, 896, 1]])
    }
}
