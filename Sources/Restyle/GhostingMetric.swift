import Flow
import Imaging

/// Does temporal coherence smear moving subjects? Compares the detail (luma gradient energy,
/// Σ |∇L|²) of the coherent output with that of the per-frame output on the pixels that move in the
/// input (DIS flow from the previous input frame longer than `minMotion` pixels). A ghosting blend
/// averages a moving subject with its warped past and loses detail there; an honest one keeps the
/// per-frame output's sharpness (ratio ≈ 1).
public struct GhostingMetric {
    /// Flow length (pixels, at the frame's size) above which a pixel counts as moving.
    public var minMotion: Float
    private let dis = DISFlow(preset: .fast)
    private var previous: Plane?
    private var coherentEnergy: Double = 0
    private var perFrameEnergy: Double = 0
    private var staticCoherent: Double = 0, staticPerFrame: Double = 0
    /// Moving pixels counted so far.
    public private(set) var movingPixels = 0

    /// Starts an empty measurement.
    public init(minMotion: Float = 1.5) { self.minMotion = minMotion }

    /// Adds one frame: the input, the per-frame look and the coherent look (all the same size).
    public mutating func add(original: ByteImage, perFrame: ByteImage, coherent: ByteImage) {
        let luma = Plane(luminanceOf: original)
        defer { previous = luma }
        guard let prev = previous, prev.width == luma.width, prev.height == luma.height,
              perFrame.width == original.width, coherent.width == original.width,
              perFrame.height == original.height, coherent.height == original.height else { return }
        let flow = dis.flow(from: luma, to: prev)
        let (px, py) = Plane(luminanceOf: perFrame).gradients(), (cx, cy) = Plane(luminanceOf: coherent).gradients()
        let t = minMotion * minMotion
        let (mu, mv) = flow.medianDisplacement
        for i in 0..<flow.u.count {
            let du = flow.u[i] - mu, dv = flow.v[i] - mv
            guard du * du + dv * dv > t else {
                staticPerFrame += Double(px.data[i] * px.data[i] + py.data[i] * py.data[i])
                staticCoherent += Double(cx.data[i] * cx.data[i] + cy.data[i] * cy.data[i])
                continue
            }
            perFrameEnergy += Double(px.data[i] * px.data[i] + py.data[i] * py.data[i])
            coherentEnergy += Double(cx.data[i] * cx.data[i] + cy.data[i] * cy.data[i])
            movingPixels += 1
        }
    }

    /// The same ratio on the pixels that do not move (what blending costs where nothing can ghost).
    public var staticRatio: Double { staticPerFrame > 0 ? staticCoherent / staticPerFrame : 1 }

    /// Coherent ÷ per-frame gradient energy on moving pixels (1 when nothing moved).
    public var ratio: Double { perFrameEnergy > 0 ? coherentEnergy / perFrameEnergy : 1 }
}

extension FlowField {
    /// The median displacement (the camera's motion), each component from at most about 4096 samples.
    var medianDisplacement: (u: Float, v: Float) {
        func median(_ v: [Float]) -> Float {
            let step = max(1, v.count / 4096)
            let sample = stride(from: 0, to: v.count, by: step).map { v[$0] }.sorted()
            return sample.isEmpty ? 0 : sample[sample.count / 2]
        }
        return (median(u), median(v))
    }
}
