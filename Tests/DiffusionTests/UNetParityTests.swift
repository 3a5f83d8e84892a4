import Foundation
import Neural
import Testing
@testable import Diffusion

/// One UNet call against diffusers 0.42.1 (float32 CPU reference on the same fp16-rounded weights).
/// Tolerance: max |ours − diffusers| ≤ 1e-3 × max |diffusers|.
@Suite struct UNetParityTests {
    static let tolerance: Float = 1e-3

    func run(_ name: String, config: UNetConfig? = nil, threads: Int = 2) throws -> Float {
        let fixture = try NetsFixture(name)
        let cfg = try config ?? JSONDecoder().decode(UNetConfig.self, from: fixture.configJSON)
        let unet = try UNet2DCondition(config: cfg, weights: fixture.weights, threads: ComputeThreads(threads: threads))
        let t = try fixture.input("timestep").data[0]
        let out = try unet(fixture.input("sample"), timestep: t, encoderHiddenStates: fixture.input("encoder_hidden_states"))
        return relativeMaxError(out, try fixture.output("sample"))
    }

    @Test func sd1LikeConvProjection() throws {
        let error = try run("unet-sd1")
        #expect(error <= Self.tolerance)
    }

    @Test func sd1LikeOneThread() throws {
        let error = try run("unet-sd1", threads: 1)
        #expect(error <= Self.tolerance)
    }

    @Test func sd2LikeLinearProjectionPerBlockHeads() throws {
        let fixture = try NetsFixture("unet-sd2")
        let cfg = try JSONDecoder().decode(UNetConfig.self, from: fixture.configJSON)
        // The config exercises what SD2-style files set: per-block head counts, linear projections,
        // per-block layer lists, transformer depth 2, only_cross_attention in block 0.
        #expect(cfg.attentionHeads == [2, 4, 3])
        #expect(cfg.useLinearProjection)
        #expect(cfg.layersPerBlock == [1, 2, 1])
        #expect(cfg.transformerLayersPerBlock == [1, 2, 1])
        #expect(cfg.onlyCrossAttention == [true, false, false])
        let error = try run("unet-sd2", config: cfg)
        #expect(error <= Self.tolerance)
    }

    @Test func configInferredFromShapesOnly() throws {
        let fixture = try NetsFixture("unet-inferred")
        let inferred = try UNetConfig.inferred(from: fixture.weights)
        let declared = try JSONDecoder().decode(UNetConfig.self, from: fixture.configJSON)
        #expect(inferred == declared)
        let error = try run("unet-inferred", config: inferred)
        #expect(error <= Self.tolerance)
    }

    @Test func inferenceMatchesDeclaredSD1Shapes() throws {
        // Everything but the head count and norm groups (not in the shapes) comes back from the SD1 fixture.
        let fixture = try NetsFixture("unet-sd1")
        var inferred = try UNetConfig.inferred(from: fixture.weights)
        let declared = try JSONDecoder().decode(UNetConfig.self, from: fixture.configJSON)
        inferred.attentionHeads = declared.attentionHeads
        inferred.normNumGroups = declared.normNumGroups
        #expect(inferred == declared)
    }
}

/// Bad weights and inputs are one-line errors, never traps.
@Suite struct UNetErrorTests {
    func build(_ weights: any WeightSource, json: Data? = nil) throws {
        let fixture = try NetsFixture("unet-sd1")
        let cfg = try JSONDecoder().decode(UNetConfig.self, from: json ?? fixture.configJSON)
        _ = try UNet2DCondition(config: cfg, weights: weights, threads: ComputeThreads(threads: 1))
    }

    @Test func missingTensorIsNamed() throws {
        let w = AlteredWeights(base: try NetsFixture("unet-sd1").weights, hidden: "up_blocks.1.attentions.0.proj_out.weight", reshaped: nil)
        #expect(throws: DiffusionError.missingTensor("up_blocks.1.attentions.0.proj_out.weight")) { try build(w) }
    }

    @Test func wrongShapeIsNamed() throws {
        let w = AlteredWeights(base: try NetsFixture("unet-sd1").weights, hidden: nil,
                               reshaped: ("mid_block.resnets.1.conv2.weight", [32, 32, 1, 1]))
        #expect(throws: DiffusionError.badShape("mid_block.resnets.1.conv2.weight", expected: [32, 32, 3, 3], got: [32, 32, 1, 1])) {
            try build(w)
        }
    }

    @Test func unsupportedConfigKey() throws {
        let json = Data(#"{"block_out_channels": [16, 32], "time_cond_proj_dim": 256}"#.utf8)
        #expect(throws: DiffusionError.self) { _ = try JSONDecoder().decode(UNetConfig.self, from: json) }
        let bad = Data(#"{"block_out_channels": [16, 32], "down_block_types": ["SimpleCrossAttnDownBlock2D", "DownBlock2D"], "up_block_types": ["UpBlock2D", "CrossAttnUpBlock2D"]}"#.utf8)
        #expect(throws: DiffusionError.self) { try build(try NetsFixture("unet-sd1").weights, json: bad) }
    }

    @Test func badInputShapes() throws {
        let fixture = try NetsFixture("unet-sd1")
        let cfg = try JSONDecoder().decode(UNetConfig.self, from: fixture.configJSON)
        let unet = try UNet2DCondition(config: cfg, weights: fixture.weights, threads: ComputeThreads(threads: 1))
        let ctx = try fixture.input("encoder_hidden_states")
        #expect(throws: DiffusionError.self) { _ = try unet(Tensor(shape: [2, 4, 15, 16]), timestep: 1, encoderHiddenStates: ctx) }
        #expect(throws: DiffusionError.self) { _ = try unet(Tensor(shape: [2, 3, 16, 16]), timestep: 1, encoderHiddenStates: ctx) }
        #expect(throws: DiffusionError.self) { _ = try unet(Tensor(shape: [2, 4, 16, 16]), timestep: 1, encoderHiddenStates: Tensor(shape: [2, 7, 5])) }
    }
}
