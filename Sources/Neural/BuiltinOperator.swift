/// Builtin operator codes this runtime executes (schema enum `BuiltinOperator`).
enum BuiltinOperator: Int32 {
    case add = 0
    case concatenation = 2
    case conv2D = 3
    case depthwiseConv2D = 4
    case dequantize = 6
    case maxPool2D = 17
    case relu = 19
    case reluN1To1 = 20
    case relu6 = 21
    case reshape = 22
    case resizeBilinear = 23
    case pad = 34
    case prelu = 54
}

/// Total element count of `shape`; throws when a dimension is not positive or the count is absurd.
func checkedElementCount(_ shape: [Int], _ what: String, limit: Int = 1 << 26) throws -> Int {
    var n = 1
    for d in shape {
        guard d > 0 else { throw TFLiteError.invalidGraph("\(what) has non-positive dimension in \(shape)") }
        let (p, overflow) = n.multipliedReportingOverflow(by: d)
        guard !overflow, p <= limit else { throw TFLiteError.invalidGraph("\(what) shape \(shape) is too large") }
        n = p
    }
    return n
}
