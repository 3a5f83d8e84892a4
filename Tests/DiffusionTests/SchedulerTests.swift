import Foundation
import Testing
@testable import Diffusion

/// Every supported sampler against diffusers 0.42.1 (schedulers.json from scripts/diffusion-fixtures.py): the
/// timesteps (±1e-3), the initial noise σ and each recorded step's scaled input and next sample, relative error
/// ≤ 1e-4 of the sample's scale, with the same model outputs and (ancestral, LCM) noise fed in. Multistep
/// samplers (PNDM, DPM++ 2M) run up to 8 consecutive steps so their histories are exercised.
@Test func schedulersMatchDiffusers() throws {
    let entries = try JSONSerialization.jsonObject(with: Data(contentsOf: fixtures.appendingPathComponent("schedulers.json"))) as! [[String: Any]]
    #expect(entries.count >= 10)
    var kindsSeen = Set<SchedulerKind>()
    for e in entries {
        let name = e["name"] as! String
        var cfg = e["config"] as! [String: Any]
        cfg["_class_name"] = e["class"] as! String
        let config = try SchedulerConfig(json: JSONSerialization.data(withJSONObject: cfg))
        let kind = try config.kind()
        kindsSeen.insert(kind)
        var s = try Scheduler(kind, config: config, steps: e["steps"] as! Int)
        let want = (e["timesteps"] as! [Double]).map(Float.init)
        #expect(s.timesteps.count == want.count, "\(name)")
        #expect(zip(s.timesteps, want).allSatisfy { abs($0 - $1) <= 1e-3 }, "\(name): \(s.timesteps) vs \(want)")
        let sigma0 = Float(e["init_noise_sigma"] as! Double)
        #expect(abs(s.initNoiseSigma - sigma0) <= 1e-4 * sigma0, "\(name): init σ \(s.initNoiseSigma) vs \(sigma0)")
        for (i, step) in (e["trace"] as! [[String: Any]]).enumerated() {
            func f(_ k: String) -> [Float] { (step[k] as! [Double]).map(Float.init) }
            let x = f("sample"), scale = max(1, x.map(abs).max()!)
            #expect(maxAbsDiff(s.scaleModelInput(x, step: i), f("scaled")) <= 1e-4 * scale, "\(name) step \(i) scaled")
            let prev = try s.step(f("output"), step: i, sample: x, noise: f("noise"))
            let err = maxAbsDiff(prev, f("prev"))
            #expect(err <= 1e-4 * scale, "\(name) step \(i): max |Δ| \(err)")
        }
    }
    #expect(kindsSeen == Set(SchedulerKind.allCases))
}

/// An unknown scheduler class or `--scheduler` value is one line naming the supported ones and the flag.
@Test func unsupportedSchedulerIsOneLine() throws {
    var c = SchedulerConfig.stableDiffusion
    c.className = "KDPM2DiscreteScheduler"
    do { _ = try c.kind(); Issue.record("accepted") } catch let e as DiffusionError {
        #expect(e.description.contains("--scheduler") && e.description.contains("EulerDiscreteScheduler") && !e.description.contains("\n"))
    }
    #expect(throws: DiffusionError.self) { try SchedulerKind(option: "heun") }
    #expect(throws: DiffusionError.self) { try PredictionType(option: "x0") }
    #expect(try SchedulerKind(option: "euler-a") == .eulerAncestral)
}
