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
    init(inCount: Int, outCount: Int, entries: (Int) -> [(Int, Double)]) {
        var lists: [[(Int, Double)]] = []
        var raws: [[(Int, Double)]] = []
        lists.reserveCapacity(outCount)
        raws.reserveCapacity(outCount)
        var taps = 1
        for o in 0..<outCount {
            var merged: [(Int, Double)] = []
            let raw = entries(o).filter { $0.1 != 0 }
            raws.append(raw.isEmpty ? [(0, 0)] : raw)
            for (i, w) in raw {
                let ci = min(max(i, 0), max(inCount - 1, 0))
                // Merging taps that clamp to the same pixel keeps the table short at borders.
                if let j = merged.firstIndex(where: { $0.0 == ci }) { merged[j].1 += w } else { merged.append((ci, w)) }
            }
            if merged.isEmpty { merged = [(0, 0)] }
            taps = max(taps, merged.count)
            lists.append(merged)
        }
        self.outCount = outCount
        self.taps = taps
        index = [Int32](repeating: 0, count: outCount * taps)
        weight = [Float](repeating: 0, count: outCount * taps)
        for o in 0..<outCount {
            for (k, e) in lists[o].enumerated() {
                index[o * taps + k] = Int32(e.0)
                weight[o * taps + k] = Float(e.1)
            }
        }
        var lo = 0, hi = max(inCount - 1, 0), run = 1
        for raw in raws {
            let a = raw.map(\.0).min()!, b = raw.map(\.0).max()!
            lo = min(lo, a); hi = max(hi, b); run = max(run, b - a + 1)
        }
        padLeft = -lo
        padRight = hi - max(inCount - 1, 0)
        runLength = run
        runFirst = [Int32](repeating: 0, count: outCount)
        runWeight = [Float](repeating: 0, count: outCount * run)
        for (o, raw) in raws.enumerated() {
            // Runs are left-aligned; a run shorter than `run` is padded with zero weights,
            // which may read up to `run - 1` samples past its end, so make room for them.
            let a = min(raw.map(\.0).min()!, hi - run + 1)
            runFirst[o] = Int32(a)
            for (i, w) in raw { runWeight[o * run + (i - a)] += Float(w) }
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
