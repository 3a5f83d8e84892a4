import Foundation

/// Dense optical flow by dense inverse search (Kroeger, Timofte, Dai, Van Gool, ECCV 2016).
///
/// Per pyramid level, coarse to fine: (1) patch inverse search: each patch on a
/// regular grid of the first image is aligned to the second image by
/// inverse-compositional Gauss–Newton on mean-normalised intensities, starting
/// from the upsampled flow of the coarser level; (2) densification: every pixel
/// takes the average of the flows of the patches covering it, weighted by
/// 1 / max(1, |I1(x + u_k) − I0(x)|); (3) variational refinement of the
/// brightness/gradient-constancy + smoothness energy (`VariationalRefinement`).
///
/// The result `w` maps the first image to the second: `i0(x) ≈ i1(x + w(x))`.
public struct DISFlow: Sendable {
    /// The parameters in use.
    public var parameters: DISParameters

    /// Creates a flow estimator from a preset.
    public init(preset: DISPreset = .fast) { self.parameters = DISParameters(preset: preset) }

    /// Creates a flow estimator from explicit parameters.
    public init(parameters: DISParameters) { self.parameters = parameters }

    /// Flow from `i0` to `i1`, two grey planes of equal size with values in 0…1.
    public func flow(from i0: Plane, to i1: Plane) -> FlowField {
        precondition(i0.width == i1.width && i0.height == i1.height, "frames must have equal sizes")
        let w = i0.width, h = i0.height
        if w == 0 || h == 0 { return FlowField(width: w, height: h) }
        let p = parameters
        let ps = max(2, p.patchSize)
        let auto = min(Int(log2(Double(max(w, h)) / Double(4 * ps)) + 0.5),
                       Int(log2(Double(min(w, h)) / Double(ps))))
        let coarsest = max(0, p.coarsestScale ?? auto)
        let finest = min(max(0, p.finestScale), coarsest)

        // Pyramids on the 0…255 scale the variational weights are tuned for.
        var pyr0 = [i0.map { $0 * 255 }], pyr1 = [i1.map { $0 * 255 }]
        for _ in 0..<coarsest { pyr0.append(pyr0.last!.halved()); pyr1.append(pyr1.last!.halved()) }

        var flow = FlowField(width: pyr0[coarsest].width, height: pyr0[coarsest].height)
        for level in stride(from: coarsest, through: finest, by: -1) {
            let a = pyr0[level], b = pyr1[level]
            if flow.width != a.width || flow.height != a.height {
                flow = flow.resized(width: a.width, height: a.height)
            }
            let grid = PatchGrid(width: a.width, height: a.height, size: ps, stride: max(1, p.patchStride))
            if grid.isUsable {
                let patches = inverseSearch(a, b, grid: grid, initial: flow)
                flow = densify(a, b, grid: grid, patches: patches, fallback: flow)
            }
            if p.variationalIterations > 0 {
                var vr = VariationalRefinement(delta: p.delta, gamma: p.gamma, alpha: p.alpha)
                vr.fixedPointIterations = p.variationalIterations
                vr.sorIterations = p.sorIterations
                flow = vr.refine(flow, i0: a, i1: b)
            }
        }
        return flow.resized(width: w, height: h)
    }
}

/// Patch origins on one pyramid level: a regular grid that always ends flush with the border.
struct PatchGrid {
    let size: Int
    let xs: [Int]
    let ys: [Int]
    /// For each column: the range of patch-column indices covering it.
    let coverX: [Range<Int>]
    /// For each row: the range of patch-row indices covering it.
    let coverY: [Range<Int>]

    init(width: Int, height: Int, size: Int, stride s: Int) {
        self.size = size
        func origins(_ n: Int) -> [Int] {
            if n < size { return [] }
            var o = Array(Swift.stride(from: 0, through: n - size, by: s))
            if o.last! != n - size { o.append(n - size) }
            return o
        }
        func cover(_ n: Int, _ o: [Int]) -> [Range<Int>] {
            (0..<n).map { x in
                let lo = o.firstIndex { $0 + size > x } ?? o.count
                let hi = o.lastIndex { $0 <= x }.map { $0 + 1 } ?? 0
                return lo < hi ? lo..<hi : 0..<0
            }
        }
        xs = origins(width); ys = origins(height)
        coverX = cover(width, xs); coverY = cover(height, ys)
    }

    var isUsable: Bool { !xs.isEmpty && !ys.isEmpty }
    var count: Int { xs.count * ys.count }
}
