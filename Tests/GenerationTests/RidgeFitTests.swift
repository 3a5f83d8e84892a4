import Neural
import Testing
@testable import Generation

/// A planted linear relation with noise is recovered: direction cosine > 0.99.
@Test func ridgeRecoversPlantedDirection() throws {
    var rng = SplitMix64(seed: 11)
    let truth = rng.normalVector(count: 20)
    let tn = truth.map { $0 * $0 }.reduce(0, +).squareRoot()
    var zs: [[Float]] = [], ys: [Double] = []
    for _ in 0..<400 {
        let z = rng.normalVector(count: 20)
        let noise = Double(rng.normalVector(count: 1)[0]) * 0.1
        zs.append(z); ys.append(3 + zip(truth, z).map { Double($0 * $1) }.reduce(0, +) + noise)
    }
    let fit = try RidgeFit(z: zs, y: ys, lambda: 1)
    let cos = zip(fit.direction, truth).map { Double($0 * $1) }.reduce(0, +) / Double(tn)
    #expect(cos > 0.99)
    #expect(abs(fit.slope - Double(tn)) / Double(tn) < 0.05)
    #expect(fit.r2Train > 0.99 && abs(fit.intercept - 3) < 0.1)
}
