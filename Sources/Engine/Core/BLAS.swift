import CBLAS

/// The engine's only door to OpenBLAS.
public enum BLAS {
    /// OpenBLAS runs single-threaded: with the Haswell kernel its multi-threaded sgemm gives different
    /// bits for 1 and 2 threads (platform-notes §3). The engine parallelises over fixed chunks instead.
    private static let pinned: Void = { openblas_set_num_threads(1) }()

    /// Kernel OpenBLAS selected at load time (`Haswell`, `Cooperlake`, ...): part of every run's provenance,
    /// since different kernels give different bits.
    public static var coreName: String {
        _ = pinned
        return String(cString: openblas_get_corename())
    }

    /// Build configuration string, e.g. "OpenBLAS 0.3.21 NO_LAPACKE DYNAMIC_ARCH ... Haswell MAX_THREADS=64".
    public static var config: String {
        _ = pinned
        return String(cString: openblas_get_config()).split(separator: " ").joined(separator: " ")
    }

    /// OpenBLAS's own thread count (always 1 once the engine has touched BLAS).
    public static var threadCount: Int {
        _ = pinned
        return Int(openblas_get_num_threads())
    }

    /// Row-major C[m×n] = alpha · op(A) · op(B) + beta · C.
    @inline(__always)
    static func sgemm(transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                      alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                      b: UnsafePointer<Float>, ldb: Int,
                      beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        _ = pinned
        cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

