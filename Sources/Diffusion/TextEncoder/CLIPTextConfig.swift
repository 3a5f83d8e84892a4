import Foundation

/// The settings of a CLIP text transformer, as transformers' `CLIPTextConfig` writes them to `config.json`.
public struct CLIPTextConfig: Sendable, Equatable, Decodable {
    /// Width of the token embeddings and of the residual stream.
    public var hiddenSize: Int
    /// Width of the MLP's hidden layer.
    public var intermediateSize: Int
    /// Attention heads per layer.
    public var numAttentionHeads: Int
    /// Transformer layers actually run (a diffusers SD2 `text_encoder/` already holds only the 23 it uses).
    public var numHiddenLayers: Int
    /// `quick_gelu` (OpenAI CLIP, SD1) or `gelu` (OpenCLIP, SD2).
    public var hiddenAct: String
    /// Layer-norm epsilon.
    public var layerNormEps: Float
    /// Length of the positional table (77).
    public var maxPositionEmbeddings: Int
    /// Rows of the token embedding.
    public var vocabSize: Int

    enum CodingKeys: String, CodingKey {
        case hiddenSize = "hidden_size", intermediateSize = "intermediate_size", numAttentionHeads = "num_attention_heads"
        case numHiddenLayers = "num_hidden_layers", hiddenAct = "hidden_act", layerNormEps = "layer_norm_eps"
        case maxPositionEmbeddings = "max_position_embeddings", vocabSize = "vocab_size"
    }

    /// A config with every field given.
    public init(hiddenSize: Int, intermediateSize: Int, numAttentionHeads: Int, numHiddenLayers: Int, hiddenAct: String,
                layerNormEps: Float = 1e-5, maxPositionEmbeddings: Int = 77, vocabSize: Int) {
        self.hiddenSize = hiddenSize; self.intermediateSize = intermediateSize; self.numAttentionHeads = numAttentionHeads
        self.numHiddenLayers = numHiddenLayers; self.hiddenAct = hiddenAct; self.layerNormEps = layerNormEps
        self.maxPositionEmbeddings = maxPositionEmbeddings; self.vocabSize = vocabSize
    }

    /// Decodes `config.json`, with transformers' defaults for absent keys.
    /// - Throws: `DecodingError` for wrongly typed values.
    public init(from decoder: Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        hiddenSize = try c.decodeIfPresent(Int.self, forKey: .hiddenSize) ?? 512
        intermediateSize = try c.decodeIfPresent(Int.self, forKey: .intermediateSize) ?? 2048
        numAttentionHeads = try c.decodeIfPresent(Int.self, forKey: .numAttentionHeads) ?? 8
        numHiddenLayers = try c.decodeIfPresent(Int.self, forKey: .numHiddenLayers) ?? 12
        hiddenAct = try c.decodeIfPresent(String.self, forKey: .hiddenAct) ?? "quick_gelu"
        layerNormEps = try c.decodeIfPresent(Float.self, forKey: .layerNormEps) ?? 1e-5
        maxPositionEmbeddings = try c.decodeIfPresent(Int.self, forKey: .maxPositionEmbeddings) ?? 77
        vocabSize = try c.decodeIfPresent(Int.self, forKey: .vocabSize) ?? 49408
    }

    /// Reads a `config.json` file.
    /// - Throws: `DiffusionError.badConfig` naming the file when it is unreadable.
    public init(contentsOf url: URL) throws {
        do { self = try JSONDecoder().decode(CLIPTextConfig.self, from: Data(contentsOf: url)) } catch {
            throw DiffusionError.badConfig("\(url.path): \(error)")
        }
    }

    /// The config implied by tensor shapes (single-file checkpoints carry none): CLIP and OpenCLIP use 64-wide heads.
    /// - Throws: `DiffusionError.missingTensor` when the embeddings or first MLP are absent.
    public static func inferred(from w: any WeightSource, layers: Int, activation: String) throws -> CLIPTextConfig {
        guard let tok = w.shape(of: "embeddings.token_embedding.weight"), tok.count == 2 else {
            throw DiffusionError.missingTensor("embeddings.token_embedding.weight")
        }
        guard let pos = w.shape(of: "embeddings.position_embedding.weight"), pos.count == 2 else {
            throw DiffusionError.missingTensor("embeddings.position_embedding.weight")
        }
        guard let fc1 = w.shape(of: "encoder.layers.0.mlp.fc1.weight"), fc1.count == 2 else {
            throw DiffusionError.missingTensor("encoder.layers.0.mlp.fc1.weight")
        }
        return CLIPTextConfig(hiddenSize: tok[1], intermediateSize: fc1[0], numAttentionHeads: max(1, tok[1] / 64),
                              numHiddenLayers: layers, hiddenAct: activation, maxPositionEmbeddings: pos[0], vocabSize: tok[0])
    }

    /// Checks the config against the weights' shapes so a mismatch is one line, not a crash.
    /// - Throws: `DiffusionError.badShape`, `.missingTensor` or `.badConfig`.
    public func validate(_ w: any WeightSource) throws {
        guard hiddenSize > 0, numAttentionHeads > 0, hiddenSize % numAttentionHeads == 0 else {
            throw DiffusionError.badConfig("text encoder hidden_size \(hiddenSize) is not a multiple of \(numAttentionHeads) heads")
        }
        guard hiddenAct == "quick_gelu" || hiddenAct == "gelu" else {
            throw DiffusionError.badConfig("text encoder activation \(hiddenAct) is not quick_gelu or gelu")
        }
        let d = hiddenSize, f = intermediateSize
        var want: [(String, [Int])] = [("embeddings.token_embedding.weight", [vocabSize, d]),
                                       ("embeddings.position_embedding.weight", [maxPositionEmbeddings, d]),
                                       ("final_layer_norm.weight", [d]), ("final_layer_norm.bias", [d])]
        for i in 0..<numHiddenLayers {
            let l = "encoder.layers.\(i)."
            for p in ["q_proj", "k_proj", "v_proj", "out_proj"] {
                want += [(l + "self_attn.\(p).weight", [d, d]), (l + "self_attn.\(p).bias", [d])]
            }
            want += [(l + "layer_norm1.weight", [d]), (l + "layer_norm1.bias", [d]), (l + "layer_norm2.weight", [d]),
                     (l + "layer_norm2.bias", [d]), (l + "mlp.fc1.weight", [f, d]), (l + "mlp.fc1.bias", [f]),
                     (l + "mlp.fc2.weight", [d, f]), (l + "mlp.fc2.bias", [d])]
        }
        for (n, s) in want {
            guard let got = w.shape(of: n) else { throw DiffusionError.missingTensor("text_encoder " + n) }
            guard got == s else { throw DiffusionError.badShape("text_encoder " + n, expected: s, got: got) }
        }
    }
}
