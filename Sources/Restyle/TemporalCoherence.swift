import Flow
import Imaging

/// Parameters of the temporal-coherence stage.
public struct CoherenceParameters: Sendable, Equatable {
    /// 0…1: weight of the previous output (warped along the input's flow) where the flow is
    /// trusted. 0 disables the stage: the output is then exactly the per-frame styliser's.
    public var coherence: Float = 0.9
    /// Radius (flow pixels) of the neighbourhood whose trusted flow an untrusted pixel takes
    /// (`TemporalCoherence.repairing`).
    public var repairRadius = 6
    /// 3×3 mean luma residual (0…1) under that flow below which such a pixel is carried after all.
    /// 0.015 and 0.03 measured alike on webcam and Pexels talking heads (watercolor 0.577 / 0.576 × per-frame
    /// at 640×360); 0.03 was better on the Pexels clip (0.491 → 0.466).
    public var repairTolerance: Float = 0.015
    /// Motion against the median flow, in flow pixels (DIS's noise is about a pixel of its own input
    /// whatever the frame size), below which such a pixel counts as still; moving ones stay fresh
    /// (`TemporalCoherence.repairing`). 1 flow pixel is 1 frame pixel on bikes.mp4, 2 on a 960×540 clip:
    /// 1 frame pixel there measured watercolor 0.62 × per-frame on the webcam clip, 2 measured 0.60.
    public var repairStill: Float = 1
    /// 3×3 mean luma residual (0…1) under the flow, beyond what `mismatchMisregistration` explains, over which a
    /// pixel that passed the flow tests fades out of the carry (`TemporalCoherence.repairing`): where the warped
    /// previous frame is another object, the fresh look is right. On the 960×540 Pexels clip, where a hand sweeps
    /// up over the mouth, E_warp coherent ÷ per-frame (Farneback meter at full size): anime 0.559 → 0.532, oil
    /// 0.608 → 0.568, toon 0.543 → 0.516, watercolor 0.429 → 0.406; at 640×360 anime 0.504 → 0.470, oil 0.525 →
    /// 0.475. Two talking heads at 960×540 and 640×360 and one at 176×144 moved by 0.003 at most.
    public var mismatchResidual: ClosedRange<Float> = 0.08...0.16
    /// Flow pixels of misregistration across the local gradient that the mismatch test forgives. With none, a
    /// cartoon's hard outlines failed it wherever the flow was a fraction of a pixel off: 960×540 bigbuckbunny
    /// coherent ÷ per-frame (Kinema's meter) oil 0.226 → 0.295, watercolor 0.281 → 0.333; with 1 pixel 0.251 and
    /// 0.293, and the Pexels figures above hold (with 2: 0.240, 0.286, and Pexels anime 0.535).
    public var mismatchMisregistration: Float = 1
    /// Mean |ΔL| (luma 0…1) between this frame's input and the last, over a box of `unchangedRadius` flow pixels,
    /// below which the input there has not changed: the carry takes zero flow and is trusted, fading back to the
    /// flow and its tests up to twice this (`TemporalCoherence.holdingUnchanged`), for looks that hold
    /// (`Stylizer.holdsUnchangedInput`). 0 turns it off.
    public var unchangedResidual: Float = 0.002
    /// See `unchangedResidual`.
    public var unchangedRadius = 4
    /// Bound on a pixel's carry age, in frames. The age is the blend-weighted number of frames the
    /// content has been carried; the blend weight is capped at maxCarry / (age + 1) so content is
    /// always refreshed from the current frame and long clips cannot drift.
    public var maxCarry: Float = 12
    /// Flow parameters (computed on the input's luma): the fast preset with a longer variational
    /// refinement (4 × 5) and a denser patch grid (stride 3): blending needs sub-pixel accuracy.
    public var flow: DISParameters = {
        var p = DISParameters(preset: .fast)
        p.patchStride = 3; p.variationalIterations = 4; p.sorIterations = 5
        return p
    }()
    /// Flow input is the frame halved until its longer side is at most this (DIS then works at
    /// half of that again with the fast preset, so ¼ size for 1280×720), or doubled (bilinear) while
    /// twice its longer side still fits: DIS's 8-pixel patches on a 176×144 or 320×180 luma, at half
    /// size again, span an eye or a collar, and the carry misregistered sharp edges of the look by
    /// fractions of a pixel. Doubled, oil E_warp coherent ÷ per-frame (Farneback meter) 0.55 → 0.53 on
    /// 176×144 talking heads, 0.47 → 0.41 and watercolor 0.53 → 0.49 at 320×180.
    public var maxFlowSide: Int = 640
    /// Longest side up to which DIS works at a finer level than `flow` asks, to reach the working size
    /// (`TemporalCoherence.disFinestScale`, then with patch stride 4: as good as 3 and cheaper). 480 takes a
    /// 960×540 clip's flow to the working planes' 480 pixels; a 1280×720 clip's would need 640, which cost
    /// 2.5 × the coherence stage's time (55 → 135 ms/frame CPU), so it stays at 320.
    public var maxFinerDISSide = 480
    /// Frames after the first that `TemporalCoherence.settle(on:)` runs backwards before a clip's first
    /// frame (the pipeline reads them once; 0 turns it off). The carry takes about 1 / (1 − coherence)
    /// frames to settle; 6 settled it as well as 10 or 16 on the clips measured.
    public var settleFrames: Int = 6
    /// Also treat motion boundaries (large flow gradients) as untrusted.
    public var motionBoundaryTest = true
    /// Floor of the motion-boundary test (`Occlusion.validMask`'s `boundaryFloor`, squared flow
    /// gradient). Ruder et al.'s 0.002 flags most of a talking face: a head that turns or a mouth that
    /// opens bends DIS flow by more than 0.045 px per pixel, and every flagged pixel takes the fresh
    /// per-frame look, lines and all. 0.03 keeps real object edges (their flow jumps by pixels)
    /// and carries deforming faces. Together with `restoreMotion`: anime E_warp ÷ per-frame on the
    /// 320×180 Pexels clip 0.61 → 0.45 (Farneback meter), webcam 0.47 → 0.37; bikes ghosting 0.850 → 0.844.
    public var motionBoundaryFloor: Float = 0.03
    /// Motion against the median flow (original-frame pixels per frame) below which the detail
    /// restore is off, and above which it is full (`TemporalCoherence.motionWeight`). A talking head
    /// moves 1–3 px per frame and is carried without smear; a cyclist moves 10 and needs its detail
    /// back. 0.5…1.5 restored the fresh lines of every slowly moving face (anime on face_audio.mp4
    /// 0.50 × per-frame); 1…4 gives 0.34 there and leaves bikes' ghosting at 0.85.
    public var restoreMotion: ClosedRange<Float> = 1...4
    /// A shot cut is declared when more than this fraction of pixels fails the occlusion test…
    public var cutOccludedFraction: Float = 0.6
    /// …or when the mean absolute luma residual after warping (valid pixels, 0…1) exceeds this.
    public var cutResidual: Float = 0.1
    /// After the blend, this fraction of the output's fine detail (the part above a box mean of
    /// `detailRadius`) is replaced by the current stylised frame's: out += β·(d − box(d)), d = s − out.
    /// Repeated bilinear warps low-pass the carried frame; this keeps strokes and eyes sharp while the
    /// coarse colours stay carried (β = 0: plain blend).
    /// nil: the look's own `Stylizer.coherenceDetailRestore`.
    public var detailRestore: Float? = nil
    /// Radius (working-size pixels) of the box mean that splits coarse from fine detail; nil: the look's
    /// own `Stylizer.coherenceDetailRadius`.
    public var detailRadius: Int? = nil

    /// Creates the defaults listed above.
    public init(coherence: Float = 0.9) { self.coherence = min(max(coherence, 0), 1) }
}

/// Per-frame statistics of the coherence stage.
public struct CoherenceReport: Sendable, Equatable {
    /// Frames processed.
    public var frames = 0
    /// Shot cuts detected (blending reset).
    public var cuts = 0
    /// Mean over frames of the fraction of pixels that passed the occlusion test.
    public var meanValidFraction: Double = 0
    /// Largest carry age seen (frames).
    public var maxAge: Float = 0
}

/// Stylises a frame sequence with temporal coherence (after Ruder, Dosovitskiy, Brox 2016, minus the
/// network): output_t = a·W(output_{t−1}) + (1 − a)·stylise(frame_t), where W warps along the flow
/// t → t−1 of the INPUT video and a = coherence × (non-occluded mask), capped by the carry-age bound.
/// Frames must arrive in order; state is one working-size frame, so memory is constant.
public final class TemporalCoherence {
    /// The per-frame look.
    public let stylizer: any Stylizer
    /// The blending parameters.
    public let parameters: CoherenceParameters
    /// Running statistics.
    public private(set) var report = CoherenceReport()
    private let dis: DISFlow
    /// DIS at a finer level than `parameters.flow` asks, for frames whose working planes are larger than
    /// that level (`disFinestScale`); made on first use.
    private var finerDIS: DISFlow?
    private var prevOut: [Plane]?
    private var prevAge: Plane?
    private var prevLuma: Plane?
    private var validSum: Double = 0

    /// Creates the stage.
    public init(stylizer: any Stylizer, parameters: CoherenceParameters = CoherenceParameters()) {
        self.stylizer = stylizer
        self.parameters = parameters
        self.dis = DISFlow(parameters: parameters.flow)
    }

    /// Forgets the previous frame (the next frame starts a new shot).
    public func reset() { prevOut = nil; prevAge = nil; prevLuma = nil }

    /// Settles the carry before a clip's first frame: `following` holds the frames after it (1, 2, …), which
    /// run from last to first with their outputs dropped, so the first frame is blended into a carry that
    /// has already settled (and leads back to it), as a segment's warm-up does for later parts. Without it the
    /// first frames are the bare per-frame look, and over the next five the look visibly softens to the
    /// carried one (gradient energy 1.3 → 0.65 of the input's on a 176×144 talking head): those first pairs
    /// weighed a quarter to a third of the whole clip's E_warp, at 0.7–1.2 × the per-frame output's.
    /// `report` is left as it was.
    public func settle(on following: [ByteImage]) {
        guard parameters.coherence > 0, !following.isEmpty else { return }
        let saved = report, savedSum = validSum
        reset()
        for frame in following.reversed() { _ = processPlanes(frame) }
        report = saved; validSum = savedSum
    }

    /// Stylises the next frame of the sequence and returns it at the input's size.
    public func process(_ frame: ByteImage) -> ByteImage {
        let out = processPlanes(frame)
        return RGBPlanes.toBytes(out, width: frame.width, height: frame.height)
    }

    /// Same as `process` but returns working-size planes (before upsampling).
    public func processPlanes(_ frame: ByteImage) -> [Plane] {
        report.frames += 1
        let reduction = stylizer.reduction(forWidth: frame.width, height: frame.height)
        let rgb = RGBPlanes.from(frame, factor: reduction)
        let c = parameters.coherence
        if c <= 0 { return stylizer.stylize(rgb) }

        var flowFactor = 1
        while max(frame.width, frame.height) / flowFactor > parameters.maxFlowSide { flowFactor *= 2 }
        // Flow runs on the input's luma at 1/flowFactor size; reuse the working planes when they match.
        var luma: Plane
        var f: Int
        if reduction <= flowFactor && reduction & (reduction - 1) == 0 { luma = RGBPlanes.luma(rgb); f = reduction }
        else { luma = Plane(luminanceOf: frame); f = 1 }
        while f < flowFactor { luma = luma.halved(); f *= 2 }
        while f == 1, 2 * max(luma.width, luma.height) <= parameters.maxFlowSide {
            luma = luma.resized(width: 2 * luma.width, height: 2 * luma.height)
        }
        defer { prevLuma = luma }

        let w = rgb[0].width, h = rgb[0].height
        guard let prev = prevOut, let age0 = prevAge, let pl = prevLuma,
              pl.width == luma.width, pl.height == luma.height, prev[0].width == w, prev[0].height == h else {
            let styl = stylizer.stylize(rgb)
            prevOut = styl; prevAge = Plane(width: w, height: h)
            report.meanValidFraction = validSum / Double(report.frames)
            return styl
        }
        // The look and the two flows are independent: run them side by side (each still splits its
        // own loops), which keeps both cores busier than three parallel phases one after another.
        let finest = Self.disFinestScale(configured: parameters.flow.finestScale, flowSide: max(luma.width, luma.height),
                                         workingSide: max(w, h), limit: parameters.maxFinerDISSide)
        if finest != parameters.flow.finestScale, finerDIS?.parameters.finestScale != finest {
            var p = parameters.flow
            p.finestScale = finest
            p.patchStride = 4
            finerDIS = DISFlow(parameters: p)
        }
        let stylizer = self.stylizer, current = luma
        let dis = finest == parameters.flow.finestScale ? self.dis : finerDIS!
        let (styl, back, fwd) = concurrently({ stylizer.stylize(rgb) }, { dis.flow(from: current, to: pl) },
                                             { dis.flow(from: pl, to: current) })
        let scale = Float(frame.width) / Float(luma.width)
        let consistent = Occlusion.validMask(flow: back, reverse: fwd, pixelScale: scale, motionBoundaries: parameters.motionBoundaryTest,
                                             boundaryFloor: parameters.motionBoundaryFloor)
        var (mask, carryFlow, warpedLuma) = Self.repairing(flow: back, mask: consistent, luma: luma, previous: pl,
                                                           parameters: parameters)
        let (valid, residual) = Self.validFractionAndResidual(mask: mask, luma: luma, warped: warpedLuma)
        if 1 - valid > parameters.cutOccludedFraction || residual > parameters.cutResidual {
            report.cuts += 1
            prevOut = styl; prevAge = Plane(width: w, height: h)
            report.meanValidFraction = validSum / Double(report.frames)
            return styl
        }
        validSum += Double(valid)
        report.meanValidFraction = validSum / Double(report.frames)
        if stylizer.holdsUnchangedInput {
            Self.holdingUnchanged(flow: &carryFlow, mask: &mask, luma: luma, previous: pl, parameters: parameters)
        }

        let flowW = carryFlow.resized(width: w, height: h)
        let maskW = mask.resized(width: w, height: h)
        let moving = Self.motionWeight(back, pixelScale: scale, still: parameters.restoreMotion.lowerBound,
                                       moving: parameters.restoreMotion.upperBound).resized(width: w, height: h)
        let (blended, newAge) = Self.blend(stylised: styl, previous: prev, age: age0, flow: flowW, mask: maskW,
                                           coherence: c, maxCarry: parameters.maxCarry, moving: moving)
        report.maxAge = max(report.maxAge, Self.maximum(newAge))
        let beta = parameters.detailRestore ?? stylizer.coherenceDetailRestore
        let out = beta > 0 ? Self.restoringDetail(blended, from: styl, fraction: beta,
                                                  radius: parameters.detailRadius ?? stylizer.coherenceDetailRadius,
                                                  weight: moving) : blended
        prevOut = out; prevAge = newAge
        return out
    }
}
