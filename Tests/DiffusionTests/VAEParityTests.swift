import Foundation
import Neural
import Testing
@testable import Diffusion

/// AutoencoderKL decode and encode against diffusers 0.42.1 on the same fp16-rounded weights.
/// Tolerance: max |ours − diffusers| ≤ 1e-3 × max |diffusers| for images, mean and logvar.
@Suite struct VAEParityTests {
    static let tolerance: Float = 1e-3

    func vae(config: VAEConfig? = nil) throws -> (AutoencoderKL, NetsFixture) {
        let fixture = try NetsFixture("vae")
        let cfg = try config ?? JSONDecoder().decode(VAEConfig.self, from: fixture.configJSON)
        return (try AutoencoderKL(config: cfg, weights: fixture.weights, threads: ComputeThreads(threads: 2)), fixture)
    }

    @Test func decode() throws {
        let (vae, fixture) = try vae()
        let images = try vae.decode(fixture.input("latents"))
        let error = relativeMaxError(images, try fixture.output("decoded"))
        #expect(error <= Self.tolerance)
    }

    @Test func encode() throws {
        let (vae, fixture) = try vae()
        let (mean, logvar) = try vae.encode(fixture.input("images"))
        let meanError = relativeMaxError(mean, try fixture.output("mean"))
        let logvarError = relativeMaxError(logvar, try fixture.output("logvar"))
        #expect(meanError <= Self.tolerance)
        #expect(logvarError <= Self.tolerance)
    }

    @Test func configInferredFromShapes() throws {
        let fixture = try NetsFixture("vae")
        let inferred = try VAEConfig.inferred(from: fixture.weights)
        #expect(inferred == (try JSONDecoder().decode(VAEConfig.self, from: fixture.configJSON)))
        let (vae, _) = try vae(config: inferred)
        let error = relativeMaxError(try vae.decode(fixture.input("latents")), try fixture.output("decoded"))
        #expect(error <= Self.tolerance)
    }

    @Test func decoderOnlyAndBadInputs() throws {
        let fixture = try NetsFixture("vae")
        let cfg = try JSONDecoder().decode(VAEConfig.self, from: fixture.configJSON)
        let decoderOnly = try AutoencoderKL(config: cfg, weights: fixture.weights, threads: ComputeThreads(threads: 1), parts: [.decoder])
        #expect(throws: DiffusionError.self) { _ = try decoderOnly.encode(fixture.input("images")) }
        #expect(throws: DiffusionError.self) { _ = try decoderOnly.decode(Tensor(shape: [1, 3, 8, 8])) }
        let (vae, _) = try vae()
        #expect(throws: DiffusionError.self) { _ = try vae.encode(Tensor(shape: [1, 3, 15, 16])) }
        let missing = AlteredWeights(base: fixture.weights, hidden: "decoder.mid_block.attentions.0.to_v.weight", reshaped: nil)
        #expect(throws: DiffusionError.missingTensor("decoder.mid_block.attentions.0.to_v.weight")) {
            _ = try AutoencoderKL(config: cfg, weights: missing, threads: ComputeThreads(threads: 1))
        }
    }
}
