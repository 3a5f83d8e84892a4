import Flow
import Imaging

/// Carries the previous output's swapped face along the target's own motion into the current frame.
///
/// The swap paints a source texture that follows the landmarks, and landmarks never follow the skin's
/// real motion exactly (nor do per-frame colour and lighting estimates hold perfectly still), so the
/// painted face shimmers against the target's pixel motion: on near-still real clips the swapped clip's
/// warping error E_warp was 1.4–1.6× the target's own (lossless output), most of it around the eyes,
/// brows, smile folds and lips. Here the previous output is warped by the target's optical flow
/// (current → previous, DIS on a small luma plane of the face region) and mixed into the fresh render:
///
///     out = render + w·(warp(previous out) − render),   w = carry · trust · mask
///
/// `mask` is the swap's own blend mask (so untouched and occluded pixels stay exactly the target's) and
/// `trust` falls to 0 where the target itself changed after motion compensation (a blink, the mouth
/// opening, a flow failure): there the fresh render shows at once. It also fades out where the target moves
/// fast (4 → 16 frame pixels per frame by default): shimmer hides in motion there, while carrying the face along a
/// coarse flow smeared the source's features (dlib distance +0.02 on a fast clip, more frames nearer the
/// target). Where the target holds still the result is a recursive temporal average of renders of the same
/// source, so identity is kept.
struct TemporalCarry {
    /// Weight of the carried previous output (0 turns the carry off).
    let carry: Float
    /// Mean absolute change of the motion-compensated target (8-bit levels) at which carrying stops.
    let tolerance: Float
    /// Longest side of the luma planes the flow is computed on. DIS `.fast` stops at half of it, so a face
    /// gets a flow vector per ~1/40 of its width: at 96 (a vector per 1/24) the flow missed the skin's
    /// motion around the eyes and mouth by a pixel or more, and the carry could not be trusted in motion.
    static let flowSide = 160
    private let dis = DISFlow(preset: .fast)

    /// Motion of the target (frame pixels per frame) at which carrying stops; it starts to fade at a quarter of it.
    let motionStop: Float

    init(carry: Float, tolerance: Float = 10, motionStop: Float = 8) {
        self.carry = min(max(carry, 0), 0.95); self.tolerance = max(tolerance, 1)
        self.motionStop = motionStop.isFinite ? max(motionStop, 0.5) : .greatestFiniteMagnitude
    }

    /// Luma (0...1, the scale `DISFlow` expects) of `rect` in `image` on cells of `factor` pixels: the mean of
    /// the 2×2 pixels at each cell's centre (reading every pixel of a 720p face cost more than the flow itself).
    static func luma(_ image: ByteImage, _ rect: PixelRect, factor f: Int) -> Plane {
        let w = (rect.width + f - 1) / f, h = (rect.height + f - 1) / f, c = image.channels
        var p = Plane(width: w, height: h)
        image.data.withUnsafeBufferPointer { d in
            for cy in 0..<h {
                let y0 = rect.y + min(cy * f + (f - 1) / 2, rect.height - 1), y1 = min(y0 + 1, rect.y + rect.height - 1)
                for cx in 0..<w {
                    let x0 = rect.x + min(cx * f + (f - 1) / 2, rect.width - 1), x1 = min(x0 + 1, rect.x + rect.width - 1)
                    var sum: Float = 0
                    for (x, y) in [(x0, y0), (x1, y0), (x0, y1), (x1, y1)] {
                        let q = (y * image.width + x) * c
                        sum += 0.299 * Float(d[q]) + 0.587 * Float(d[q + 1]) + 0.114 * Float(d[q + 2])
                    }
                    p.data[cy * w + cx] = sum / (4 * 255)
                }
            }
        }
        return p
    }

    /// Linear-interpolation taps along one axis for `count` samples at positions `at(i)` in a row of `size`
    /// values, clamped to its ends: the lower and upper index and the upper one's weight.
    static func taps(_ count: Int, _ size: Int, at: (Int) -> Float) -> (lo: [Int], hi: [Int], weight: [Float]) {
        var lo = [Int](repeating: 0, count: count), hi = lo, weight = [Float](repeating: 0, count: count)
        for i in 0..<count {
            let f = min(max(at(i), 0), Float(size - 1))
            lo[i] = min(Int(f), size - 1); hi[i] = min(lo[i] + 1, size - 1); weight[i] = f - Float(lo[i])
        }
        return (lo, hi, weight)
    }

    /// Mixes the motion-compensated previous output into `frame` inside `info.rect`, weighted by the
    /// swap's blend mask (`info.mask` on its working grid). `input` is this frame before any face was
    /// drawn; `previousInput` / `previousOutput` are the last frame before and after the swap.
    func apply(to frame: inout ByteImage, input: ByteImage, previousInput: ByteImage, previousOutput: ByteImage,
               info: CompositeInfo) {
        let r = info.rect, fw = frame.width, fh = frame.height
        guard carry > 0, frame.channels == 3, input.channels == 3, previousInput.width == fw, previousInput.height == fh,
              previousOutput.width == fw, previousOutput.height == fh, info.mask.count == info.gridWidth * info.gridHeight,
              r.width >= 8, r.height >= 8 else { return }
        let f = max(1, (max(r.width, r.height) + Self.flowSide - 1) / Self.flowSide)
        let cur = Self.luma(input, r, factor: f), prev = Self.luma(previousInput, r, factor: f)
        let flow = dis.flow(from: cur, to: prev)   // prev(x + flow(x)) ≈ cur(x)
        let cw = flow.width, ch = flow.height, gw = info.gridWidth, gh = info.gridHeight
        let sx = Float(gw) / Float(r.width), sy = Float(gh) / Float(r.height)
        let carry = self.carry, tol = self.tolerance, ff = Float(f), stop = motionStop, still = motionStop / 4
        flow.u.withUnsafeBufferPointer { ub in flow.v.withUnsafeBufferPointer { vb in info.mask.withUnsafeBufferPointer { mb in
          input.data.withUnsafeBufferPointer { ib in previousInput.data.withUnsafeBufferPointer { pib in
          previousOutput.data.withUnsafeBufferPointer { pob in frame.data.withUnsafeMutableBufferPointer { ob in
            let u = SharedPointer(ub), v = SharedPointer(vb), m = SharedPointer(mb), inp = SharedPointer(ib)
            let pin = SharedPointer(pib), pout = SharedPointer(pob), out = SharedMutablePointer(ob)
            // Column taps of the mask grid and the flow plane depend on x only; each row then interpolates its
            // two grid rows once, so a pixel reads two 1-D lerps instead of three 2-D ones (this loop was the
            // swap's largest cost at 720p, 11 % of the process's CPU).
            let mt = Self.taps(r.width, gw) { (Float($0) + 0.5) * sx - 0.5 }, ft = Self.taps(r.width, cw) { (Float($0) + 0.5) / ff - 0.5 }
            parallelBands(r.height, bands: 2) { lo, hi in
                let mrow = UnsafeMutablePointer<Float>.allocate(capacity: gw), urow = UnsafeMutablePointer<Float>.allocate(capacity: cw)
                let vrow = UnsafeMutablePointer<Float>.allocate(capacity: cw)
                defer { mrow.deallocate(); urow.deallocate(); vrow.deallocate() }
                for y in lo..<hi {
                    let gy = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(gh - 1))
                    // Rows whose two grid rows hold no mask are skipped whole.
                    let g0 = min(Int(gy), gh - 1), g1 = min(g0 + 1, gh - 1), ag = gy - Float(g0)
                    if !(0..<gw).contains(where: { m[g0 * gw + $0] > 0.01 || m[g1 * gw + $0] > 0.01 }) { continue }
                    for gx in 0..<gw { mrow[gx] = m[g0 * gw + gx] + (m[g1 * gw + gx] - m[g0 * gw + gx]) * ag }
                    let cy = min(max((Float(y) + 0.5) / ff - 0.5, 0), Float(ch - 1))
                    let c0 = min(Int(cy), ch - 1), c1 = min(c0 + 1, ch - 1), ac = cy - Float(c0)
                    for cx in 0..<cw {
                        urow[cx] = u[c0 * cw + cx] + (u[c1 * cw + cx] - u[c0 * cw + cx]) * ac
                        vrow[cx] = v[c0 * cw + cx] + (v[c1 * cw + cx] - v[c0 * cw + cx]) * ac
                    }
                    for x in 0..<r.width {
                        let m0 = mt.lo[x], m1 = mt.hi[x]
                        let mask = mrow[m0] + (mrow[m1] - mrow[m0]) * mt.weight[x]
                        if mask <= 0.01 { continue }
                        let f0 = ft.lo[x], f1 = ft.hi[x], fa = ft.weight[x]
                        let px = Float(r.x + x) + (urow[f0] + (urow[f1] - urow[f0]) * fa) * ff
                        let py = Float(r.y + y) + (vrow[f0] + (vrow[f1] - vrow[f0]) * fa) * ff
                        // Bilinear taps of the previous frames at the motion-compensated position.
                        let qx = min(max(px, 0), Float(fw - 1)), qy = min(max(py, 0), Float(fh - 1))
                        let x0 = min(Int(qx), fw - 1), y0 = min(Int(qy), fh - 1)
                        let x1 = min(x0 + 1, fw - 1), y1 = min(y0 + 1, fh - 1), ax = qx - Float(x0), ay = qy - Float(y0)
                        let i00 = (y0 * fw + x0) * 3, i10 = (y0 * fw + x1) * 3, i01 = (y1 * fw + x0) * 3, i11 = (y1 * fw + x1) * 3
                        let w00 = (1 - ax) * (1 - ay), w10 = ax * (1 - ay), w01 = (1 - ax) * ay, w11 = ax * ay
                        let o = ((r.y + y) * fw + r.x + x) * 3
                        var change: Float = 0
                        var carried = SIMD3<Float>()
                        for c in 0..<3 {
                            let pi = w00 * Float(pin[i00 + c]) + w10 * Float(pin[i10 + c]) + w01 * Float(pin[i01 + c]) + w11 * Float(pin[i11 + c])
                            change += abs(pi - Float(inp[o + c]))
                            carried[c] = w00 * Float(pout[i00 + c]) + w10 * Float(pout[i10 + c]) + w01 * Float(pout[i01 + c]) + w11 * Float(pout[i11 + c])
                        }
                        // Carrying across fast motion smeared the source's features (each frame re-warped by a
                        // coarse flow), which moved the face toward the target's: fade it out with the motion.
                        let dx = px - Float(r.x + x), dy = py - Float(r.y + y)
                        let moved = min(max(((dx * dx + dy * dy).squareRoot() - still) / (stop - still), 0), 1)
                        let trust = max(0, 1 - change / (3 * tol)) * (1 - moved * moved * (3 - 2 * moved))
                        let wgt = carry * trust * min(mask, 1)
                        if wgt <= 0 { continue }
                        for c in 0..<3 {
                            let now = Float(out[o + c])
                            out[o + c] = UInt8(min(max(now + wgt * (carried[c] - now) + 0.5, 0), 255))
                        }
                    }
                }
            }
          } }
          } }
        } } }
    }
}
