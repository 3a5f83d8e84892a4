import Foundation

/// Shapes, conv kernels and memory of an `NCNNModel` at one input size.
final class NCNNPlan {
    /// How one convolution runs: Winograd F(4×4, 3×3) for 3×3 stride-1 layers with channel counts in
    /// multiples of 8, the packed implicit-GEMM kernel otherwise.
    enum ConvRunner { case direct(Conv2DKernel), winograd(WinogradConv) }
    struct Shape { var h = 0, w = 0, c = 0; var count: Int { h * w * c } }
    let height: Int, width: Int
    private(set) var shapes: [Shape]
    private(set) var convKernels: [ConvRunner] = []
    /// Per-thread im2col scratch.
    private(set) var scratch: [UnsafeMutablePointer<Float>] = []
    private var slots: [UnsafeMutablePointer<Float>] = []
    private var slotOf: [Int]

    /// Largest planned arena (floats): 2^28 (1 GiB) keeps a hostile or huge input from exhausting memory.
    static let maxFloats = 1 << 28

    /// Infers every blob's shape and assigns arena slots by liveness.
    /// - Throws: `NCNNError` when shapes do not fit together or the plan would be too large.
    init(model: NCNNModel, height: Int, width: Int, channels: Int, threads: Int) throws {
        self.height = height; self.width = width
        shapes = Array(repeating: Shape(), count: model.blobCount)
        slotOf = Array(repeating: -1, count: model.blobCount)
        shapes[model.inputBlob] = Shape(h: height, w: width, c: channels)
        var scratchFloats = 0
        var total = 0
        for op in model.ops {
            switch op {
            case .input, .alias: break
            case let .conv(c):
                let s = shapes[c.input]
                guard s.c == c.inC else { throw NCNNError.malformed("conv expects \(c.inC) channels, gets \(s.c)") }
                let eh = (c.kernelH - 1) * c.dilationH + 1, ew = (c.kernelW - 1) * c.dilationW + 1
                let oh = (s.h + c.padTop + c.padBottom - eh) / c.strideH + 1, ow = (s.w + c.padLeft + c.padRight - ew) / c.strideW + 1
                guard s.h + c.padTop + c.padBottom >= eh, s.w + c.padLeft + c.padRight >= ew, oh > 0, ow > 0 else {
                    throw NCNNError.badInput("\(s.h)x\(s.w) is too small for a \(c.kernelH)x\(c.kernelW) convolution")
                }
                shapes[c.output] = Shape(h: oh, w: ow, c: c.outC)
                if let r = c.residual {
                    guard shapes[r].h == oh, shapes[r].w == ow, shapes[r].c == c.outC else { throw NCNNError.malformed("residual shape mismatch") }
                }
                let g = ConvGeometry(batch: 1, inH: s.h, inW: s.w, inC: s.c, outH: oh, outW: ow, outC: c.outC,
                                     kernelH: c.kernelH, kernelW: c.kernelW, strideH: c.strideH, strideW: c.strideW,
                                     dilationH: c.dilationH, dilationW: c.dilationW, padTop: c.padTop, padLeft: c.padLeft)
                if WinogradConv.applies(kernelH: c.kernelH, kernelW: c.kernelW, strideH: c.strideH, strideW: c.strideW,
                                        dilationH: c.dilationH, dilationW: c.dilationW, inC: c.inC, outC: c.outC) {
                    let w = WinogradConv(inH: s.h, inW: s.w, inC: s.c, outH: oh, outW: ow, outC: c.outC, padTop: c.padTop,
                                         padLeft: c.padLeft, activation: c.activation, threads: threads)
                    convKernels.append(.winograd(w))
                    scratchFloats = max(scratchFloats, w.scratchFloats)
                } else {
                    var k = Conv2DKernel(geometry: g, activation: c.activation)
                    k.packed = (0, 0)
                    k.preluAlpha = c.alpha == nil ? nil : 0
                    if c.residual != nil { k.residualChannels = c.outC }
                    convKernels.append(.direct(k))
                    scratchFloats = max(scratchFloats, k.scratchFloats)
                }
            case let .prelu(i, o, slopes):
                guard slopes.count == shapes[i].c || slopes.count == 1 else { throw NCNNError.malformed("PReLU has \(slopes.count) slopes for \(shapes[i].c) channels") }
                shapes[o] = shapes[i]
            case let .pixelShuffle(i, o, f, _):
                let s = shapes[i]
                guard s.c % (f * f) == 0 else { throw NCNNError.malformed("PixelShuffle of \(s.c) channels by \(f)") }
                shapes[o] = Shape(h: s.h * f, w: s.w * f, c: s.c / (f * f))
            case let .nearest(i, o, sy, sx):
                let s = shapes[i]
                shapes[o] = Shape(h: s.h * sy, w: s.w * sx, c: s.c)
            case let .sum(ins, o, _):
                let s = shapes[ins[0]]
                guard ins.allSatisfy({ shapes[$0].h == s.h && shapes[$0].w == s.w && shapes[$0].c == s.c }) else {
                    throw NCNNError.malformed("sum of differently shaped blobs")
                }
                shapes[o] = s
            case let .concat(ins, o):
                let s = shapes[ins[0]]
                guard ins.allSatisfy({ shapes[$0].h == s.h && shapes[$0].w == s.w }) else { throw NCNNError.malformed("concat of differently sized blobs") }
                shapes[o] = Shape(h: s.h, w: s.w, c: ins.reduce(0) { $0 + shapes[$1].c })
            }
            for b in NCNNModel.writes(op) {
                guard shapes[b].count > 0, shapes[b].count <= Self.maxFloats else { throw NCNNError.badInput("blob of \(shapes[b].count) floats") }
            }
        }
        // Liveness: a blob's slot frees after its last reader; the output never frees.
        var last = Array(repeating: -1, count: model.blobCount)
        for (i, op) in model.ops.enumerated() { for b in NCNNModel.reads(op) { last[b] = i } }
        last[model.outputBlob] = Int.max
        var free: [(slot: Int, floats: Int)] = []
        var sizes: [Int] = []
        func allocate(_ b: Int) {
            let need = shapes[b].count
            if let k = free.indices.filter({ free[$0].floats >= need }).min(by: { free[$0].floats < free[$1].floats }) {
                slotOf[b] = free.remove(at: k).slot
            } else {
                slotOf[b] = sizes.count
                sizes.append(need)
            }
        }
        allocate(model.inputBlob)
        for (i, op) in model.ops.enumerated() {
            for b in NCNNModel.writes(op) where slotOf[b] < 0 { allocate(b) }
            for b in Set(NCNNModel.reads(op) + NCNNModel.writes(op)) where last[b] <= i && slotOf[b] >= 0 && !free.contains(where: { $0.slot == slotOf[b] }) {
                free.append((slotOf[b], sizes[slotOf[b]]))
            }
        }
        total = sizes.reduce(0, +) + scratchFloats * threads
        guard total <= Self.maxFloats else { throw NCNNError.badInput("\(height)x\(width) needs \(total * 4 >> 20) MiB; tile the input") }
        slots = sizes.map { n in
            let p = UnsafeMutablePointer<Float>.allocate(capacity: n)
            p.initialize(repeating: 0, count: n)
            return p
        }
        scratch = (0..<threads).map { _ in UnsafeMutablePointer<Float>.allocate(capacity: max(scratchFloats, 1)) }
    }

    deinit {
        for p in slots { p.deallocate() }
        for s in scratch { s.deallocate() }
    }

    /// The memory of blob `b`.
    func pointer(_ b: Int) -> UnsafeMutablePointer<Float> { slots[slotOf[b]] }
}
