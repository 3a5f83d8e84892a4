/// Kernels for large dense networks on NCHW float32 data (the diffusion UNet and VAE): GEMM,
/// convolution as implicit-im2col GEMM, normalisations, activations and chunked attention.
/// Shapes are stated per function in PyTorch order. A `ComputeThreads` pool is driven by one caller
/// at a time (the kernels are not reentrant on the same pool).
public enum DenseKernels {
    /// C[M×N] = A[M×K]·B[K×N] (`accumulate`: C += A·B), A and B as strided views, C with row stride `ldc`.
    public static func gemm(m: Int, n: Int, k: Int, a: MatrixOperand, b: MatrixOperand,
                            c: UnsafeMutablePointer<Float>, ldc: Int, accumulate: Bool, threads: ComputeThreads) {
        let source = MatrixBSource(b: b)
        DenseGemm.run(m: m, n: n, k: k, a: a, b: { _ in source }, c: { _ in c }, ldc: ldc,
                      accumulate: accumulate, threads: threads)
    }

    /// The geometry of a square-kernel 2-D convolution on NCHW data.
    public struct ConvShape: Sendable, Equatable {
        /// Input channels, height, width.
        public var channels: Int, height: Int, width: Int
        /// Output channels.
        public var outChannels: Int
        /// Kernel side, stride, and the padding before the first row and column (padding after is
        /// whatever the output size implies, read as zeros).
        public var kernel: Int, stride: Int, padTop: Int, padLeft: Int
        /// Output height and width.
        public var outHeight: Int, outWidth: Int

        /// PyTorch `Conv2d(kernel, stride, padding)` geometry (symmetric padding).
        public init(channels: Int, height: Int, width: Int, outChannels: Int, kernel: Int, stride: Int = 1, padding: Int) {
            self.init(channels: channels, height: height, width: width, outChannels: outChannels, kernel: kernel,
                      stride: stride, padTop: padding, padLeft: padding,
                      outHeight: (height + 2 * padding - kernel) / stride + 1,
                      outWidth: (width + 2 * padding - kernel) / stride + 1)
        }

        /// Explicit geometry (asymmetric padding, as the VAE encoder's downsampler uses).
        public init(channels: Int, height: Int, width: Int, outChannels: Int, kernel: Int, stride: Int,
                    padTop: Int, padLeft: Int, outHeight: Int, outWidth: Int) {
            self.channels = channels; self.height = height; self.width = width
            self.outChannels = outChannels; self.kernel = kernel; self.stride = stride
            self.padTop = padTop; self.padLeft = padLeft; self.outHeight = outHeight; self.outWidth = outWidth
        }
    }

    /// Convolution without bias on `batch` NCHW samples (3×3 "same" convolutions by Winograd F(2, 3)): output [N, Cout, OH, OW] (+)= conv(input
    /// [N, Cin, H, W], weight [Cout, Cin, k, k]). Pre-fill the output with bias (and a residual) and
    /// pass `accumulate` to fuse them. `winograd: false` forces the direct (implicit-im2col GEMM) path.
    public static func conv2d(_ shape: ConvShape, batch: Int, input: UnsafePointer<Float>, weight: UnsafePointer<Float>,
                              output: UnsafeMutablePointer<Float>, accumulate: Bool, threads: ComputeThreads,
                              winograd: Bool = true) {
        if winograd && winogradApplies(shape) {
            if !accumulate { output.update(repeating: 0, count: batch * shape.outChannels * shape.outHeight * shape.outWidth) }
            winogradConv(shape, batch: batch, input: input, weight: weight, output: output, threads: threads)
            return
        }
        let k = shape.channels * shape.kernel * shape.kernel
        let inSize = shape.channels * shape.height * shape.width
        let outPixels = shape.outHeight * shape.outWidth
        let pointwise = shape.kernel == 1 && shape.stride == 1 && shape.padTop == 0 && shape.padLeft == 0
            && shape.outHeight == shape.height && shape.outWidth == shape.width
        DenseGemm.run(
            m: shape.outChannels, n: outPixels, k: k, a: MatrixOperand(weight, rowStride: k), batches: batch,
            b: { i in
                if pointwise { return MatrixBSource(b: MatrixOperand(input + i * inSize, rowStride: outPixels)) }
                return ConvBSource(input: input + i * inSize, height: shape.height, width: shape.width,
                                   kernel: shape.kernel, stride: shape.stride, padTop: shape.padTop,
                                   padLeft: shape.padLeft, outWidth: shape.outWidth)
            },
            c: { i in output + i * shape.outChannels * outPixels }, ldc: outPixels,
            accumulate: accumulate, threads: threads)
    }
}
