import Foundation

/// The samplers Kinema runs, named as `--scheduler` spells them.
public enum SchedulerKind: String, Sendable, CaseIterable {
    /// PNDM in its PLMS form (SD 1.5's own scheduler).
    case pndm
    /// Euler (Karras et al. 2022, Algorithm 2 without churn).
    case euler
    /// Euler ancestral (SD-Turbo's, with trailing spacing).
    case eulerAncestral = "euler-a"
    /// DDIM with η = 0.
    case ddim
    /// DPM-Solver++ 2M with Karras sigmas.
    case dpmpp2m = "dpmpp-2m"
    /// Latent consistency model sampling.
    case lcm

    /// The diffusers class that this kind reproduces.
    public var diffusersClass: String {
        switch self {
        case .pndm: return "PNDMScheduler"
        case .euler: return "EulerDiscreteScheduler"
        case .eulerAncestral: return "EulerAncestralDiscreteScheduler"
        case .ddim: return "DDIMScheduler"
        case .dpmpp2m: return "DPMSolverMultistepScheduler"
        case .lcm: return "LCMScheduler"
        }
    }

    /// Parses a `--scheduler` value.
    /// - Throws: `DiffusionError.unsupportedScheduler` naming the accepted values.
    public init(option: String) throws {
        guard let k = SchedulerKind(rawValue: option.lowercased()) else {
            throw DiffusionError.unsupportedScheduler("unknown scheduler '\(option)'; use --scheduler \(Self.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        self = k
    }
}

/// What the model predicts.
public enum PredictionType: String, Sendable {
    /// The added noise (SD 1.x, SD 2.x base, SD-Turbo).
    case epsilon
    /// v = α·ε − σ·x₀ (SD 2.x 768-v).
    case v = "v_prediction"

    /// Parses a `--prediction` value (`epsilon` or `v`).
    /// - Throws: `DiffusionError.badOption`.
    public init(option: String) throws {
        switch option.lowercased() {
        case "epsilon", "eps": self = .epsilon
        case "v", "v_prediction", "v-prediction": self = .v
        default: throw DiffusionError.badOption("unknown prediction '\(option)'; use --prediction epsilon|v")
        }
    }
}

/// `scheduler_config.json` as diffusers writes it. Absent keys take the chosen class's own defaults, which is
/// what diffusers' `Scheduler.from_config(other.config)` does when a pipeline switches schedulers.
public struct SchedulerConfig: Sendable, Decodable, Equatable {
    /// `_class_name`.
    public var className: String?
    var numTrainTimesteps: Int?
    var betaStart: Double?, betaEnd: Double?
    var betaSchedule: String?
    var predictionType: String?
    var timestepSpacing: String?
    var stepsOffset: Int?
    var setAlphaToOne: Bool?
    var skipPrkSteps: Bool?
    var clipSample: Bool?
    var useKarrasSigmas: Bool?
    var solverOrder: Int?
    var algorithmType: String?
    var originalInferenceSteps: Int?
    var timestepScaling: Double?
    var rescaleBetasZeroSnr: Bool?
    var thresholding: Bool?

    enum CodingKeys: String, CodingKey {
        case className = "_class_name", numTrainTimesteps = "num_train_timesteps", betaStart = "beta_start", betaEnd = "beta_end"
        case betaSchedule = "beta_schedule", predictionType = "prediction_type", timestepSpacing = "timestep_spacing"
        case stepsOffset = "steps_offset", setAlphaToOne = "set_alpha_to_one", skipPrkSteps = "skip_prk_steps"
        case clipSample = "clip_sample", useKarrasSigmas = "use_karras_sigmas", solverOrder = "solver_order"
        case algorithmType = "algorithm_type", originalInferenceSteps = "original_inference_steps"
        case timestepScaling = "timestep_scaling", rescaleBetasZeroSnr = "rescale_betas_zero_snr", thresholding
    }

    /// An empty config: every value is the class default (SD's betas are then diffusers' defaults, not SD's).
    public init() {}

    /// Stable Diffusion's training schedule (scaled-linear betas 0.00085 to 0.012 over 1000 steps), for single-file
    /// checkpoints that carry no scheduler config.
    public static let stableDiffusion: SchedulerConfig = {
        var c = SchedulerConfig()
        c.numTrainTimesteps = 1000; c.betaStart = 0.00085; c.betaEnd = 0.012; c.betaSchedule = "scaled_linear"
        c.stepsOffset = 1; c.setAlphaToOne = false; c.skipPrkSteps = true; c.clipSample = false; c.timestepSpacing = "leading"
        return c
    }()

    /// Reads `scheduler_config.json` bytes.
    /// - Throws: `DiffusionError.badConfig`.
    public init(json: Data) throws {
        do { self = try JSONDecoder().decode(SchedulerConfig.self, from: json) } catch {
            throw DiffusionError.badConfig("scheduler_config.json: \(error)")
        }
    }

    /// The kind the config's `_class_name` names.
    /// - Throws: `DiffusionError.unsupportedScheduler` naming the supported classes and `--scheduler`.
    public func kind() throws -> SchedulerKind {
        let name = className ?? "PNDMScheduler"
        guard let k = SchedulerKind.allCases.first(where: { $0.diffusersClass == name }) else {
            throw DiffusionError.unsupportedScheduler("scheduler \(name) is not supported (supported: \(SchedulerKind.allCases.map(\.diffusersClass).joined(separator: ", "))); choose one with --scheduler \(SchedulerKind.allCases.map(\.rawValue).joined(separator: "|"))")
        }
        return k
    }
}
