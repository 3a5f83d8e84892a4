import CBLAS

/// Dense single-precision matrix products for other modules, so only Neural talks to BLAS.
public enum Matmul {
    /// C[m, n] = A · B (or A · Bᵀ when `transposeB`), all row-major and contiguous:
    /// A is [m, k]; B is [k, n], or [n, k] when `transposeB`.
    public static func multiply(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, into c: UnsafeMutablePointer<Float>,
                                m: Int, n: Int, k: Int, transposeB: Bool = false) {
        cblas_sgemm(CblasRowMajor, CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans, Int32(m), Int32(n), Int32(k), 1,
                    a, Int32(k), b, Int32(transposeB ? k : n), 0, c, Int32(n))
    }
}
