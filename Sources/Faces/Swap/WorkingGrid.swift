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
        let crop = Image(frame.cropped(x: rect.x, y: rect.y, width: rect.width, height: rect.height))
        let small = crop.resized(width: width, height: height, filter: .area)
        return RegionBuffer(width: width, height: height, channels: small.channels, data: small.data)
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
        // Packed grid: bg (3), blended − bg (3), mask (1) per sample, so one bilinear pass reads all.
        let k = 7
        var packed = [Float](repeating: 0, count: gw * gh * k)
        for p in 0..<(gw * gh) {
            for c in 0..<3 {
                packed[p * k + c] = bg.data[3 * p + c]
                packed[p * k + 3 + c] = blended.data[3 * p + c] - bg.data[3 * p + c]
            }
            packed[p * k + 6] = mask.data[p]
        }
        var x0s = [Int32](repeating: 0, count: r.width), x1s = x0s, axs = [Float](repeating: 0, count: r.width)
        for x in 0..<r.width {
            let f = min(max((Float(x) + 0.5) * sx - 0.5, 0), Float(gw - 1))
            let i = min(Int(f), gw - 1)
            x0s[x] = Int32(i * k); x1s[x] = Int32(min(i + 1, gw - 1) * k); axs[x] = f - Float(i)
        }
        let sy = self.sy
        packed.withUnsafeBufferPointer { pb in
          x0s.withUnsafeBufferPointer { x0b in x1s.withUnsafeBufferPointer { x1b in axs.withUnsafeBufferPointer { axb in
            frame.data.withUnsafeMutableBufferPointer { fb in
                let g = SharedPointer(pb), out = SharedMutablePointer(fb)
                let t0 = SharedPointer(x0b), t1 = SharedPointer(x1b), ta = SharedPointer(axb)
                parallelBands(r.height, bands: 2) { lo, hi in
                    let rowLen = gw * k
                    let row = UnsafeMutablePointer<Float>.allocate(capacity: rowLen)
                    defer { row.deallocate() }
                    for y in lo..<hi {
                        // Vertical interpolation of the two grid rows around this frame row.
                        let f = min(max((Float(y) + 0.5) * sy - 0.5, 0), Float(gh - 1))
                        let y0 = min(Int(f), gh - 1), y1 = min(y0 + 1, gh - 1), ay = f - Float(y0)
                        let a = g.base + y0 * rowLen, b = g.base + y1 * rowLen
                        var i = 0
                        let av = SIMD8<Float>(repeating: ay)
                        while i + 8 <= rowLen {
                            let va = UnsafeRawPointer(a + i).loadUnaligned(as: SIMD8<Float>.self)
                            let vb = UnsafeRawPointer(b + i).loadUnaligned(as: SIMD8<Float>.self)
                            UnsafeMutableRawPointer(row + i).storeBytes(of: va + (vb - va) * av, as: SIMD8<Float>.self)
                            i += 8
                        }
                        while i < rowLen { row[i] = a[i] + (b[i] - a[i]) * ay; i += 1 }
                        let o = out.base + ((r.y + y) * fw + r.x) * 3
                        for x in 0..<r.width {
                            let p = row + Int(t0[x]), q = row + Int(t1[x]), ax = ta[x]
                            let m = p[6] + (q[6] - p[6]) * ax
                            for c in 0..<3 {
                                let d = p[3 + c] + (q[3 + c] - p[3 + c]) * ax
                                if m == 0 && d == 0 { continue }
                                let bgc = p[c] + (q[c] - p[c]) * ax
                                let own = Float(o[3 * x + c]) * (1 / 255)
                                let v = (own + m * (bgc - own) + d) * 255 + 0.5
                                o[3 * x + c] = UInt8(v > 0 ? (v < 255 ? v : 255) : 0)
                            }
                        }
                    }
                }
            }
          } } }
        }
    }
}

extension RegionBuffer {
    /// Wraps existing interleaved samples.
    init(width: Int, height: Int, channels: Int, data: [Float]) {
        precondition(data.count == width * height * channels, "data does not match the buffer shape")
        self.width = width; self.height = height; self.channels = channels; self.data = data
    }
}
