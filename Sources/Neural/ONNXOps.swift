import Foundation

/// The op kernels of `ONNXGraph` on row-major float tensors (rank ≤ 4 except Reshape's data).
enum ONNXOps {
    static func evaluate(_ node: ONNXNode, _ args: [Tensor?], conv: ONNXGraph.ConvPlan?, saturation: ClosedRange<Float>?,
                         team: ComputeTeam?) throws -> [Tensor] {
        func arg(_ i: Int) throws -> Tensor {
            guard i < args.count, let t = args[i] else { throw ONNXError.missing("input \(i) of \(node.opType) '\(node.name)'") }
            return t
        }
        switch node.opType {
        case "Identity": return [try arg(0)]
        case "Relu": return [map(try arg(0)) { max($0, 0) }]
        case "Sqrt": return [map(try arg(0)) { $0.squareRoot() }]
        case "Reciprocal": return [map(try arg(0)) { 1 / $0 }]
        case "Sigmoid": return [map(try arg(0)) { 1 / (1 + expf(-$0)) }]
        case "Clip":
            let lo = args.count > 1 ? args[1]?.data.first ?? -.infinity : -.infinity
            let hi = args.count > 2 ? args[2]?.data.first ?? .infinity : .infinity
            return [map(try arg(0)) { min(max($0, lo), hi) }]
        case "Add": return [try fastBinary(arg(0), arg(1), .add, team: team) ?? binary(arg(0), arg(1), +)]
        case "Sub": return [try fastBinary(arg(0), arg(1), .sub, team: team) ?? binary(arg(0), arg(1), -)]
        case "Mul": return [try fastBinary(arg(0), arg(1), .mul, team: team) ?? binary(arg(0), arg(1), *)]
        case "Div": return [try fastBinary(arg(0), arg(1), .div, team: team) ?? binary(arg(0), arg(1), /)]
        case "QuantizeLinear":
            let x = try arg(0), s = try arg(1), zp = args.count > 2 ? args[2] : nil
            let range = saturation ?? -128...127
            if let q = scalarQuant(args) { return [fakeQuantize(x, quantize: q, range: range, dequantize: nil, team: team)] }
            return [try perAxis(x, s, zp, axis: node.int("axis", default: 1)) { v, scale, z in
                min(max((v / scale).rounded(.toNearestOrEven) + z, range.lowerBound), range.upperBound)
            }]
        case "DequantizeLinear":
            let x = try arg(0), s = try arg(1), zp = args.count > 2 ? args[2] : nil
            if let d = scalarQuant(args) { return [fakeQuantize(x, quantize: nil, range: 0...0, dequantize: d, team: team)] }
            return [try perAxis(x, s, zp, axis: node.int("axis", default: 1)) { q, scale, z in (q - z) * scale }]
        case "GlobalAveragePool": return [try fastGlobalAverage(arg(0)) ?? globalAverage(arg(0))]
        case "Reshape": return [try reshape(arg(0), arg(1))]
        case "Transpose": return [try transpose(arg(0), perm: node.ints("perm"))]
        case "Pad":
            let mode = node.string("mode", default: "constant")
            let value = args.count > 2 ? args[2]?.data.first ?? 0 : 0
            let pads = try indices(arg(1))
            if let fast = fastPad(try arg(0), pads: pads, reflect: mode == "reflect", team: team) { return [fast] }
            return [try pad(arg(0), pads: pads, reflect: mode == "reflect", value: value, mode: mode)]
        case "Resize": return [try resize(node, arg(0), args, team: team)]
        case "Conv":
            guard let conv else { throw ONNXError.unsupported("Conv '\(node.name)' on constants only") }
            return [try convolve(arg(0), conv, team: team ?? ComputeTeam(threads: 1))]
        default: throw ONNXError.unsupported("op \(node.opType)")
        }
    }

    /// Integer values of an index tensor (shapes, pads, scales); non-integral or huge values throw.
    static func indices(_ t: Tensor) throws -> [Int] {
        try t.data.map { v in
            guard v.isFinite, v.rounded() == v, abs(v) <= 1_073_741_824 else { throw ONNXError.unsupported("index value \(v)") }
            return Int(v)
        }
    }

    static func map(_ x: Tensor, _ f: (Float) -> Float) -> Tensor {
        var out = x
        out.data.withUnsafeMutableBufferPointer { b in for i in 0..<b.count { b[i] = f(b[i]) } }
        return out
    }

    /// Shape padded with leading 1s to rank 4.
    static func rank4(_ s: [Int]) throws -> [Int] {
        guard s.count <= 4 else { throw ONNXError.unsupported("rank \(s.count) tensor in an elementwise op") }
        return [Int](repeating: 1, count: 4 - s.count) + s
    }

    /// Numpy-broadcast binary op.
    static func binary(_ a: Tensor, _ b: Tensor, _ f: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape {
            var out = a
            out.data.withUnsafeMutableBufferPointer { o in b.data.withUnsafeBufferPointer { q in
                for i in 0..<o.count { o[i] = f(o[i], q[i]) }
            }}
            return out
        }
        let rank = max(a.shape.count, b.shape.count)
        let sa = [Int](repeating: 1, count: rank - a.shape.count) + a.shape, sb = [Int](repeating: 1, count: rank - b.shape.count) + b.shape
        var shape: [Int] = []
        for (x, y) in zip(sa, sb) {
            guard x == y || x == 1 || y == 1 else { throw ONNXError.missing("broadcastable shapes, got \(a.shape) and \(b.shape)") }
            shape.append(max(x, y))
        }
        let s4 = try rank4(shape), a4 = try rank4(sa), b4 = try rank4(sb)
        func strides(_ d: [Int]) -> [Int] {
            var st = [0, 0, 0, 0], acc = 1
            for i in stride(from: 3, through: 0, by: -1) { st[i] = d[i] == 1 ? 0 : acc; acc *= d[i] }
            return st
        }
        let ta = strides(a4), tb = strides(b4)
        var out = try Tensor(shape: shape, data: [Float](repeating: 0, count: shape.reduce(1, *)))
        out.data.withUnsafeMutableBufferPointer { o in a.data.withUnsafeBufferPointer { pa in b.data.withUnsafeBufferPointer { pb in
            var k = 0
            for i0 in 0..<s4[0] { for i1 in 0..<s4[1] { for i2 in 0..<s4[2] {
                let baseA = i0 * ta[0] + i1 * ta[1] + i2 * ta[2], baseB = i0 * tb[0] + i1 * tb[1] + i2 * tb[2]
                let ia = ta[3], ib = tb[3]
                for i3 in 0..<s4[3] { o[k] = f(pa[baseA + i3 * ia], pb[baseB + i3 * ib]); k += 1 }
            }}}
        }}}
        return out
    }

    /// Elementwise op with a scale and zero point that are scalars or vectors along `axis`.
    static func perAxis(_ x: Tensor, _ s: Tensor, _ zp: Tensor?, axis: Int,
                        _ f: (Float, Float, Float) -> Float) throws -> Tensor {
        var out = x
        if s.count == 1 {
            let scale = s.data[0], z = zp?.data.first ?? 0
            out.data.withUnsafeMutableBufferPointer { b in for i in 0..<b.count { b[i] = f(b[i], scale, z) } }
            return out
        }
        let ax = axis < 0 ? axis + x.shape.count : axis
        guard ax >= 0, ax < x.shape.count, x.shape[ax] == s.count, zp.map({ $0.count == s.count || $0.count == 1 }) ?? true else {
            throw ONNXError.missing("per-axis scale of \(s.count) values for shape \(x.shape) axis \(axis)")
        }
        let inner = x.shape[(ax + 1)...].reduce(1, *), n = s.count
        out.data.withUnsafeMutableBufferPointer { b in
            for i in 0..<b.count {
                let c = (i / inner) % n
                b[i] = f(b[i], s.data[c], zp.map { $0.count == 1 ? $0.data[0] : $0.data[c] } ?? 0)
            }
        }
        return out
    }

    static func globalAverage(_ x: Tensor) throws -> Tensor {
        guard x.shape.count == 4 else { throw ONNXError.missing("GlobalAveragePool on NCHW, got \(x.shape)") }
        let nc = x.shape[0] * x.shape[1], hw = x.shape[2] * x.shape[3]
        var data = [Float](repeating: 0, count: nc)
        x.data.withUnsafeBufferPointer { b in
            for c in 0..<nc {
                var s: Double = 0
                for i in 0..<hw { s += Double(b[c * hw + i]) }
                data[c] = Float(s / Double(max(hw, 1)))
            }
        }
        return try Tensor(shape: [x.shape[0], x.shape[1], 1, 1], data: data)
    }

    static func reshape(_ x: Tensor, _ spec: Tensor) throws -> Tensor {
        var shape = try indices(spec)
        guard shape.count <= 8 else { throw ONNXError.unsupported("Reshape to rank \(shape.count)") }
        for (i, d) in shape.enumerated() where d == 0 {
            guard i < x.shape.count else { throw ONNXError.missing("Reshape 0 beyond rank \(x.shape.count)") }
            shape[i] = x.shape[i]
        }
        if let m = shape.firstIndex(of: -1) {
            let known = shape.enumerated().filter { $0.offset != m }.map(\.element).reduce(1, *)
            guard known > 0, x.count % known == 0 else { throw ONNXError.missing("Reshape of \(x.shape) to \(shape)") }
            shape[m] = x.count / known
        }
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == x.count else {
            throw ONNXError.missing("Reshape of \(x.shape) to \(shape)")
        }
        return try x.reshaped(shape)
    }

    static func transpose(_ x: Tensor, perm given: [Int]) throws -> Tensor {
        let r = x.shape.count
        let perm = given.isEmpty ? Array((0..<r).reversed()) : given
        guard r <= 4, perm.count == r, Set(perm) == Set(0..<r) else { throw ONNXError.unsupported("Transpose \(perm) of \(x.shape)") }
        let s4 = try rank4(x.shape), p4 = [Int](0..<(4 - r)) + perm.map { $0 + 4 - r }
        var inStride = [0, 0, 0, 0], acc = 1
        for i in stride(from: 3, through: 0, by: -1) { inStride[i] = acc; acc *= s4[i] }
        let os = p4.map { s4[$0] }, st = p4.map { inStride[$0] }
        var out = [Float](repeating: 0, count: x.count)
        x.data.withUnsafeBufferPointer { b in
            var k = 0
            for i0 in 0..<os[0] { for i1 in 0..<os[1] { for i2 in 0..<os[2] {
                let base = i0 * st[0] + i1 * st[1] + i2 * st[2]
                for i3 in 0..<os[3] { out[k] = b[base + i3 * st[3]]; k += 1 }
            }}}
        }
        return try Tensor(shape: perm.map { x.shape[$0] }, data: out)
    }

    /// Pad (constant or reflect) of a rank ≤ 4 tensor; pads = [begin per axis…, end per axis…].
    static func pad(_ x: Tensor, pads: [Int], reflect: Bool, value: Float, mode: String) throws -> Tensor {
        let r = x.shape.count
        guard r <= 4, pads.count == 2 * r, reflect || mode == "constant", pads.allSatisfy({ (0...1024).contains($0) }) else {
            throw ONNXError.unsupported("Pad \(mode) \(pads) of \(x.shape)")
        }
        let s4 = try rank4(x.shape)
        let before = [Int](repeating: 0, count: 4 - r) + pads[0..<r], after = [Int](repeating: 0, count: 4 - r) + pads[r...]
        // Source index per output coordinate and axis (-1: the constant).
        var maps: [[Int]] = []
        for a in 0..<4 {
            let n = s4[a]
            guard !reflect || (before[a] < n && after[a] < n) else { throw ONNXError.missing("reflect pad \(pads) wider than \(x.shape)") }
            maps.append((0..<(n + before[a] + after[a])).map { o in
                var i = o - before[a]
                if reflect { if i < 0 { i = -i } else if i >= n { i = 2 * (n - 1) - i } }
                return i >= 0 && i < n ? i : -1
            })
        }
        let os = maps.map(\.count)
        var out = [Float](repeating: value, count: os.reduce(1, *))
        x.data.withUnsafeBufferPointer { b in
            var k = 0
            for o0 in maps[0] { for o1 in maps[1] { for o2 in maps[2] {
                if o0 < 0 || o1 < 0 || o2 < 0 { k += os[3]; continue }
                let base = ((o0 * s4[1] + o1) * s4[2] + o2) * s4[3]
                for o3 in maps[3] { if o3 >= 0 { out[k] = b[base + o3] }; k += 1 }
            }}}
        }
        return try Tensor(shape: Array(os[(4 - r)...]), data: out)
    }

    /// Resize, nearest / asymmetric / floor, by integer scales (as the exported networks use it).
    static func resize(_ node: ONNXNode, _ x: Tensor, _ args: [Tensor?], team: ComputeTeam?) throws -> Tensor {
        guard node.string("mode", default: "nearest") == "nearest",
              node.string("coordinate_transformation_mode", default: "half_pixel") == "asymmetric",
              node.string("nearest_mode", default: "round_prefer_floor") == "floor", x.shape.count == 4 else {
            throw ONNXError.unsupported("Resize '\(node.name)' other than nearest/asymmetric/floor")
        }
        var factors: [Int]
        if args.count > 2, let s = args[2], s.count == 4 {
            factors = try indices(s)
            guard zip(factors, s.data).allSatisfy({ Float($0.0) == $0.1 && $0.0 >= 1 && $0.0 <= 16 }) else {
                throw ONNXError.unsupported("Resize scales \(s.data)")
            }
        } else if args.count > 3, let z = args[3], z.count == 4 {
            let sizes = try indices(z)
            factors = zip(sizes, x.shape).map { $0.0 / max($0.1, 1) }
            guard zip(factors, x.shape).enumerated().allSatisfy({ $0.element.0 * $0.element.1 == sizes[$0.offset] && $0.element.0 >= 1 && $0.element.0 <= 16 }) else {
                throw ONNXError.unsupported("Resize sizes \(z.data)")
            }
        } else { throw ONNXError.unsupported("Resize '\(node.name)' without scales or sizes") }
        if factors == [1, 1, 1, 1] { return x }
        if let fast = fastResize(x, factors: factors, team: team) { return fast }
        let os = zip(x.shape, factors).map { $0 * $1 }
        var out = [Float](repeating: 0, count: os.reduce(1, *))
        x.data.withUnsafeBufferPointer { b in
            var k = 0
            for i0 in 0..<os[0] { for i1 in 0..<os[1] { for i2 in 0..<os[2] {
                let base = (((i0 / factors[0]) * x.shape[1] + i1 / factors[1]) * x.shape[2] + i2 / factors[2]) * x.shape[3]
                for i3 in 0..<os[3] { out[k] = b[base + i3 / factors[3]]; k += 1 }
            }}}
        }
        return try Tensor(shape: os, data: out)
    }
}
