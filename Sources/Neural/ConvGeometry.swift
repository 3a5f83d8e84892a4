/// Spatial geometry shared by convolution and pooling: TFLite's SAME/VALID output size and padding.
struct ConvGeometry: Sendable, Equatable {
    var batch: Int, inH: Int, inW: Int, inC: Int
    var outH: Int, outW: Int, outC: Int
    var kernelH: Int, kernelW: Int
    var strideH: Int, strideW: Int
    var dilationH: Int, dilationW: Int
    var padTop: Int, padLeft: Int

    /// TFLite's output size and leading padding for one spatial axis.
    /// SAME: out = ceil(in / stride), pad_total = max((out - 1) * stride + effective_k - in, 0), pad_before = pad_total / 2.
    /// VALID: out = (in - effective_k) / stride + 1 (floor), no padding.
    static func axis(input: Int, kernel: Int, stride: Int, dilation: Int,
                     padding: PaddingMode) throws -> (out: Int, padBefore: Int) {
        guard input > 0, kernel > 0, stride > 0, dilation > 0, kernel <= 4096, stride <= 4096, dilation <= 4096 else {
            throw TFLiteError.invalidGraph("bad conv/pool geometry: input \(input), kernel \(kernel), stride \(stride), dilation \(dilation)")
        }
        let effective = (kernel - 1) * dilation + 1
        switch padding {
        case .same:
            let out = (input + stride - 1) / stride
            let total = max((out - 1) * stride + effective - input, 0)
            return (out, total / 2)
        case .valid:
            guard input >= effective else {
                throw TFLiteError.invalidGraph("VALID window \(effective) larger than input \(input)")
            }
            return ((input - effective) / stride + 1, 0)
        }
    }
}
