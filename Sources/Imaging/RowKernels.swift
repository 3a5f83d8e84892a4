/// Whole-row multiply-add kernels shared by the separable filters, written with
/// `SIMD8<Float>` because the compiler cannot prove that the rows do not alias and
/// so will not vectorise the plain loops on its own.
enum RowKernels {
    /// `d[i] = w * s[i]` for `i in 0..<n`.
    @inline(__always)
    static func scale(_ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ w: Float, _ n: Int) {
        var i = 0
        let wv = SIMD8<Float>(repeating: w)
        while i + 8 <= n {
            store8(d + i, 0, wv * load8(s + i))
            i += 8
        }
        while i < n { d[i] = w * s[i]; i += 1 }
    }

    /// `d[i] += w * s[i]` for `i in 0..<n`.
    @inline(__always)
    static func axpy(_ d: UnsafeMutablePointer<Float>, _ s: UnsafePointer<Float>, _ w: Float, _ n: Int) {
        var i = 0
        let wv = SIMD8<Float>(repeating: w)
        while i + 8 <= n {
            store8(d + i, 0, load8(d + i) + wv * load8(s + i))
            i += 8
        }
        while i < n { d[i] += w * s[i]; i += 1 }
    }

    /// `d[i] += w * (a[i] + b[i])` for `i in 0..<n`: the two taps of a symmetric kernel at once.
    @inline(__always)
    static func axpy2(_ d: UnsafeMutablePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>,
                      _ w: Float, _ n: Int) {
        var i = 0
        let wv = SIMD8<Float>(repeating: w)
        while i + 8 <= n {
            store8(d + i, 0, load8(d + i) + wv * (load8(a + i) + load8(b + i)))
            i += 8
        }
        while i < n { d[i] += w * (a[i] + b[i]); i += 1 }
    }
}
