import Imaging

/// ADD.
///   a [..., C], b: same shape as a, or [C] / any shape with C elements broadcast over the last axis, or 1 element
///   out: a's shape
/// `bCount` is b's element count; out may alias a.
func addKernel(_ a: UnsafePointer<Float>, count: Int, _ b: UnsafePointer<Float>, bCount: Int,
               _ out: UnsafeMutablePointer<Float>, activation: FusedActivation, team: WorkerTeam) {
    if bCount == count {
        parallelChunks(count, team: team, work: count, align: 64) { _, range in
            var i = range.lowerBound
            while i &+ 8 <= range.upperBound {
                store8(out + i, 0, load8(a + i) + load8(b + i))
                i &+= 8
            }
            while i < range.upperBound { out[i] = a[i] + b[i]; i &+= 1 }
            applyActivation(activation, out + range.lowerBound, count: range.count)
        }
    } else if bCount == 1 {
        let s = b[0]
        for i in 0..<count { out[i] = activation.apply(a[i] + s) }
    } else {
        // Broadcast over the last axis: count is a multiple of bCount (checked at planning time).
        var i = 0
        while i < count {
            for j in 0..<bCount { out[i + j] = activation.apply(a[i + j] + b[j]) }
            i += bCount
        }
    }
}

/// RELU / RELU6 / RELU_N1_TO_1 as a stand-alone op.
///   input and output: same shape; out may alias input.
func activationKernel(_ input: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, count: Int,
                      activation: FusedActivation) {
    if UnsafePointer(out) != input { out.update(from: input, count: count) }
    applyActivation(activation, out, count: count)
}

/// PRELU.
///   input [..., C], alpha: C elements (broadcast over the last axis) or as many as input
///   out[i] = x >= 0 ? x : alpha[i % alphaCount] * x
func preluKernel(_ input: UnsafePointer<Float>, count: Int, alpha: UnsafePointer<Float>, alphaCount: Int,
                 _ out: UnsafeMutablePointer<Float>, team: WorkerTeam?) {
    let c = alphaCount
    let pixels = count / c
    parallelChunks(pixels, team: team, work: count) { _, range in
        for p in range {
            let src = input + p * c, dst = out + p * c
            var ch = 0
            while ch + 8 <= c {
                let x = load8(src + ch), al = load8(alpha + ch)
                store8(dst + ch, 0, x.replacing(with: x * al, where: x .< 0))
                ch += 8
            }
            while ch < c {
                let x = src[ch]
                dst[ch] = x < 0 ? x * alpha[ch] : x
                ch += 1
            }
        }
    }
}
