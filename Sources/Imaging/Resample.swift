/// Precomputed 1-D resampling weights for one axis: output sample `o` is
/// `sum_k weight[o*taps + k] * input[index[o*taps + k]]`.
///
/// Indices are already clamped to the input (clamp-to-edge borders); unused taps
/// carry weight 0 and index 0. Every resampling op (resize, pyramid reduce and
/// expand) builds two of these and runs `Image.resampledSeparable`.
struct AxisTable {
    /// Number of output samples.
    let outCount: Int
    /// Taps per output sample.
    let taps: Int
    /// Input index per tap, `outCount * taps` of them.
    var index: [Int32]
    /// Weight per tap, `outCount * taps` of them.
    var weight: [Float]
    /// The same filter as contiguous runs over an edge-padded input: output `o` is
    /// `sum_k runWeight[o*runLength + k] * padded[runFirst[o] + padLeft + k]`, where
    /// `padded` repeats the first and last samples `padLeft` and `padRight` times. The
    /// horizontal pass uses this form so it needs no index loads or border branches.
    var runFirst: [Int32]
    /// Taps per output in the run form.
    let runLength: Int
    /// Weights in the run form, `outCount * runLength` of them.
    var runWeight: [Float]
    /// Samples of edge padding needed before index 0 in the run form.
    let padLeft: Int
    /// Samples of edge padding needed after the last index in the run form.
    let padRight: Int

    /// Builds a table from per-output (index, weight) lists; indices are clamped to `0..<inCount`.
    ///
    /// `entries(o, &list)` appends output `o`'s taps to an emptied, reused list (no
    /// allocation per output). Taps listed in ascending index order merge where they
    /// clamp to the same edge pixel; any order is still correct, only longer.
    init(inCount: Int, outCount: Int, entries: (Int, inout [(Int, Double)]) -> Void) {
        var rawIdx: [Int] = [], rawW: [Double] = [], start = [Int](repeating: 0, count: outCount + 1)
        rawIdx.reserveCapacity(outCount * 4)
        rawW.reserveCapacity(outCount * 4)
        var list: [(Int, Double)] = []
        list.reserveCapacity(16)
        let last = max(inCount - 1, 0)
        var taps = 1, lo = 0, hi = last, run = 1
        for o in 0..<outCount {
            list.removeAll(keepingCapacity: true)
            entries(o, &list)
            var mn = Int.max, mx = Int.min, merged = 0, previous = Int.min
            for (i, w) in list where w != 0 {
                rawIdx.append(i); rawW.append(w)
                mn = min(mn, i); mx = max(mx, i)
                let ci = min(max(i, 0), last)
                if ci != previous { merged += 1; previous = ci }
            }
            if mn == Int.max { rawIdx.append(0); rawW.append(0); mn = 0; mx = 0; merged = 1 }
            start[o + 1] = rawIdx.count
            taps = max(taps, merged)
            lo = min(lo, mn); hi = max(hi, mx); run = max(run, mx - mn + 1)
        }
        self.outCount = outCount
        self.taps = taps
        index = [Int32](repeating: 0, count: outCount * taps)
        weight = [Float](repeating: 0, count: outCount * taps)
        padLeft = -lo
        padRight = hi - last
        runLength = run
        runFirst = [Int32](repeating: 0, count: outCount)
        runWeight = [Float](repeating: 0, count: outCount * run)
        for o in 0..<outCount {
            let r = start[o]..<start[o + 1]
            // Merged, clamped form for the vertical pass.
            var k = -1, previous = Int.min
            for j in r {
                let ci = min(max(rawIdx[j], 0), last)
                if ci != previous { k += 1; previous = ci; index[o * taps + k] = Int32(ci) }
                weight[o * taps + k] += Float(rawW[j])
            }
            // Run form: left-aligned; a run shorter than `run` is padded with zero weights, which
            // may read up to `run - 1` samples past its end, so it starts early enough to stay in the padding.
            var a = Int.max
            for j in r { a = min(a, rawIdx[j]) }
            a = min(a, hi - run + 1)
            runFirst[o] = Int32(a)
            for j in r { runWeight[o * run + (rawIdx[j] - a)] += Float(rawW[j]) }
        }
    }
}

extension Image {
    /// Applies `xTable` along rows and then `yTable` along columns. With `base`, returns
    /// `base + sign * result` instead (same shape as the result), fused into the last pass
    /// so pyramids skip a full-image add or subtract.
    func resampledSeparable(x xTable: AxisTable, y yTable: AxisTable, base: Image? = nil, sign: Float = 1) -> Image {
        if let base {
            precondition(base.width == xTable.outCount && base.height == yTable.outCount && base.channels == channels,
                         "resample base has the wrong shape")
        }
        guard xTable.outCount > 0, yTable.outCount > 0, width > 0, height > 0 else {
            return Image(width: xTable.outCount, height: yTable.outCount, channels: channels)
        }
        let inW = width, ch = channels
        return data.withUnsafeBufferPointer { srcBuf in
            let src = srcBuf.baseAddress!
            return Self.resampled(inWidth: width, inHeight: height, channels: channels, x: xTable, y: yTable,
                                  base: base, sign: sign) { y, row in row.update(from: src + y * inW * ch, count: inW * ch) }
        }
    }

    /// The `w`×`h` region at (`x`, `y`) of an 8-bit image resampled to `toWidth`×`toHeight` with
    /// `filter`, as floats in 0...1: the values of
    /// `Image(bytes.cropped(x:y:width:height:)).resized(width:height:filter:)`, without copying or
    /// converting anything outside the region first. The region must lie inside the image.
    public init(resampling bytes: ByteImage, x: Int, y: Int, width w: Int, height h: Int,
                toWidth outW: Int, toHeight outH: Int, filter: ResizeFilter = .bilinear) {
        precondition(x >= 0 && y >= 0 && w >= 0 && h >= 0 && x + w <= bytes.width && y + h <= bytes.height,
                     "resampled region lies outside the image")
        precondition(outW >= 0 && outH >= 0, "negative size \(outW)x\(outH)")
        if outW == w && outH == h {
            self.init(bytes.cropped(x: x, y: y, width: w, height: h))
            return
        }
        guard outW > 0, outH > 0, w > 0, h > 0 else {
            self.init(width: outW, height: outH, channels: bytes.channels)
            return
        }
        let ch = bytes.channels, iw = bytes.width
        let xt = filter.table(inCount: w, outCount: outW), yt = filter.table(inCount: h, outCount: outH)
        self = bytes.data.withUnsafeBufferPointer { srcBuf in
            let src = srcBuf.baseAddress!
            return Self.resampled(inWidth: w, inHeight: h, channels: ch, x: xt, y: yt, base: nil, sign: 1) { row, out in
                // The same scaling as `Image(ByteImage)`, so the values match converting first.
                let s = src + ((y + row) * iw + x) * ch
                for i in 0..<(w * ch) { out[i] = Float(s[i]) * (1.0 / 255.0) }
            }
        }
    }

    /// The separable engine over an input given row by row: `loadRow(y, buffer)` writes input row
    /// `y` (`inWidth * channels` floats) into `buffer`; it is called concurrently for different rows.
    static func resampled(inWidth inW: Int, inHeight inH: Int, channels ch: Int, x xTable: AxisTable, y yTable: AxisTable,
                          base: Image?, sign: Float, loadRow: (Int, UnsafeMutablePointer<Float>) -> Void) -> Image {
        let outW = xTable.outCount, outH = yTable.outCount
        let tmpRow = outW * ch
        var tmp = [Float].uninitialized(inH * tmpRow)
        // Horizontal pass: each input row is loaded into an edge-padded buffer, then every
        // output pixel is a contiguous run of taps over it, channels innermost.
        do {
            tmp.withUnsafeMutableBufferPointer { tmpBuf in
                xTable.runFirst.withUnsafeBufferPointer { firstBuf in
                    xTable.runWeight.withUnsafeBufferPointer { wBuf in
                        let dst = tmpBuf.baseAddress!
                        let first = firstBuf.baseAddress!, wt = wBuf.baseAddress!
                        let run = xTable.runLength, padL = xTable.padLeft, padR = xTable.padRight
                        Parallel.forRanges(inH, costPerItem: outW * run * ch) { rows in
                            let padded = UnsafeMutablePointer<Float>.allocate(capacity: (padL + inW + padR) * ch + 1)
                            defer { padded.deallocate() }
                            let body = padded + padL * ch
                            padded[(padL + inW + padR) * ch] = 0
                            for y in rows {
                                loadRow(y, body)
                                let s = UnsafePointer(body)
                                for j in 0..<padL { for c in 0..<ch { padded[j * ch + c] = s[c] } }
                                for j in 0..<padR { for c in 0..<ch { body[(inW + j) * ch + c] = s[(inW - 1) * ch + c] } }
                                let d = dst + y * tmpRow
                                switch ch {
                                case 3:
                                    for o in 0..<outW {
                                        // One 4-lane multiply-add per tap: lanes 0-2 are the pixel,
                                        // lane 3 reads the next sample (the buffer has one spare float).
                                        let p = body + Int(first[o]) * 3
                                        let wo = wt + o * run
                                        var acc = SIMD4<Float>()
                                        for k in 0..<run {
                                            acc += wo[k] * UnsafeRawPointer(p + 3 * k).loadUnaligned(as: SIMD4<Float>.self)
                                        }
                                        d[o * 3] = acc[0]; d[o * 3 + 1] = acc[1]; d[o * 3 + 2] = acc[2]
                                    }
                                case 1:
                                    for o in 0..<outW {
                                        let p = body + Int(first[o])
                                        let wo = wt + o * run
                                        var acc: Float = 0
                                        for k in 0..<run { acc += wo[k] * p[k] }
                                        d[o] = acc
                                    }
                                default:
                                    for o in 0..<outW {
                                        let p = body + Int(first[o]) * ch
                                        let wo = wt + o * run
                                        for c in 0..<ch {
                                            var acc: Float = 0
                                            for k in 0..<run { acc += wo[k] * p[k * ch + c] }
                                            d[o * ch + c] = acc
                                        }
                                    }
                                }
                            }
                        }
                    }
                }
            }
        }
        // Vertical pass: whole-row multiply-adds, which vectorise.
        var out = [Float].uninitialized(outH * tmpRow)
        tmp.withUnsafeBufferPointer { tmpBuf in
            out.withUnsafeMutableBufferPointer { outBuf in
                yTable.index.withUnsafeBufferPointer { idxBuf in
                    yTable.weight.withUnsafeBufferPointer { wBuf in
                        let src = tmpBuf.baseAddress!, dst = outBuf.baseAddress!
                        let idx = idxBuf.baseAddress!, wt = wBuf.baseAddress!
                        let taps = yTable.taps
                        // Negating the weights is exact, so base - Σ w·x == base + Σ (-w)·x bit for bit.
                        let baseData = base?.data ?? []
                        baseData.withUnsafeBufferPointer { b in
                            // An empty array may still have a base address, so test `base` itself.
                            let bp = base == nil ? nil : b.baseAddress
                            Parallel.forRanges(outH, costPerItem: tmpRow * taps) { rows in
                                for y in rows {
                                    let d = dst + y * tmpRow
                                    RowKernels.scale(d, src + Int(idx[y * taps]) * tmpRow, sign * wt[y * taps], tmpRow)
                                    for k in 1..<max(taps, 1) {
                                        let w = wt[y * taps + k]
                                        if w == 0 { continue }
                                        RowKernels.axpy(d, src + Int(idx[y * taps + k]) * tmpRow, sign * w, tmpRow)
                                    }
                                    if let bp { RowKernels.axpy(d, bp + y * tmpRow, 1, tmpRow) }
                                }
                            }
                        }
                    }
                }
            }
        }
        return Image(width: outW, height: outH, channels: ch, data: out)
    }
}
