import Foundation

extension Scheduler {
    /// Scales the UNet input at step `index` (σ-based samplers divide by √(σ²+1); the others pass it through).
    public func scaleModelInput(_ x: [Float], step index: Int) -> [Float] {
        guard kind == .euler || kind == .eulerAncestral else { return x }
        let s = sigmas[index], k = 1 / (s * s + 1).squareRoot()
        return x.map { $0 * k }
    }

    /// Advances `sample` from step `index` to the next, given the UNet's (guided) output. `noise` is the fresh
    /// N(0, 1) draw that ancestral samplers and LCM add (same count as `sample`; ignored by the others).
    /// - Throws: `DiffusionError.badOption` when a needed noise array is missing or sizes differ.
    public mutating func step(_ output: [Float], step index: Int, sample: [Float], noise: [Float]? = nil) throws -> [Float] {
        guard output.count == sample.count, index >= 0, index < timesteps.count else {
            throw DiffusionError.badOption("scheduler step \(index) got \(output.count) outputs for \(sample.count) values")
        }
        if usesNoise, kind == .eulerAncestral || index < timesteps.count - 1 {
            guard noise?.count == sample.count else { throw DiffusionError.badOption("the \(kind.rawValue) sampler needs noise for each step") }
        }
        switch kind {
        case .euler: return euler(output, index, sample)
        case .eulerAncestral: return eulerAncestral(output, index, sample, noise!)
        case .ddim: return ddim(output, index, sample)
        case .pndm: return pndm(output, index, sample)
        case .dpmpp2m: return dpm(output, index, sample)
        case .lcm: return lcm(output, index, sample, noise)
        }
    }

    /// x₀ predicted in σ space (sample = x₀ + σ·ε, the k-diffusion convention).
    private func sigmaX0(_ e: Float, _ x: Float, _ s: Float) -> Float {
        prediction == .epsilon ? x - s * e : e * (-s / (s * s + 1).squareRoot()) + x / (s * s + 1)
    }

    private func euler(_ out: [Float], _ i: Int, _ x: [Float]) -> [Float] {
        let s = sigmas[i], dt = sigmas[i + 1] - s
        return x.indices.map { j in x[j] + (x[j] - sigmaX0(out[j], x[j], s)) / s * dt }
    }

    private func eulerAncestral(_ out: [Float], _ i: Int, _ x: [Float], _ noise: [Float]) -> [Float] {
        let from = sigmas[i], to = sigmas[i + 1]
        let up = (to * to * (from * from - to * to) / (from * from)).squareRoot()
        let down = (to * to - up * up).squareRoot()
        return x.indices.map { j in x[j] + (x[j] - sigmaX0(out[j], x[j], from)) / from * (down - from) + noise[j] * up }
    }

    /// (x₀, ε) predicted in ᾱ space (sample = √ᾱ·x₀ + √(1−ᾱ)·ε).
    private func alphaPrediction(_ e: Float, _ x: Float, _ a: Float) -> (x0: Float, eps: Float) {
        let sa = a.squareRoot(), sb = (1 - a).squareRoot()
        return prediction == .epsilon ? ((x - sb * e) / sa, e) : (sa * x - sb * e, sa * e + sb * x)
    }

    private func alpha(_ t: Int) -> Float { t >= 0 ? alphasCumprod[min(t, trainSteps - 1)] : finalAlphaCumprod }

    private func ddim(_ out: [Float], _ i: Int, _ x: [Float]) -> [Float] {
        let t = Int(timesteps[i]), prev = t - trainSteps / stepsRequested
        let a = alpha(t), ap = alpha(prev)
        return x.indices.map { j in
            var (x0, eps) = alphaPrediction(out[j], x[j], a)
            if clipSample { x0 = max(-1, min(1, x0)) }
            return ap.squareRoot() * x0 + (1 - ap).squareRoot() * eps
        }
    }

    /// PLMS: linear multistep over the last four ε estimates, with PNDM's second-step correction.
    private mutating func pndm(_ out: [Float], _ i: Int, _ x: [Float]) -> [Float] {
        let ratio = trainSteps / stepsRequested
        var t = Int(timesteps[i]), prev = t - ratio
        var sample = x
        if pndmCounter != 1 {
            pndmOutputs = Array(pndmOutputs.suffix(3)) + [out]
        } else {
            prev = t; t += ratio
        }
        var e: [Float]
        let h = pndmOutputs
        switch (h.count, pndmCounter) {
        case (1, 0): e = out; pndmSample = x
        case (1, 1): e = x.indices.map { (out[$0] + h[0][$0]) / 2 }; sample = pndmSample; pndmSample = []
        case (2, _): e = x.indices.map { (3 * h[1][$0] - h[0][$0]) / 2 }
        case (3, _): e = x.indices.map { (23 * h[2][$0] - 16 * h[1][$0] + 5 * h[0][$0]) / 12 }
        default: e = x.indices.map { (55 * h[3][$0] - 59 * h[2][$0] + 37 * h[1][$0] - 9 * h[0][$0]) / 24 }
        }
        pndmCounter += 1
        let a = alpha(t), ap = alpha(prev), b = 1 - a, bp = 1 - ap
        let coeff = (ap / a).squareRoot()
        let denom = a * bp.squareRoot() + (a * b * ap).squareRoot()
        return sample.indices.map { j in
            let m = prediction == .epsilon ? e[j] : a.squareRoot() * e[j] + b.squareRoot() * sample[j]
            return coeff * sample[j] - (ap - a) * m / denom
        }
    }

    /// DPM-Solver++ 2M (midpoint), first order on the first and last steps.
    private mutating func dpm(_ out: [Float], _ i: Int, _ x: [Float]) -> [Float] {
        func alphaSigma(_ s: Float) -> (Float, Float) { let a = 1 / (s * s + 1).squareRoot(); return (a, s * a) }
        let lowerFinal = i == timesteps.count - 1  // final_sigmas_type "zero" always ends first order
        let (a0, s0) = alphaSigma(sigmas[i])
        let x0 = x.indices.map { j in prediction == .epsilon ? (x[j] - s0 * out[j]) / a0 : a0 * x[j] - s0 * out[j] }
        dpmOutputs = Array((dpmOutputs + [x0]).suffix(2))
        let (at, st) = alphaSigma(sigmas[i + 1])
        let lt = log(at) - log(st), l0 = log(a0) - log(s0)
        let h = lt - l0
        let k = at * (exp(-h) - 1)
        var result: [Float]
        if dpmLowerOrderCount < 1 || lowerFinal || dpmOutputs.count < 2 {
            result = x.indices.map { j in st / s0 * x[j] - k * x0[j] }
        } else {
            let (a1, s1) = alphaSigma(sigmas[i - 1])
            let h0 = l0 - (log(a1) - log(s1))
            let r0 = h0 / h
            let m0 = dpmOutputs[1], m1 = dpmOutputs[0]
            result = x.indices.map { j in
                let d1 = (m0[j] - m1[j]) / r0
                return st / s0 * x[j] - k * m0[j] - 0.5 * k * d1
            }
        }
        if dpmLowerOrderCount < 2 { dpmLowerOrderCount += 1 }
        return result
    }

    /// LCM: consistency boundary scalings, then re-noise to the next timestep (except on the last).
    private func lcm(_ out: [Float], _ i: Int, _ x: [Float], _ noise: [Float]?) -> [Float] {
        let t = Int(timesteps[i])
        let prev = i + 1 < timesteps.count ? Int(timesteps[i + 1]) : t
        let a = alpha(t), ap = alpha(prev)
        let st = Float(t) * timestepScaling, sd: Float = 0.5
        let cSkip = sd * sd / (st * st + sd * sd), cOut = st / (st * st + sd * sd).squareRoot()
        return x.indices.map { j in
            var x0 = alphaPrediction(out[j], x[j], a).x0
            if clipSample { x0 = max(-1, min(1, x0)) }
            let denoised = cOut * x0 + cSkip * x[j]
            guard i != timesteps.count - 1, let noise else { return denoised }
            return ap.squareRoot() * denoised + (1 - ap).squareRoot() * noise[j]
        }
    }

    /// Noises clean latents to the level of step `index` (img2img's starting point), as each diffusers class's
    /// `add_noise` does: x₀ + σ·ε for σ-based samplers, α·x₀ + σ·ε for DPM++, √ᾱ·x₀ + √(1−ᾱ)·ε otherwise.
    public func addNoise(_ x0: [Float], noise: [Float], step index: Int) -> [Float] {
        switch kind {
        case .euler, .eulerAncestral:
            let s = sigmas[index]
            return x0.indices.map { x0[$0] + noise[$0] * s }
        case .dpmpp2m:
            let s = sigmas[index], a = 1 / (s * s + 1).squareRoot()
            return x0.indices.map { a * x0[$0] + s * a * noise[$0] }
        default:
            let a = alpha(Int(timesteps[index]))
            return x0.indices.map { a.squareRoot() * x0[$0] + (1 - a).squareRoot() * noise[$0] }
        }
    }
}
