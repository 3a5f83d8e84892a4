extension NCNNModel {
    /// Removes Split aliases (readers use the source blob), then fuses a PReLU into the convolution it
    /// follows and a residual sum `c0·conv(x) + 1·r` into the convolution (c0 scales its weights and bias),
    /// when the convolution's output has no other reader. The residual must exist before the
    /// convolution runs. Real-ESRGAN x4plus thereby loses every dense block's scaled residual add;
    /// the compact model every PReLU.
    mutating func fuse() {
        var root = Array(0..<blobCount)
        for op in ops { if case let .alias(from, to) = op { for t in to { root[t] = root[from] } } }
        func r(_ b: Int) -> Int { root[b] }
        ops = ops.compactMap { op in
            switch op {
            case .alias: return nil
            case .input: return op
            case var .conv(c): c.input = r(c.input); c.residual = c.residual.map(r); return .conv(c)
            case let .prelu(i, o, s): return .prelu(input: r(i), output: o, slopes: s)
            case let .pixelShuffle(i, o, f, m): return .pixelShuffle(input: r(i), output: o, factor: f, mode: m)
            case let .nearest(i, o, y, x): return .nearest(input: r(i), output: o, scaleY: y, scaleX: x)
            case let .sum(ins, o, c): return .sum(inputs: ins.map(r), output: o, coeffs: c)
            case let .concat(ins, o): return .concat(inputs: ins.map(r), output: o)
            }
        }
        outputBlob = r(outputBlob)
        inputBlob = r(inputBlob)

        var readers = [Int](repeating: 0, count: blobCount)
        var producer = [Int](repeating: -1, count: blobCount)
        func index() {
            readers = Array(repeating: 0, count: blobCount)
            for (i, op) in ops.enumerated() {
                for b in Self.reads(op) { readers[b] += 1 }
                for b in Self.writes(op) { producer[b] = i }
            }
        }
        index()
        var i = 0
        while i < ops.count {
            defer { i += 1 }
            switch ops[i] {
            case let .prelu(input, output, slopes):
                let p = producer[input]
                guard p >= 0, readers[input] == 1, input != outputBlob, case var .conv(c) = ops[p], c.alpha == nil, c.residual == nil,
                      slopes.count == c.outC || slopes.count == 1 else { continue }
                c.alpha = slopes.count == 1 ? Array(repeating: slopes[0], count: c.outC) : slopes
                c.output = output
                ops[p] = .conv(c)
                ops.remove(at: i); i -= 1
                index()
            case let .sum(inputs, output, coeffs) where inputs.count == 2:
                // Try the later-produced operand as the conv, so the other one already exists.
                let order = producer[inputs[0]] > producer[inputs[1]] ? [0, 1] : [1, 0]
                for k in order {
                    let x = inputs[k], other = inputs[1 - k], p = producer[x]
                    guard p >= 0, readers[x] == 1, x != outputBlob, other != x, coeffs[1 - k] == 1, producer[other] < p,
                          case var .conv(c) = ops[p], c.activation == .none, c.alpha == nil, c.residual == nil else { continue }
                    let s = coeffs[k]
                    if s != 1 { c.filter = c.filter.map { $0 * s }; c.bias = c.bias.map { $0 * s } }
                    c.residual = other
                    c.output = output
                    ops[p] = .conv(c)
                    ops.remove(at: i); i -= 1
                    index()
                    break
                }
            default: continue
            }
        }
    }
}
