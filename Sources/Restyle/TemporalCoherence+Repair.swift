import Flow

extension TemporalCoherence {
    /// Mean squared luma gradient over 5×5 (luma 0…1) below which a pixel counts as flat: any flow carries
    /// flat onto flat, and DIS's flow there is noise, so such a pixel is trusted on its luma match alone.
    static let flatEnergy: Float = 0.5e-4

    /// The flow the carry follows, and where it is trusted. Pixels that fail the forward–backward (or
    /// motion-boundary) test take the mean flow of the trusted pixels within `radius` (flow pixels), eased
    /// to the frame's median flow (the camera) where fewer than a fifth of them are trusted; such a pixel is
    /// then trusted when its warped previous luma matches the current one, 3×3 mean |L − W(L_prev)| below
    /// `tolerance` (luma 0…1), the neighbours' flow moves it less than `still` flow pixels against the median
    /// (the camera's), and so does DIS's own flow unless the pixel is flat (`flatEnergy`). An occluder or a
    /// disocclusion does not match and takes the fresh look; so do the untrusted rims of moving subjects,
    /// which carried would smear (bikes' cyclist: gradient energy 0.841 → 0.827 of the per-frame look's for
    /// anime when every matching pixel was carried).
    ///
    /// DIS's flow on plain walls and doors is noise of several pixels that fails the test, and it bleeds
    /// into the long straight edges next to them (a door frame: a third of its pixels failed at 960×540).
    /// Either way the carry went wrong there: refreshed from the per-frame look (whose line moves by a
    /// pixel from frame to frame), or, where the noisy flow happened to match the plain luma, warped along
    /// that noise. Measured with the independent meter (scripts/ewarp-check), coherent ÷ per-frame on real
    /// talking heads: watercolor 0.644 → 0.577 (webcam 640×360) and 0.719 → 0.615 (960×540), oil on a
    /// 960×540 Pexels clip 0.696 → 0.631 (together with the finer flow of `disFinestScale`, 0.55).
    ///
    /// A pixel that passes the flow tests is still not carried where the flow does not explain the input: its 3×3
    /// mean residual, less what `misregistration` flow pixels across the local (5×5 RMS) gradient would leave,
    /// above `mismatch` fades its trust out (smoothly, to none at the range's upper end). A hand that sweeps into
    /// the frame is blurred and fast, DIS's flow on it passes the forward–backward test while the warped luma
    /// is another object, and the carry laid the old frame's lips over the new frame's fingers. The allowance
    /// keeps a cartoon's hard outlines, where a fraction of a pixel leaves a large residual, in the carry.
    /// Also returns `previous` warped along the repaired flow, which the shot-cut test reuses. `radius`, `tolerance`,
    /// `still`, `mismatch` and `misregistration` are `parameters`' `repairRadius`, `repairTolerance`, `repairStill`,
    /// `mismatchResidual` and `mismatchMisregistration`.
    static func repairing(flow: FlowField, mask: Plane, luma: Plane, previous: Plane,
                          parameters: CoherenceParameters) -> (mask: Plane, flow: FlowField, warped: Plane) {
        let radius = parameters.repairRadius, tolerance = parameters.repairTolerance, still = parameters.repairStill
        let mismatch = parameters.mismatchResidual, misregistration = parameters.mismatchMisregistration
        let w = flow.width, h = flow.height
        var tu = Plane(width: w, height: h), tv = Plane(width: w, height: h)
        for i in 0..<w * h {
            let m = mask.data[i]
            tu.data[i] = flow.u[i] * m; tv.data[i] = flow.v[i] * m
        }
        let share = mask.boxFiltered(radius: radius), su = tu.boxFiltered(radius: radius), sv = tv.boxFiltered(radius: radius)
        let (mu, mv) = flow.medianDisplacement
        var out = flow
        for i in 0..<w * h where mask.data[i] == 0 {
            let c = share.data[i], t = min(1, c / 0.2)
            let lu = c > 1e-3 ? su.data[i] / c : mu, lv = c > 1e-3 ? sv.data[i] / c : mv
            out.u[i] = t * lu + (1 - t) * mu; out.v[i] = t * lv + (1 - t) * mv
        }
        let warped = Warp.backward(previous, flow: out)
        var residual = Plane(uninitializedWidth: w, height: h)
        for i in 0..<w * h { residual.data[i] = abs(luma.data[i] - warped.data[i]) }
        residual = residual.boxFiltered(radius: 1)
        var trusted = mask
        let limit = still * still
        let (gx, gy) = luma.gradients()
        var energy = gx
        for i in energy.data.indices { energy.data[i] = gx.data[i] * gx.data[i] + gy.data[i] * gy.data[i] }
        energy = energy.boxFiltered(radius: 2)
        for i in 0..<w * h where mask.data[i] == 0 && residual.data[i] < tolerance {
            @inline(__always) func isStill(_ u: Float, _ v: Float) -> Bool { (u - mu) * (u - mu) + (v - mv) * (v - mv) < limit }
            trusted.data[i] = isStill(out.u[i], out.v[i]) && (energy.data[i] < flatEnergy || isStill(flow.u[i], flow.v[i])) ? 1 : 0
        }
        let lo = mismatch.lowerBound, span = max(mismatch.upperBound - lo, 1e-6)
        for i in 0..<w * h where mask.data[i] > 0 && residual.data[i] > lo {
            let excess = residual.data[i] - misregistration * energy.data[i].squareRoot()
            let t = min(1, max(0, (excess - lo) / span))
            trusted.data[i] *= 1 - smoothstep(t)
        }
        return (trusted, out, warped)
    }

    /// Where the input has not changed since the last frame (box mean |ΔL| over `unchangedRadius` below
    /// `unchangedResidual`), the carry takes zero flow and is trusted, fading back to the repaired flow and its
    /// trust up to twice that residual, for the looks that hold (`Stylizer.holdsUnchangedInput`): the scene there
    /// is where it was, and so should the look be. DIS's flow on plain, still walls is noise of up to several
    /// flow pixels, and the carry swam the paper looks' grain along it, frame after frame. Measured with the
    /// independent meter (Farneback, crf 14, full size), coherent ÷ per-frame: watercolor held-out 960×540
    /// 0.617 → 0.477, webcam 960×540 0.546 → 0.445, webcam 640×360 0.465 → 0.392, Pexels 960×540 0.406 → 0.403;
    /// sketch held-out 0.368 → 0.333, webcam 960×540 0.336 → 0.309. Noisy footage, whose still parts change by
    /// more than the residual, keeps the flow.
    static func holdingUnchanged(flow: inout FlowField, mask: inout Plane, luma: Plane, previous: Plane,
                                 parameters: CoherenceParameters) {
        let tau = parameters.unchangedResidual
        guard tau > 0 else { return }
        var change = Plane(uninitializedWidth: luma.width, height: luma.height)
        for i in 0..<change.count { change.data[i] = abs(luma.data[i] - previous.data[i]) }
        change = change.boxFiltered(radius: parameters.unchangedRadius)
        for i in 0..<change.count where change.data[i] < 2 * tau {
            let held = 1 - smoothstep(min(1, max(0, (change.data[i] - tau) / tau)))
            flow.u[i] *= 1 - held; flow.v[i] *= 1 - held
            mask.data[i] = max(mask.data[i], held)
        }
    }

    /// θ_sf for a flow input of `flowSide` pixels and working planes of `workingSide` (long sides): the
    /// configured finest level, made finer until that level has at least the working planes' resolution,
    /// as long as it stays within `limit` pixels. The fast preset's half-size level is 240 pixels for a
    /// 960×540 clip (working size 480): the carry then moved the look's lines by errors of a working pixel
    /// and more, and oil on a 960×540 Pexels clip measured 0.63 × per-frame (0.55 at θ_sf 0, as good as
    /// flow on the full frame; independent meter).
    static func disFinestScale(configured: Int, flowSide: Int, workingSide: Int, limit: Int) -> Int {
        var s = configured
        while s > 0, flowSide >> s < workingSide, flowSide >> (s - 1) <= limit { s -= 1 }
        return s
    }
}

/// 3t² − 2t³: an eased 0…1 ramp for t in 0…1.
@inline(__always) func smoothstep(_ t: Float) -> Float { t * t * (3 - 2 * t) }
