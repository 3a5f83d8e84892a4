/// A dense float32 tensor in NHWC order (the layout TFLite uses).
///
/// `shape` lists the dimensions outermost first; `data` holds
/// `shape.reduce(1, *)` values in row-major order.
public struct Tensor: Sendable, Equatable {
    /// Dimensions, outermost first (N, H, W, C for images).
    public private(set) var shape: [Int]
    /// Row-major values.
    public var data: [Float]

    /// Creates a zero-filled tensor.
    public init(shape: [Int]) {
        precondition(shape.allSatisfy { $0 >= 0 }, "negative dimension in \(shape)")
        self.shape = shape
        self.data = [Float](repeating: 0, count: shape.reduce(1, *))
    }

    /// Wraps values; throws if the count does not match the shape.
    /// - Throws: `TensorError.shapeMismatch`.
    public init(shape: [Int], data: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }), shape.reduce(1, *) == data.count else {
            throw TensorError.shapeMismatch(expected: shape, count: data.count)
        }
        self.shape = shape
        self.data = data
    }

    /// Number of elements.
    public var count: Int { data.count }

    /// Returns the same values under another shape with the same element count.
    /// - Throws: `TensorError.shapeMismatch`.
    public func reshaped(_ newShape: [Int]) throws -> Tensor {
        try Tensor(shape: newShape, data: data)
    }
}

/// Errors raised by tensor construction and shape checks.
public enum TensorError: Error, Equatable, CustomStringConvertible {
    /// The element count does not match the requested shape.
    case shapeMismatch(expected: [Int], count: Int)

    public var description: String {
        switch self {
        case let .shapeMismatch(shape, count):
            return "tensor shape \(shape) does not hold \(count) values"
        }
    }
}
