import Foundation
import Imaging
import Neural

/// The PyTorch-tutorial DCGAN face generator (z ∈ R^100 → 64×64 RGB) from `models/dcgan-faces-64.safetensors`.
///
/// Layers mirror the file's names: `main.0` ConvTranspose 100→512 (4×4, stride 1, pad 0) + BN `main.1` + ReLU,
/// `main.3/6/9` ConvTranspose (4×4, stride 2, pad 1) + BN `main.4/7/10` + ReLU, `main.12` ConvTranspose 64→3 + Tanh.
/// BatchNorm is folded into the convolutions at load time. Decoding is batched: one GEMM per layer per batch.
public struct DCGANFaceGenerator: LatentGenerator {
    /// Registry name.
    public let name = "dcgan-faces-64"
    /// z has 100 values.
    public let latentSize = 100
    /// 64×64 output.
    public let nativeSize = (width: 64, height: 64)
    /// Largest batch decoded in one pass (bounds scratch memory to ~35 MB).
    public var maxBatch = 32
    /// The five layers, in order.
    public let layers: [ConvTranspose2D]

    /// Loads the generator from a `.safetensors` file.
    /// - Throws: `SafeTensorsError` for a malformed file or missing tensor, `ConvTransposeError` or
    ///   `GenerationError.modelMismatch` if shapes differ from the DCGAN architecture.
    public init(contentsOf url: URL) throws {
        try self.init(SafeTensors(contentsOf: url))
    }

    /// Builds the generator from parsed tensors.
    /// - Throws: as `init(contentsOf:)`.
    public init(_ st: SafeTensors) throws {
        let spec: [(conv: String, bn: String?, cin: Int, cout: Int, stride: Int, pad: Int)] = [
            ("main.0", "main.1", 100, 512, 1, 0), ("main.3", "main.4", 512, 256, 2, 1),
            ("main.6", "main.7", 256, 128, 2, 1), ("main.9", "main.10", 128, 64, 2, 1),
            ("main.12", nil, 64, 3, 2, 1),
        ]
        var layers: [ConvTranspose2D] = []
        for l in spec {
            let w = try st.tensor(l.conv + ".weight")
            guard w.shape == [l.cin, l.cout, 4, 4] else {
                throw GenerationError.modelMismatch("\(l.conv).weight has shape \(w.shape), expected [\(l.cin), \(l.cout), 4, 4]")
            }
            var conv = try ConvTranspose2D(pytorchWeight: w, stride: l.stride, padding: l.pad)
            if let bn = l.bn {
                try conv.foldBatchNorm(gamma: st.floats(bn + ".weight"), beta: st.floats(bn + ".bias"),
                                       mean: st.floats(bn + ".running_mean"), variance: st.floats(bn + ".running_var"),
                                       eps: 1e-5)
            }
            layers.append(conv)
        }
        self.layers = layers
    }

    /// Decodes latents into 64×64 sRGB images in 0...1.
    /// - Throws: `GenerationError.badLatent` if a latent is not 100 finite values.
    public func decode(_ latents: [[Float]]) throws -> [Image] {
        var flat = [Float]()
        flat.reserveCapacity(latents.count * latentSize)
        for (i, z) in latents.enumerated() {
            guard z.count == latentSize else { throw GenerationError.badLatent("latent \(i) has \(z.count) values, expected \(latentSize)") }
            guard z.allSatisfy({ $0.isFinite }) else { throw GenerationError.badLatent("latent \(i) has non-finite values") }
            flat += z
        }
        let pixels = decodeRaw(flat, count: latents.count)
        let per = 64 * 64 * 3
        return (0..<latents.count).map { i in
            Image(width: 64, height: 64, channels: 3, data: Array(pixels[(i * per)..<((i + 1) * per)]))
        }
    }

    /// Decodes `count` latents stored back to back into NHWC pixels in 0...1 ([count, 64, 64, 3]).
    /// The caller guarantees `flat.count == count * latentSize`.
    public func decodeRaw(_ flat: [Float], count: Int) -> [Float] {
        precondition(flat.count == count * latentSize)
        let per = 64 * 64 * 3
        var out = [Float](repeating: 0, count: count * per)
        let b = max(1, min(maxBatch, count))
        // Ping-pong activations and one scratch, sized for the largest layer at batch b.
        var sizes = [(h: 1, w: 1)]
        for l in layers { let s = l.outputSize(height: sizes.last!.h, width: sizes.last!.w); sizes.append((s.height, s.width)) }
        let actMax = zip(layers, sizes.dropFirst()).map { b * $1.h * $1.w * $0.outChannels }.max()!
        let scratchMax = zip(layers, sizes).map { $0.scratchCount(batch: b, height: $1.h, width: $1.w) }.max()!
        var bufA = [Float](repeating: 0, count: actMax)
        var bufB = [Float](repeating: 0, count: actMax)
        var scratch = [Float](repeating: 0, count: scratchMax)
        flat.withUnsafeBufferPointer { zp in
            out.withUnsafeMutableBufferPointer { op in
                bufA.withUnsafeMutableBufferPointer { ap in
                    bufB.withUnsafeMutableBufferPointer { bp in
                        scratch.withUnsafeMutableBufferPointer { sp in
                            var start = 0
                            while start < count {
                                let nb = min(b, count - start)
                                var src = UnsafePointer(zp.baseAddress! + start * latentSize)
                                var bufs = (ap.baseAddress!, bp.baseAddress!)
                                for (li, layer) in layers.enumerated() {
                                    let last = li == layers.count - 1
                                    let dst = last ? op.baseAddress! + start * per : bufs.0
                                    layer.forward(input: src, batch: nb, height: sizes[li].h, width: sizes[li].w,
                                                  output: dst, scratch: sp.baseAddress!, activation: last ? .tanh : .relu)
                                    src = UnsafePointer(dst)
                                    bufs = (bufs.1, bufs.0)
                                }
                                start += nb
                            }
                        }
                    }
                }
            }
        }
        out.withUnsafeMutableBufferPointer { op in
            for i in 0..<op.count { op[i] = op[i] * 0.5 + 0.5 }
        }
        return out
    }
}
