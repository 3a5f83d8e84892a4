import Foundation
import Testing
@testable import Neural

/// The reader against facts about the real models (counted independently with the `tflite` Python package).
struct TFLiteReaderTests {
    static func opCounts(_ m: TFLiteModel) -> [Int32: Int] {
        m.operators.reduce(into: [:]) { $0[$1.code, default: 0] += 1 }
    }

    @Test func shortRangeGraph() throws {
        let m = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_detection_short_range.tflite"))
        #expect(m.version == 3)
        #expect(m.tensors.count == 250 && m.operators.count == 164 && m.buffers.count == 88)
        #expect(Self.opCounts(m) == [6: 74, 3: 21, 19: 17, 4: 16, 0: 16, 34: 11, 22: 4, 17: 3, 2: 2])
        #expect(m.inputs == [0] && m.outputs == [175, 174])
        #expect(m.tensors[0].name == "input" && m.tensors[0].shape == [1, 128, 128, 3])
        #expect(m.tensors[175].name == "regressors" && m.tensors[175].shape == [1, 896, 16])
        #expect(m.tensors.filter { $0.type == .float16 }.count == 74)
        // Operator 2: the first CONV_2D, 5×5 stride 2 SAME.
        let conv = m.operators[2]
        #expect(conv.code == 3)
        guard case let .conv(o) = conv.options else { Issue.record("no conv options"); return }
        #expect(o.padding == .same && o.strideW == 2 && o.strideH == 2 && o.dilationW == 1 && o.activation == FusedActivation.none)
        #expect(m.tensors[conv.inputs[1]].shape == [24, 5, 5, 3])
        guard case let .concatenation(axis, _) = m.operators[162].options else { Issue.record("no concat options"); return }
        #expect(axis == 1)
    }

    @Test func fullRangeAndMeshGraphs() throws {
        let full = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_detection_full_range.tflite"))
        #expect(Self.opCounts(full) == [6: 178, 3: 49, 19: 47, 4: 40, 0: 23, 34: 8, 17: 4, 23: 3, 22: 2])
        guard case let .resizeBilinear(align, half) = full.operators[249].options else { Issue.record("no resize options"); return }
        #expect(!align && half)
        let mesh = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_landmark.tflite"))
        #expect(Self.opCounts(mesh) == [3: 25, 54: 23, 4: 20, 0: 20, 17: 6, 34: 3])
        #expect(mesh.outputs == [213, 210] && mesh.tensors[213].shape == [1, 1, 1, 1404])
        guard case let .pool(p) = mesh.operators[11].options else { Issue.record("no pool options"); return }
        #expect(p.padding == .valid && p.filterW == 2 && p.strideH == 2)
    }

    @Test func interpreterShapesAndArenaReuse() throws {
        let m = try TFLiteModel(contentsOf: ModelLocator.url(named: "face_landmark.tflite"))
        let interp = try Interpreter(model: m, threads: 2)
        #expect(interp.inputShapes == [[1, 192, 192, 3]])
        #expect(interp.outputShapes == [[1, 1, 1, 1404], [1, 1, 1, 1]])
        // Without reuse the activations would need the sum of all tensor sizes.
        let naive = m.tensors.filter { $0.buffer == 0 }.reduce(0) { $0 + $1.shape.reduce(1, *) }
        #expect(interp.arenaFloats < naive / 4, "arena \(interp.arenaFloats) vs naive \(naive)")
        #expect(throws: TFLiteError.self) { try interp.run([Tensor(shape: [1, 128, 128, 3])]) }
        #expect(throws: TFLiteError.self) { try interp.run([]) }
    }

    @Test func float16Conversion() {
        #expect(float16BitsToFloat(0x3C00) == 1)
        #expect(float16BitsToFloat(0xC000) == -2)
        #expect(float16BitsToFloat(0x7BFF) == 65504)
        #expect(float16BitsToFloat(0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(float16BitsToFloat(0x7C00) == .infinity)
        #expect(float16BitsToFloat(0x7E00).isNaN)
        #expect(float16BitsToFloat(0x8000).sign == .minus)
    }
}
