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
    /// Applies `xTable` along rows and then `yTable` along columns.
    func resampledSeparable(x xTable: AxisTable, y yTable: AxisTable) -> Image {
        let outW = xTable.outCount, outH = yTable.outCount, ch = channels
        guard outW > 0, outH > 0, width > 0, height > 0 else {
            return Image(width: outW, height: outH, channels: ch)
        }
        let inW = width, inH = height
        let tmpRow = outW * ch
        var tmp = [Float].uninitialized(inH * tmpRow)
        // Horizontal pass: each input row is copied into an edge-padded buffer, then every
        // output pixel is a contiguous run of taps over it, channels innermost.
        data.withUnsafeBufferPointer { srcBuf in
            tmp.withUnsafeMutableBufferPointer { tmpBuf in
                xTable.runFirst.withUnsafeBufferPointer { firstBuf in
                    xTable.runWeight.withUnsafeBufferPointer { wBuf in
                        let src = srcBuf.baseAddress!, dst = tmpBuf.baseAddress!
                        let first = firstBuf.baseAddress!, wt = wBuf.baseAddress!
                        let run = xTable.runLength, padL = xTable.padLeft, padR = xTable.padRight
                        Parallel.forRanges(inH, costPerItem: outW * run * ch) { rows in
                            let padded = UnsafeMutablePointer<Float>.allocate(capacity: (padL + inW + padR) * ch + 1)
                            defer { padded.deallocate() }
                            let body = padded + padL * ch
                            padded[(padL + inW + padR) * ch] = 0
                            for y in rows {
                                let s = src + y * inW * ch
                                body.update(from: s, count: inW * ch)
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
                        Parallel.forRanges(outH, costPerItem: tmpRow * taps) { rows in
                            for y in rows {
                                let d = dst + y * tmpRow
                                RowKernels.scale(d, src + Int(idx[y * taps]) * tmpRow, wt[y * taps], tmpRow)
                                for k in 1..<max(taps, 1) {
                                    let w = wt[y * taps + k]
                                    if w == 0 { continue }
                                    RowKernels.axpy(d, src + Int(idx[y * taps + k]) * tmpRow, w, tmpRow)
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
