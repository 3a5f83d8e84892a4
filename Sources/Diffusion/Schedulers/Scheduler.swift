import Foundation

/// One sampler configured for a number of steps, reproducing the diffusers class of the same name:
/// its timesteps, sigmas and update rule (see `Scheduler+Step.swift`). Samples are flat float arrays.
public struct Scheduler: Sendable {
    /// Which sampler.
    public let kind: SchedulerKind
    /// What the UNet predicts.
    public let prediction: PredictionType
    /// The UNet timestep of each step, first to last.
    public private(set) var timesteps: [Float] = []
    /// σ of each step plus a final one (sigma-based samplers only).
    public private(set) var sigmas: [Float] = []
    /// Cumulative ᾱ for each training timestep.
    let alphasCumprod: [Float]
    let finalAlphaCumprod: Float
    let trainSteps: Int
    let stepsRequested: Int
    let clipSample: Bool
    let timestepScaling: Float
    /// `timestep_spacing` as resolved (Euler's initial noise scale depends on it).
    let spacing: String
    var pndmOutputs: [[Float]] = []
    var pndmCounter = 0
    var pndmSample: [Float] = []
    var dpmOutputs: [[Float]] = []
    var dpmLowerOrderCount = 0

    /// Builds the sampler `kind` from `config` (absent values take that class's diffusers defaults) for `steps` steps.
    /// `prediction` overrides the config's prediction type.
    /// - Throws: `DiffusionError.unsupportedScheduler` for settings Kinema does not reproduce, `.badOption` for bad steps.
    public init(_ kind: SchedulerKind, config c: SchedulerConfig, steps: Int, prediction: PredictionType? = nil) throws {
        guard steps >= 1, steps <= 1000 else { throw DiffusionError.badOption("steps must be 1...1000, not \(steps)") }
        self.kind = kind
        let defaultsLCM = kind == .lcm
        let n = c.numTrainTimesteps ?? 1000
        guard n >= 2, n <= 100_000 else { throw DiffusionError.badConfig("num_train_timesteps \(n) is out of range") }
        trainSteps = n
        stepsRequested = steps
        let schedule = c.betaSchedule ?? (defaultsLCM ? "scaled_linear" : "linear")
        let b0 = Float(c.betaStart ?? (defaultsLCM ? 0.00085 : 0.0001)), b1 = Float(c.betaEnd ?? (defaultsLCM ? 0.012 : 0.02))
        let betas: [Float]
        switch schedule {
        case "linear": betas = Self.linspace(b0, b1, n)
        case "scaled_linear": betas = Self.linspace(b0.squareRoot(), b1.squareRoot(), n).map { $0 * $0 }
        default: throw DiffusionError.unsupportedScheduler("beta_schedule \(schedule) is not supported (linear, scaled_linear)")
        }
        if c.rescaleBetasZeroSnr == true || c.thresholding == true {
            throw DiffusionError.unsupportedScheduler("rescale_betas_zero_snr and thresholding are not supported; choose another with --scheduler")
        }
        var acc: Float = 1
        alphasCumprod = betas.map { acc *= 1 - $0; return acc }
        let pt = c.predictionType ?? "epsilon"
        if let prediction { self.prediction = prediction } else {
            guard let p = PredictionType(rawValue: pt) else { throw DiffusionError.unsupportedScheduler("prediction_type \(pt) is not supported (epsilon, v_prediction)") }
            self.prediction = p
        }
        let alphaToOne = c.setAlphaToOne ?? (kind == .ddim || kind == .lcm)
        finalAlphaCumprod = alphaToOne ? 1 : alphasCumprod[0]
        clipSample = kind == .ddim ? (c.clipSample ?? true) : (kind == .lcm ? (c.clipSample ?? false) : false)
        timestepScaling = Float(c.timestepScaling ?? 10)
        let spacing = c.timestepSpacing ?? ([.euler, .eulerAncestral, .dpmpp2m].contains(kind) ? "linspace" : "leading")
        self.spacing = spacing
        let offset = c.stepsOffset ?? 0
        switch kind {
        case .pndm:
            guard c.skipPrkSteps ?? false else {
                throw DiffusionError.unsupportedScheduler("PNDM with Runge-Kutta warm-up (skip_prk_steps false) is not supported; choose --scheduler pndm with a PLMS config or another --scheduler")
            }
            let asc = try Self.spaced(spacing, n: n, steps: steps, offset: offset, descending: false)
            timesteps = (Array(asc.dropLast()) + [asc[asc.count - 2 >= 0 ? asc.count - 2 : 0], asc.last!]).reversed().map(Float.init)
            if steps == 1 { timesteps = [Float(asc[0])] }
        case .ddim:
            timesteps = try Self.spaced(spacing, n: n, steps: steps, offset: offset, descending: true).map(Float.init)
        case .lcm:
            let orig = c.originalInferenceSteps ?? 50
            guard orig >= 1, orig <= n, steps <= orig else { throw DiffusionError.badOption("LCM takes at most \(orig) steps") }
            let k = n / orig
            let origin = (1...orig).map { $0 * k - 1 }.reversed().map { $0 }
            timesteps = (0..<steps).map { Float(origin[Int((Double($0) * Double(origin.count) / Double(steps)).rounded(.down))]) }
        case .euler, .eulerAncestral:
            let ts = try Self.spacedFloat(spacing, n: n, steps: steps, offset: offset)
            let base = alphasCumprod.map { ((1 - $0) / $0).squareRoot() }
            if c.useKarrasSigmas == true, kind == .euler {
                let spaced = ts.map { Self.interp($0, base) }
                let s = Self.karras(max: spaced.first!, min: spaced.last!, steps: steps)
                sigmas = s + [0]
                timesteps = s.map { Self.sigmaToT($0, base) }
            } else {
                sigmas = ts.map { Self.interp($0, base) } + [0]
                timesteps = ts
            }
        case .dpmpp2m:
            guard (c.algorithmType ?? "dpmsolver++") == "dpmsolver++", (c.solverOrder ?? 2) == 2 else {
                throw DiffusionError.unsupportedScheduler("DPMSolverMultistep is supported as DPM++ 2M only (algorithm_type dpmsolver++, solver_order 2); use --scheduler dpmpp-2m")
            }
            let base = alphasCumprod.map { ((1 - $0) / $0).squareRoot() }
            if c.useKarrasSigmas ?? false {
                let s = Self.karras(max: base.last!, min: base.first!, steps: steps)
                sigmas = s + [0]
                timesteps = s.map { Self.sigmaToT($0, base).rounded(.toNearestOrEven) }
            } else {
                let ts: [Int]
                switch spacing {
                case "linspace": ts = (0...steps).map { Int((Double($0) * Double(n - 1) / Double(steps)).rounded(.toNearestOrEven)) }.reversed().dropLast()
                case "leading":
                    let r = n / (steps + 1)
                    ts = (0...steps).map { $0 * r }.reversed().dropLast().map { $0 + offset }
                case "trailing": ts = Self.trailing(n: n, steps: steps)
                default: throw DiffusionError.unsupportedScheduler("timestep_spacing \(spacing) is not supported (linspace, leading, trailing)")
                }
                timesteps = ts.map(Float.init)
                sigmas = ts.map { base[min(max($0, 0), n - 1)] } + [0]
            }
        }
    }

    /// The standard deviation the initial noise is scaled by (diffusers' `init_noise_sigma`).
    public var initNoiseSigma: Float {
        switch kind {
        case .euler, .eulerAncestral:
            let m = sigmas.max() ?? 1
            return spacing == "leading" ? (m * m + 1).squareRoot() : m
        default: return 1
        }
    }

    /// Whether `step` needs fresh Gaussian noise (ancestral samplers and LCM between steps).
    public var usesNoise: Bool { kind == .eulerAncestral || kind == .lcm }

    // MARK: - schedule helpers (numpy's linspace/arange/interp as diffusers calls them)

    static func linspace(_ a: Float, _ b: Float, _ n: Int) -> [Float] {
        // torch.linspace: the first half counts up from a, the second half down from b.
        let step = (b - a) / Float(n - 1)
        return (0..<n).map { i in i < n / 2 ? a + step * Float(i) : b - step * Float(n - 1 - i) }
    }

    static func trailing(n: Int, steps: Int) -> [Int] {
        // numpy.arange(n, 0, -ratio): ceil(n / ratio) values n − i·ratio, then rounded half to even.
        let ratio = Double(n) / Double(steps)
        let count = Int((Double(n) / ratio).rounded(.up))
        return (0..<count).map { Int((Double(n) - Double($0) * ratio).rounded(.toNearestOrEven)) - 1 }
    }

    static func spaced(_ spacing: String, n: Int, steps: Int, offset: Int, descending: Bool) throws -> [Int] {
        var ts: [Int]
        switch spacing {
        case "linspace": ts = (0..<steps).map { steps == 1 ? 0 : Int((Double($0) * Double(n - 1) / Double(steps - 1)).rounded(.toNearestOrEven)) }
        case "leading": ts = (0..<steps).map { $0 * (n / steps) + offset }
        case "trailing": ts = trailing(n: n, steps: steps).reversed()
        default: throw DiffusionError.unsupportedScheduler("timestep_spacing \(spacing) is not supported (linspace, leading, trailing)")
        }
        return descending ? ts.reversed() : ts
    }

    static func spacedFloat(_ spacing: String, n: Int, steps: Int, offset: Int) throws -> [Float] {
        switch spacing {
        case "linspace": return (0..<steps).reversed().map { steps == 1 ? 0 : Float(Double($0) * Double(n - 1) / Double(steps - 1)) }
        case "leading": return (0..<steps).reversed().map { Float($0 * (n / steps) + offset) }
        case "trailing": return trailing(n: n, steps: steps).map(Float.init)
        default: throw DiffusionError.unsupportedScheduler("timestep_spacing \(spacing) is not supported (linspace, leading, trailing)")
        }
    }

    /// numpy.interp of a fractional timestep into the per-timestep sigma table.
    static func interp(_ t: Float, _ table: [Float]) -> Float {
        let x = Double(max(0, min(t, Float(table.count - 1))))
        let i = min(Int(x), table.count - 2), w = x - Double(i)
        return Float(Double(table[i]) * (1 - w) + Double(table[i + 1]) * w)
    }

    /// Karras et al.'s ρ = 7 sigma ramp from σmax to σmin.
    static func karras(max: Float, min: Float, steps: Int) -> [Float] {
        let rho = 7.0, lo = pow(Double(min), 1 / rho), hi = pow(Double(max), 1 / rho)
        return (0..<steps).map { i in
            let r = steps == 1 ? 0 : Double(i) / Double(steps - 1)
            return Float(pow(hi + r * (lo - hi), rho))
        }
    }

    /// diffusers' `_sigma_to_t`: the fractional timestep whose log σ interpolates to log `sigma`.
    static func sigmaToT(_ sigma: Float, _ table: [Float]) -> Float {
        let logs = table.map { log(Double($0)) }
        let ls = log(max(Double(sigma), 1e-10))
        var low = 0
        for (i, l) in logs.enumerated() where ls - l >= 0 { low = i }
        low = Swift.min(low, logs.count - 2)
        let w = Swift.max(0, Swift.min(1, (logs[low] - ls) / (logs[low] - logs[low + 1])))
        return Float((1 - w) * Double(low) + w * Double(low + 1))
    }
}
