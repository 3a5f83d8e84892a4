import Imaging

/// Layout kernels for super-resolution networks, NHWC.

/// Pixel shuffle (depth to space).
///   input [1, H, W, C·r²], output [1, H·r, W·r, C]
///   mode 0 (PyTorch pixel_shuffle, "CRD"): out[y·r+i, x·r+j, c] = in[y, x, c·r² + i·r + j]
///   mode 1 (TensorFlow depth_to_space, "DCR"): out[y·r+i, x·r+j, c] = in[y, x, (i·r + j)·C + c]
func pixelShuffleKernel(_ input: UnsafePointer<Float>, h: Int, w: Int, outC: Int, factor r: Int, mode: Int,
                        _ out: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
    let inC = outC &* r &* r, ow = w &* r
    parallelChunks(h, team: team, work: h &* w &* inC) { _, rows in
        for y in rows {
            for x in 0..<w {
                let src = input + (y &* w &+ x) &* inC
                for i in 0..<r {
                    for j in 0..<r {
                        let dst = out + ((y &* r &+ i) &* ow &+ x &* r &+ j) &* outC
                        if mode == 0 {
                            let sub = i &* r &+ j, step = r &* r
                            for c in 0..<outC { dst[c] = src[c &* step &+ sub] }
                        } else {
                            copyFloats(from: src + (i &* r &+ j) &* outC, to: dst, count: outC)
                        }
                    }
                }
            }
        }
    }
}

/// Nearest-neighbour upsampling by integer factors.
///   input [1, H, W, C], output [1, H·sy, W·sx, C]; out[y, x] = in[y / sy, x / sx]
func nearestUpsampleKernel(_ input: UnsafePointer<Float>, h: Int, w: Int, c: Int, scaleY sy: Int, scaleX sx: Int,
                           _ out: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
    let ow = w &* sx, rowFloats = ow &* c
    parallelChunks(h, team: team, work: h &* sy &* rowFloats) { _, rows in
        for y in rows {
            let first = out + (y &* sy) &* rowFloats
            for x in 0..<w {
                let src = input + (y &* w &+ x) &* c
                for j in 0..<sx { copyFloats(from: src, to: first + (x &* sx &+ j) &* c, count: c) }
            }
            for k in 1..<max(sy, 1) { (first + k &* rowFloats).update(from: first, count: rowFloats) }
        }
    }
}

/// Weighted sum of equally shaped tensors: out = Σ coeffs[i]·inputs[i] (ncnn Eltwise SUM, BinaryOp ADD).
///   inputs k × [count], output [count]; out may alias none of the inputs.
func weightedSumKernel(_ inputs: [UnsafePointer<Float>], coeffs: [Float], count: Int, _ out: UnsafeMutablePointer<Float>,
                       team: WorkerTeam?) {
    parallelChunks(count, team: team, work: count &* inputs.count, align: 64) { _, range in
        let lo = range.lowerBound, n = range.count
        let c0 = coeffs[0]
        for i in 0..<n { out[lo &+ i] = c0 * inputs[0][lo &+ i] }
        for k in 1..<inputs.count {
            let src = inputs[k] + lo, dst = out + lo, ck = coeffs[k]
            var i = 0
            while i &+ 8 <= n { store8(dst + i, 0, load8(dst + i) + ck * load8(src + i)); i &+= 8 }
            while i < n { dst[i] += ck * src[i]; i &+= 1 }
        }
    }
}

/// Channel concatenation, split over the team by pixels (x4plus concatenates ~3 MB 276 times a frame, and the
/// single-threaded `ConcatenationKernel` with a memmove per block measured 6-9% of its time).
///   inputs k × [P, Ci], output [P, ΣCi]
func concatChannelsKernel(_ inputs: [UnsafePointer<Float>], channels: [Int], pixels: Int, _ out: UnsafeMutablePointer<Float>,
                          team: WorkerTeam?) {
    let total = channels.reduce(0, +)
    parallelChunks(pixels, team: team, work: pixels &* total) { _, range in
        for p in range {
            var dst = out + p &* total
            for (k, c) in channels.enumerated() {
                copyFloats(from: inputs[k] + p &* c, to: dst, count: c)
                dst += c
            }
        }
    }
}
