import Foundation
import Testing
@testable import Neural

/// Raw outputs of our runtime against LiteRT's on real inputs (see Fixtures/README.md).
/// Tolerances: max abs error ≤ 1e-3 on scores/logits; ≤ 0.05 px on coordinates (model input space).
struct TFLiteParityTests {
    static func maxAbsError(_ a: Tensor, _ b: Tensor) -> Float {
        zip(a.data, b.data).reduce(0) { max($0, abs($1.0 - $1.1)) }
    }

    func check(_ name: String, threads: Int, coordinateOutputs: Set<Int>) throws {
        let fx = try TFLiteFixtures()
        let (input, modelName) = try fx.input(name)
        let model = try TFLiteModel(contentsOf: ModelLocator.url(named: modelName))
        let interpreter = try Interpreter(model: model, threads: threads)
        let outputs = try interpreter.run([input])
        #expect(outputs.count == interpreter.outputShapes.count)
        for (i, out) in outputs.enumerated() {
            let reference = try fx.floats("\(name)_output\(i)")
            #expect(out.shape == reference.shape)
            let err = Self.maxAbsError(out, reference)
            let tolerance: Float = coordinateOutputs.contains(i) ? 0.05 : 1e-3
            #expect(err <= tolerance, "\(name) output \(i) (\(threads) threads): max abs error \(err) > \(tolerance)")
        }
        // The plan is reused: a second run on the same input gives identical results.
        let again = try interpreter.run([input])
        #expect(again == outputs)
    }

    // Output 0 of the detectors holds box/keypoint regressions in pixels of the 128/192 input.
    @Test(arguments: [1, 2]) func blazeFaceShortRange(threads: Int) throws {
        try check("short", threads: threads, coordinateOutputs: [0])
    }

    @Test(arguments: [1, 2]) func blazeFaceFullRange(threads: Int) throws {
        try check("full", threads: threads, coordinateOutputs: [0])
    }

    @Test(arguments: [1, 2]) func faceMesh(threads: Int) throws {
        try check("mesh", threads: threads, coordinateOutputs: [0])
    }
}
