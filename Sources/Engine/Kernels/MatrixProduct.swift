import CConvKernels
import Determinism

extension MatrixKernels {
    /// What decides the bits of a matrix product: "engine", or "openblas:<core>" (e.g. "openblas:Haswell").
    public static var provenance: String { current == .engine ? "engine" : "openblas:\(BLAS.coreName)" }
}

/// Row-major C[m×n] = alpha · op(A) · op(B) + beta · C, the interface of `BLAS.sgemm`, computed by the
/// kernels `MatrixKernels.current` names.
///
/// The engine's kernel wants both operands with the reduction dimension contiguous (`ck_gemm_nt`); an
/// operand stored the other way is transposed into a scratch copy first. The weight gradient of a
/// convolution (dY · colsᵀ) needs no copy; a dense layer copies its weight block (forward) or its small
/// input and output-gradient matrices (weight gradient). alpha and beta are applied after the product,
/// element by element, so they do not enter the reduction.
enum MatrixProduct {
    static func gemm(kernels: MatrixKernels = MatrixKernels.current, transA: Bool = false, transB: Bool = false, m: Int, n: Int, k: Int,
                     alpha: Float = 1, a: UnsafePointer<Float>, lda: Int,
                     b: UnsafePointer<Float>, ldb: Int,
                     beta: Float = 0, c: UnsafeMutablePointer<Float>, ldc: Int) {
        if kernels == .openblas {
            BLAS.sgemm(transA: transA, transB: transB, m: m, n: n, k: k, alpha: alpha, a: a, lda: lda,
                       b: b, ldb: ldb, beta: beta, c: c, ldc: ldc)
            return
        }
        guard m > 0, n > 0 else { return }
        // op(A) as m rows of k: stored so unless transposed (then A is k × m).
        var aCopy: UnsafeMutablePointer<Float>? = nil
        var ap = a, ldaNT = lda
        if transA {
            let t = UnsafeMutablePointer<Float>.allocate(capacity: m * max(k, 1))
            ck_transpose(Int32(k), Int32(m), a, Int32(lda), t, Int32(k))
            aCopy = t; ap = UnsafePointer(t); ldaNT = k
        }
        defer { aCopy?.deallocate() }
        // op(B) as n rows of k: stored so when transposed (B is n × k), else B is k × n.
        var bCopy: UnsafeMutablePointer<Float>? = nil
        var bp = b, ldbNT = ldb
        if !transB {
            let t = UnsafeMutablePointer<Float>.allocate(capacity: n * max(k, 1))
            ck_transpose(Int32(k), Int32(n), b, Int32(ldb), t, Int32(k))
            bCopy = t; bp = UnsafePointer(t); ldbNT = k
        }
        defer { bCopy?.deallocate() }
        if alpha == 1 && beta == 0 {
            ck_gemm_nt(Int32(m), Int32(n), Int32(k), ap, Int32(ldaNT), bp, Int32(ldbNT), c, Int32(ldc))
            return
        }
        let t = UnsafeMutablePointer<Float>.allocate(capacity: m * n)
        defer { t.deallocate() }
        ck_gemm_nt(Int32(m), Int32(n), Int32(k), ap, Int32(ldaNT), bp, Int32(ldbNT), t, Int32(n))
        for i in 0..<m {
            let row = c + i * ldc, src = t + i * n
            if beta == 0 {
                for j in 0..<n { row[j] = alpha * src[j] }
            } else {
                for j in 0..<n { row[j] = alpha * src[j] + beta * row[j] }
            }
        }
    }
}
