import Foundation
import Synchronization
import Testing
@testable import Neural

/// The conv epilogue's fused residual (ADD, channel PAD, activations, PRELU) against direct loops,
/// the graph-level fusion on the face models, and the worker team's chunk bookkeeping.
/// Tolerance: 1e-4 max abs error.
struct FusionAndTeamTests {
    @Test(arguments: [1, 3], [1, 2])
    func convEpilogueAddsPartialResidual(k: Int, threads: Int) throws {
        var rng = SplitMix64(state: UInt64(31 + k))
        let (h, w, c, oc, rc) = (11, 9, 7, 21, 13) // residual covers 13 of 21 channels (a fused PAD)
        let g = try KernelTests.geometry(h: h, w: w, c: c, oc: oc, k: k, stride: 1, dilation: 1, padding: .same)
        let x = KernelTests.random(h * w * c, &rng), wt = KernelTests.random(oc * k * k * c, &rng)
        let b = KernelTests.random(oc, &rng), res = KernelTests.random(g.outH * g.outW * rc, &rng)
        let alpha = (0..<oc).map { Float($0) / 10 - 1 }
        var kernel = Conv2DKernel(geometry: g, activation: .relu)
        kernel.residualChannels = rc
        kernel.residualActivation = .reluN1To1
        let packedW = PackedGemm.pack(filter: wt[...], n: oc, k: k * k * c)
        let packedB = PackedGemm.paddedBias(b[...], n: oc), packedA = PackedGemm.paddedBias(alpha[...], n: oc)
        let scratch = (0..<threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(kernel.scratchFloats, 1)) }
        defer { scratch.forEach { $0.deallocate() } }
        var out = [Float](repeating: .nan, count: g.outH * g.outW * oc)
        x.withUnsafeBufferPointer { xp in wt.withUnsafeBufferPointer { wp in res.withUnsafeBufferPointer { rp in
            packedW.withUnsafeBufferPointer { pw in packedB.withUnsafeBufferPointer { pb in packedA.withUnsafeBufferPointer { pa in
                out.withUnsafeMutableBufferPointer { op in
                    kernel.run(input: xp.baseAddress!, filter: wp.baseAddress!, bias: nil,
                               packedWeights: pw.baseAddress!, packedBias: pb.baseAddress!, preluAlpha: pa.baseAddress!,
                               residual: rp.baseAddress!, output: op.baseAddress!, scratch: scratch,
                               team: WorkerTeam(threads: threads))
                }}}}}}}
        // naiveConv applies RELU; then + residual (zero beyond rc), RELU_N1_TO_1, PRELU.
        let conv = KernelTests.naiveConv(g, x, wt, b, depthwise: false)
        let expected = conv.indices.map { i -> Float in
            let p = i / oc, ch = i % oc
            let sum = min(max(conv[i] + (ch < rc ? res[p * rc + ch] : 0), -1), 1)
            return sum < 0 ? sum * alpha[ch] : sum
        }
        #expect(KernelTests.maxErr(out, expected) < 1e-4)
    }

    /// BlazeFace's PAD + ADD + RELU and FaceMesh's ADD + PRELU run inside the convs (parity with
    /// LiteRT for the fused graphs is checked by `TFLiteParityTests`).
    @Test func faceModelsFuseResidualBlocks() throws {
        for name in ["face_detection_short_range.tflite", "face_landmark.tflite"] {
            let interp = try Interpreter(model: TFLiteModel(contentsOf: ModelLocator.url(named: name)), threads: 1)
            let labels = interp.steps.map(\.label)
            #expect(!labels.contains { $0.hasPrefix("PAD") }, "\(name): \(labels)")
            #expect(labels.filter { $0.hasPrefix("ADD") || $0.hasPrefix("PRELU") }.count <= 6, "\(name): \(labels)")
        }
    }

    @Test(arguments: [1, 2, 3])
    func teamRunsEveryChunkOnce(threads: Int) {
        let team = WorkerTeam(threads: threads)
        for count in [1, 5, 97, 1000] {
            // Pieces are disjoint by contract, so plain per-item counters suffice.
            let hits = UnsafeMutableBufferPointer<Int>.allocate(capacity: count)
            hits.initialize(repeating: 0)
            defer { hits.deallocate() }
            let badIndex = Atomic<Int>(0)
            for round in 0..<50 {
                team.run(count, chunks: 2 + round % 9, align: 6) { idx, range in
                    if idx < 0 || idx >= threads { badIndex.add(1, ordering: .relaxed) }
                    for i in range { hits[i] += 1 }
                }
            }
            #expect(hits.allSatisfy { $0 == 50 })
            #expect(badIndex.load(ordering: .relaxed) == 0)
        }
    }
}
