import Foundation
import Neural

/// CLIP's text transformer (OpenAI CLIP for SD1, OpenCLIP for SD2), run as transformers' `CLIPTextModel`:
/// token + position embeddings, pre-norm layers with causal self-attention and a quick-GELU or GELU MLP,
/// then the final layer norm. Its `last_hidden_state` is what Stable Diffusion conditions on.
///
/// Weights are read layer by layer from the source when `encode` runs, so fp16 checkpoints never hold a
/// float32 copy of the whole encoder.
public struct CLIPTextEncoder: Sendable {
    /// Architecture.
    public let config: CLIPTextConfig
    /// Tensors named as in `CLIPTextModel` without the `text_model.` prefix.
    public let weights: any WeightSource

    /// Checks the weights against the config.
    /// - Throws: `DiffusionError.badShape`, `.missingTensor` or `.badConfig`.
    public init(config: CLIPTextConfig, weights: any WeightSource) throws {
        try config.validate(weights)
        self.config = config
        self.weights = weights
    }

    /// Encodes token-id rows (each `maxPositionEmbeddings` long or shorter) into [N, seq, hidden].
    /// - Throws: `DiffusionError.badOption` for an id outside the vocabulary, or a weight-reading error.
    public func encode(_ batch: [[Int]]) throws -> Tensor {
        let d = config.hiddenSize, heads = config.numAttentionHeads, hd = d / heads
        guard let seq = batch.first?.count, seq > 0, seq <= config.maxPositionEmbeddings, batch.allSatisfy({ $0.count == seq }) else {
            throw DiffusionError.badOption("text encoder input must be rows of equal length ≤ \(config.maxPositionEmbeddings)")
        }
        let rows = batch.count * seq
        let tok = try weights.floats("embeddings.token_embedding.weight")
        let pos = try weights.floats("embeddings.position_embedding.weight")
        var x = [Float](repeating: 0, count: rows * d)
        for (n, ids) in batch.enumerated() {
            for (s, id) in ids.enumerated() {
                guard id >= 0, id < config.vocabSize else { throw DiffusionError.badOption("token id \(id) is outside the \(config.vocabSize)-token vocabulary") }
                let o = (n * seq + s) * d
                for i in 0..<d { x[o + i] = tok[id * d + i] + pos[s * d + i] }
            }
        }
        for l in 0..<config.numHiddenLayers {
            let p = "encoder.layers.\(l)."
            func w(_ n: String) throws -> [Float] { try weights.floats(p + n) }
            let h = TextMath.layerNorm(x, width: d, try w("layer_norm1.weight"), try w("layer_norm1.bias"), eps: config.layerNormEps)
            let q = TextMath.linear(h, rows: rows, inF: d, try w("self_attn.q_proj.weight"), try w("self_attn.q_proj.bias"), outF: d)
            let k = TextMath.linear(h, rows: rows, inF: d, try w("self_attn.k_proj.weight"), try w("self_attn.k_proj.bias"), outF: d)
            let v = TextMath.linear(h, rows: rows, inF: d, try w("self_attn.v_proj.weight"), try w("self_attn.v_proj.bias"), outF: d)
            let a = Self.causalAttention(q: q, k: k, v: v, batch: batch.count, seq: seq, heads: heads, headDim: hd)
            let o = TextMath.linear(a, rows: rows, inF: d, try w("self_attn.out_proj.weight"), try w("self_attn.out_proj.bias"), outF: d)
            for i in x.indices { x[i] += o[i] }
            let h2 = TextMath.layerNorm(x, width: d, try w("layer_norm2.weight"), try w("layer_norm2.bias"), eps: config.layerNormEps)
            var f = TextMath.linear(h2, rows: rows, inF: d, try w("mlp.fc1.weight"), try w("mlp.fc1.bias"), outF: config.intermediateSize)
            TextMath.activate(&f, config.hiddenAct)
            let m = TextMath.linear(f, rows: rows, inF: config.intermediateSize, try w("mlp.fc2.weight"), try w("mlp.fc2.bias"), outF: d)
            for i in x.indices { x[i] += m[i] }
        }
        x = TextMath.layerNorm(x, width: d, try weights.floats("final_layer_norm.weight"), try weights.floats("final_layer_norm.bias"),
                               eps: config.layerNormEps)
        return try Tensor(shape: [batch.count, seq, d], data: x)
    }

    /// softmax(q·kᵀ/√hd + causal mask)·v per sequence and head; q, k, v, result: [batch·seq, heads·hd].
    static func causalAttention(q: [Float], k: [Float], v: [Float], batch: Int, seq: Int, heads: Int, headDim: Int) -> [Float] {
        let d = heads * headDim
        let scale = 1 / Float(headDim).squareRoot()
        var out = [Float](repeating: 0, count: q.count)
        var scores = [Float](repeating: 0, count: seq)
        for n in 0..<batch {
            for h in 0..<heads {
                for i in 0..<seq {
                    let qo = (n * seq + i) * d + h * headDim
                    var mx = -Float.infinity
                    for j in 0...i {
                        let ko = (n * seq + j) * d + h * headDim
                        var s: Float = 0
                        for c in 0..<headDim { s += q[qo + c] * k[ko + c] }
                        scores[j] = s * scale
                        mx = max(mx, scores[j])
                    }
                    var sum: Float = 0
                    for j in 0...i { scores[j] = expf(scores[j] - mx); sum += scores[j] }
                    let inv = 1 / sum
                    for j in 0...i {
                        let vo = (n * seq + j) * d + h * headDim, wgt = scores[j] * inv
                        for c in 0..<headDim { out[qo + c] += wgt * v[vo + c] }
                    }
                }
            }
        }
        return out
    }
}
