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

    /// Builds a table from per-output (index, weight) lists; indices are clamped to `0..<inCount`.
    init(inCount: Int, outCount: Int, entries: (Int) -> [(Int, Double)]) {
        var lists: [[(Int, Double)]] = []
        lists.reserveCapacity(outCount)
        var taps = 1
        for o in 0..<outCount {
            var merged: [(Int, Double)] = []
            for (i, w) in entries(o) where w != 0 {
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
        var tmp = [Float](repeating: 0, count: inH * tmpRow)
        // Horizontal pass: a gather per output pixel, channels innermost.
        data.withUnsafeBufferPointer { srcBuf in
            tmp.withUnsafeMutableBufferPointer { tmpBuf in
                xTable.index.withUnsafeBufferPointer { idxBuf in
                    xTable.weight.withUnsafeBufferPointer { wBuf in
                        let src = srcBuf.baseAddress!, dst = tmpBuf.baseAddress!
                        let idx = idxBuf.baseAddress!, wt = wBuf.baseAddress!
                        let taps = xTable.taps
                        Parallel.forRanges(inH, costPerItem: outW * taps * ch) { rows in
                            for y in rows {
                                let s = src + y * inW * ch
                                let d = dst + y * tmpRow
                                switch ch {
                                case 3:
                                    for o in 0..<outW {
                                        var r: Float = 0, g: Float = 0, b: Float = 0
                                        for k in 0..<taps {
                                            let w = wt[o * taps + k]
                                            let p = s + Int(idx[o * taps + k]) * 3
                                            r += w * p[0]; g += w * p[1]; b += w * p[2]
                                        }
                                        d[o * 3] = r; d[o * 3 + 1] = g; d[o * 3 + 2] = b
                                    }
                                case 1:
                                    for o in 0..<outW {
                                        var acc: Float = 0
                                        for k in 0..<taps { acc += wt[o * taps + k] * s[Int(idx[o * taps + k])] }
                                        d[o] = acc
                                    }
                                default:
                                    for o in 0..<outW {
                                        for c in 0..<ch {
                                            var acc: Float = 0
                                            for k in 0..<taps {
                                                acc += wt[o * taps + k] * s[Int(idx[o * taps + k]) * ch + c]
                                            }
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
        var out = [Float](repeating: 0, count: outH * tmpRow)
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
                                for k in 0..<taps {
                                    let w = wt[y * taps + k]
                                    if w == 0 && k > 0 { continue }
                                    let s = src + Int(idx[y * taps + k]) * tmpRow
                                    if k == 0 {
                                        for i in 0..<tmpRow { d[i] = w * s[i] }
                                    } else {
                                        for i in 0..<tmpRow { d[i] += w * s[i] }
                                    }
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
