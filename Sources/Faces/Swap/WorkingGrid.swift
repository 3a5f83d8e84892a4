import Imaging

/// The grid the swap works on inside a frame rectangle: the rectangle resampled so the target face
/// is no larger than the source face (the source holds no finer detail), never above frame
/// resolution. Warp, masks, colour, lighting and the blend run on this grid; only the final
/// composite (`composite(into:...)`) touches the frame's own pixels. Pixel centres follow Imaging's
/// resize convention: grid sample i sits at frame x = rect.x + (i + 0.5) / sx − 0.5.
struct WorkingGrid {
    /// The frame rectangle covered.
    let rect: PixelRect
    /// Grid size.
    let width: Int
    let height: Int
    /// Grid samples per frame pixel, per axis (≤ 1).
    let sx: Float
    let sy: Float

    /// A grid over `rect` at scale about `scale` (clamped to 0...1; 1 is the frame's own pixels).
    init(rect: PixelRect, scale: Float) {
        self.rect = rect
        let s = min(max(scale, 0), 1)
        width = s >= 1 ? rect.width : min(rect.width, max(8, Int((Float(rect.width) * s).rounded(.up))))
        height = s >= 1 ? rect.height : min(rect.height, max(8, Int((Float(rect.height) * s).rounded(.up))))
        sx = Float(width) / Float(rect.width)
        sy = Float(height) / Float(rect.height)
    }

    /// True when the grid is the frame's own pixels inside `rect`.
    var isIdentity: Bool { width == rect.width && height == rect.height }

    /// Mean of the two axis scales (for lengths: radii, sigmas).
    var scale: Float { (sx + sy) / 2 }

    /// The grid itself as a rectangle at the origin.
    var bounds: PixelRect { PixelRect(x: 0, y: 0, width: width, height: height) }

    /// Frame points mapped to grid coordinates (z scaled with the mean scale).
    func map(_ pts: [SIMD3<Float>]) -> [SIMD3<Float>] {
        let ox = Float(rect.x), oy = Float(rect.y), s = scale
        return pts.map { SIMD3(($0.x - ox + 0.5) * sx - 0.5, ($0.y - oy + 0.5) * sy - 0.5, $0.z * s) }
    }

    /// The frame's pixels under the grid, as floats in 0...1: an exact copy when the grid is the
    /// frame's own pixels, otherwise an area-filtered reduction of the rectangle.
    func sample(_ frame: ByteImage) -> RegionBuffer {
        if isIdentity { return RegionBuffer(cropping: frame, rect) }
        return Image(resampling: frame, x: rect.x, y: rect.y, width: rect.width, height: rect.height,
                     toWidth: width, toHeight: height, filter: .area)
    }

    /// Writes the result into the frame. With `bg` the frame sampled on the grid, `blended` the
    /// grid-resolution result and `mask` the finest blend mask (1 channel), each frame pixel becomes
    ///
    ///     bg_f + up(m)·(up(bg) − bg_f) + up(blended − bg)
    ///
    /// (`up` = bilinear interpolation of the grid, `bg_f` the frame's own pixel): inside the face the
    /// frame's own detail finer than the grid is replaced along with the rest (it equals
    /// up(blended) there), outside the mask the frame keeps its pixels, and the blend's coarse bands
    /// carry over unchanged. On an identity grid this is exactly `blended`. Rows run on both cores.
    func composite(into frame: inout ByteImage, bg: RegionBuffer, blended: RegionBuffer, mask: RegionBuffer) {
        if isIdentity { blended.paste(into: &frame, at: rect); return }
        let gw = width, gh = height, r = rect, fw = frame.width
        // Packed grid, 8 floats per sample: bg r g b, mask, blended − bg r g b, 0 — two SIMD4 loads
        // per neighbour, so one bilinear pass reads everything. Colours are in levels (×255).
        let k = 8
        var packed = [Float](repeating: 0, count: gw * gh * k)
        packed.withUnsafeMutableBufferPointer { pk in
          bg.data.withUnsafeBufferPointer { bgp in blended.data.withUnsafeBufferPointer { blp in mask.data.withUnsafeBufferPointer { mp in
            for p in 0..<(gw * gh) {
                let o = p * k
                for c in 0..<3 {
                    pk[o + c] = bgp[3 * p + c] * 255
                    pk[o + 4 + c] = (blp[3 * p + c] - bgp[3 * p + c]) * 255
                }
                pk[o + 3] = mp[p]
            }
          } } }
        }
        // Per grid row, the span of samples that can change a frame pixel: mask > 0, or a correction
        // of at least half a level (smaller ones round away on an unmasked pixel). A frame pixel whose
        // four grid neighbours all lie outside the spans keeps its value exactly, so it is skipped.
        var spanLo = [Int](repeating: Int.max, count: gh), spanHi = [Int](repeating: -1, count: gh)
        let tiny: Float = 0.49
        packed.withUnsafeBufferPointer { pk in
            for gy in 0..<gh { for gx in 0..<gw {
                let o = (gy * gw + gx) * k
                if pk[o + 3] != 0 || abs(pk[o + 4]) >= tiny || abs(pk[o + 5]) >= tiny || abs(pk[o + 6]) >= tiny {
                    spanLo[gy] = min(spanLo[gy], gx); spanHi[gy] = gx
                }
            } }
        }
        var x0s = [Int32](repeating: 0, count: r.width), x1s = x0s, axs = [Float](repeating: 0, count: r.width)
        for x in 0..<r.width {
            let f = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(gw - 1))
            let i = min(Int(f), gw - 1)
            x0s[x] = Int32(i * k); x1s[x] = Int32(min(i + 1, gw - 1) * k); axs[x] = f - Float(i)
        }
        let sy = self.sy, sx = self.sx
        packed.withUnsafeBufferPointer { pb in
          x0s.withUnsafeBufferPointer { x0b in x1s.withUnsafeBufferPointer { x1b in axs.withUnsafeBufferPointer { axb in
          spanLo.withUnsafeBufferPointer { slb in spanHi.withUnsafeBufferPointer { shb in
            frame.data.withUnsafeMutableBufferPointer { fb in
                let g = SharedPointer(pb), out = SharedMutablePointer(fb), sLo = SharedPointer(slb), sHi = SharedPointer(shb)
                let t0 = SharedPointer(x0b), t1 = SharedPointer(x1b), ta = SharedPointer(axb)
                parallelBands(r.height, bands: 2) { lo, hi in
                    let rowLen = gw * k
                    let row = UnsafeMutablePointer<Float>.allocate(capacity: rowLen)
                    defer { row.deallocate() }
                    let lanes = SIMD4<Float>(1, 1, 1, 0)
                    // Adding 2²³ rounds a value in 0...255 to the nearest integer in the low mantissa bits.
                    let magic = SIMD4<Float>(repeating: 8_388_608), top = SIMD4<Float>(repeating: 255)
                    for y in lo..<hi {
                        // Vertical interpolation of the two grid rows around this frame row.
                        let f = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(gh - 1))
                        let y0 = min(Int(f), gh - 1), y1 = min(y0 + 1, gh - 1), ay = f - Float(y0)
                        let glo = min(sLo[y0], sLo[y1]), ghi = max(sHi[y0], sHi[y1])
                        if ghi < glo { continue }
                        // Frame columns with a grid neighbour in glo...ghi (one column of slack each side).
                        let xlo = max(0, Int(((Float(glo) - 1 + 0.5) / sx - 0.5).rounded(.down)))
                        let xhi = min(r.width - 1, Int(((Float(ghi) + 1 + 0.5) / sx - 0.5).rounded(.up)))
                        if xhi < xlo { continue }
                        let a = g.base + y0 * rowLen, b = g.base + y1 * rowLen
                        let av = SIMD8<Float>(repeating: ay)
                        let c0 = Int(t0[xlo]), c1 = Int(t1[xhi]) + k
                        for i in stride(from: c0, to: c1, by: 8) {
                            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(row + i).storeBytes(of: va + (vb - va) * av, as: SIMD8<Float>.self)
                        }
                        let o = out.base + ((r.y + y) * fw + r.x) * 3
                        for x in xlo...xhi {
                            let p = UnsafeRawPointer(row + Int(t0[x])), q = UnsafeRawPointer(row + Int(t1[x]))
                            let ax = SIMD4<Float>(repeating: ta[x])
                            let p0 = p.loadUnaligned(as: SIMD4<Float>.self), q0 = q.loadUnaligned(as: SIMD4<Float>.self)
                            let p1 = p.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
                            let q1 = q.loadUnaligned(fromByteOffset: 16, as: SIMD4<Float>.self)
                            let lowp = p0 + (q0 - p0) * ax      // bg r g b, mask
                            let d = p1 + (q1 - p1) * ax         // blended − bg, 0
                            let m = lowp[3]
                            let px = o + 3 * x
                            let own = SIMD4<Float>(Float(px[0]), Float(px[1]), Float(px[2]), 0)
                            var v = own + m * (lowp * lanes - own) + d
                            // Clamp (a NaN fails both tests and becomes 0), then round by the 2²³ trick.
                            v = v.replacing(with: SIMD4<Float>(), where: .!(v .> SIMD4<Float>()))
                            v = v.replacing(with: top, where: v .> top)
                            let bits = unsafeBitCast(v + magic, to: SIMD4<UInt32>.self)
                            px[0] = UInt8(truncatingIfNeeded: bits[0])
                            px[1] = UInt8(truncatingIfNeeded: bits[1])
                            px[2] = UInt8(truncatingIfNeeded: bits[2])
                        }
                    }
                }
            }
          } }
          } } }
        }
    }
}
