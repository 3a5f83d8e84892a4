/// Fused activation applied to an op's output (schema enum `ActivationFunctionType`).
public enum FusedActivation: UInt8, Sendable {
    case none = 0, relu = 1, reluN1To1 = 2, relu6 = 3, tanh = 4, signBit = 5
}

/// Spatial padding mode (schema enum `Padding`).
public enum PaddingMode: UInt8, Sendable {
    case same = 0, valid = 1
}

/// Options of CONV_2D and DEPTHWISE_CONV_2D.
public struct ConvOptions: Sendable, Equatable {
    /// SAME or VALID.
    public var padding: PaddingMode
    /// Horizontal and vertical stride.
    public var strideW: Int, strideH: Int
    /// Dilation factors.
    public var dilationW: Int, dilationH: Int
    /// Depth multiplier (depthwise only; 1 for CONV_2D).
    public var depthMultiplier: Int
    /// Fused activation.
    public var activation: FusedActivation
}

/// Options of MAX_POOL_2D / AVERAGE_POOL_2D.
public struct PoolOptions: Sendable, Equatable {
    /// SAME or VALID.
    public var padding: PaddingMode
    /// Strides.
    public var strideW: Int, strideH: Int
    /// Window size.
    public var filterW: Int, filterH: Int
    /// Fused activation.
    public var activation: FusedActivation
}

/// Parsed builtin options of an operator (the subset this runtime uses).
public enum TFLiteOptions: Sendable {
    /// No options table, or one this runtime ignores.
    case none
    /// Conv2DOptions or DepthwiseConv2DOptions.
    case conv(ConvOptions)
    /// Pool2DOptions.
    case pool(PoolOptions)
    /// AddOptions (fused activation).
    case add(FusedActivation)
    /// ConcatenationOptions.
    case concatenation(axis: Int, activation: FusedActivation)
    /// ReshapeOptions.
    case reshape(newShape: [Int])
    /// ResizeBilinearOptions.
    case resizeBilinear(alignCorners: Bool, halfPixelCenters: Bool)

    static func activation(_ raw: UInt8) throws -> FusedActivation {
        guard let a = FusedActivation(rawValue: raw) else {
            throw TFLiteError.unsupported("fused activation \(raw)")
        }
        return a
    }

    static func padding(_ raw: UInt8) throws -> PaddingMode {
        guard let p = PaddingMode(rawValue: raw) else { throw TFLiteError.malformed("padding mode \(raw)") }
        return p
    }

    // BuiltinOptions union tags: Conv2D 1, DepthwiseConv2D 2, Pool2D 5, Concatenation 10, Add 11,
    // ResizeBilinear 15, Reshape 17, Pad 22.
    static func parse(_ r: FlatBufferReader, type: UInt8, table: FlatBufferReader.Table?) throws -> TFLiteOptions {
        guard let t = table else { return .none }
        switch type {
        case 1: // Conv2DOptions: padding(0) stride_w(1) stride_h(2) activation(3) dilation_w(4) dilation_h(5)
            return .conv(ConvOptions(
                padding: try padding(r.scalarU8(t, 0, default: 0)),
                strideW: Int(try r.scalarI32(t, 1, default: 0)), strideH: Int(try r.scalarI32(t, 2, default: 0)),
                dilationW: Int(try r.scalarI32(t, 4, default: 1)), dilationH: Int(try r.scalarI32(t, 5, default: 1)),
                depthMultiplier: 1, activation: try activation(r.scalarU8(t, 3, default: 0))))
        case 2: // DepthwiseConv2DOptions: padding(0) stride_w(1) stride_h(2) depth_multiplier(3) activation(4) dil_w(5) dil_h(6)
            return .conv(ConvOptions(
                padding: try padding(r.scalarU8(t, 0, default: 0)),
                strideW: Int(try r.scalarI32(t, 1, default: 0)), strideH: Int(try r.scalarI32(t, 2, default: 0)),
                dilationW: Int(try r.scalarI32(t, 5, default: 1)), dilationH: Int(try r.scalarI32(t, 6, default: 1)),
                depthMultiplier: Int(try r.scalarI32(t, 3, default: 0)),
                activation: try activation(r.scalarU8(t, 4, default: 0))))
        case 5: // Pool2DOptions: padding(0) stride_w(1) stride_h(2) filter_width(3) filter_height(4) activation(5)
            return .pool(PoolOptions(
                padding: try padding(r.scalarU8(t, 0, default: 0)),
                strideW: Int(try r.scalarI32(t, 1, default: 0)), strideH: Int(try r.scalarI32(t, 2, default: 0)),
                filterW: Int(try r.scalarI32(t, 3, default: 0)), filterH: Int(try r.scalarI32(t, 4, default: 0)),
                activation: try activation(r.scalarU8(t, 5, default: 0))))
        case 10: // ConcatenationOptions: axis(0) activation(1)
            return .concatenation(axis: Int(try r.scalarI32(t, 0, default: 0)),
                                  activation: try activation(r.scalarU8(t, 1, default: 0)))
        case 11: // AddOptions: activation(0) pot_scale_int16(1)
            return .add(try activation(r.scalarU8(t, 0, default: 0)))
        case 15: // ResizeBilinearOptions: new_height(0) new_width(1) align_corners(2) half_pixel_centers(3)
            return .resizeBilinear(alignCorners: try r.scalarU8(t, 2, default: 0) != 0,
                                   halfPixelCenters: try r.scalarU8(t, 3, default: 0) != 0)
        case 17: // ReshapeOptions: new_shape(0)
            return .reshape(newShape: try r.int32Vector(t, 0, "reshape new_shape").map(Int.init))
        default:
            return .none
        }
    }
}
