import Foundation

/// Eigenvalues and eigenvectors of a real symmetric matrix by the cyclic Jacobi method, in Double.
///
/// Jacobi rotations are applied in a fixed order (row-major sweeps over the upper triangle) until every
/// off-diagonal element is below 1e-15 of the matrix's Frobenius norm, so the same matrix always gives
/// the same bits; no LAPACK, whose results depend on the BLAS kernel. Eigenpairs are sorted by
/// decreasing eigenvalue (equal eigenvalues keep their diagonal order), and each eigenvector's sign is
/// fixed so that its largest-magnitude entry (the first of equal ones) is positive: a vector and its
/// negation are the same eigenvector, and a report must not flip its axes between machines.
public struct SymmetricEigen: Sendable, Equatable {
    /// Decreasing.
    public let values: [Double]
    /// `vectors[k]` is the unit eigenvector of `values[k]`, length n.
    public let vectors: [[Double]]

    /// `matrix` is row-major `[n, n]` and must be symmetric (checked to 1e-12 relative).
    public init(_ matrix: [Double], size n: Int) throws {
        guard n > 0, matrix.count == n * n else {
            throw StatisticsError("eigen-decomposition", "expected \(n)×\(n) = \(n * n) values, got \(matrix.count)")
        }
        guard matrix.allSatisfy(\.isFinite) else { throw StatisticsError("eigen-decomposition", "the matrix has a non-finite entry") }
        let norm = matrix.reduce(0) { $0 + $1 * $1 }.squareRoot()
        for i in 0..<n {
            for j in (i + 1)..<max(i + 1, n) where abs(matrix[i * n + j] - matrix[j * n + i]) > 1e-12 * max(norm, 1) {
                throw StatisticsError("eigen-decomposition", "the matrix is not symmetric at (\(i), \(j))")
            }
        }
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let tolerance = 1e-15 * max(norm, Double.leastNormalMagnitude)
        for _ in 0..<100 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<max(i + 1, n) { off = max(off, abs(a[i * n + j])) } }
            if off <= tolerance { break }
            for p in 0..<n {
                for q in (p + 1)..<max(p + 1, n) where abs(a[p * n + q]) > tolerance {
                    Self.rotate(&a, &v, n, p, q)
                }
            }
        }
        let order = (0..<n).sorted { a[$0 * n + $0] > a[$1 * n + $1] || (a[$0 * n + $0] == a[$1 * n + $1] && $0 < $1) }
        values = order.map { a[$0 * n + $0] }
        vectors = order.map { k in
            var column = (0..<n).map { v[$0 * n + k] }
            var largest = 0
            for i in 1..<max(1, n) where abs(column[i]) > abs(column[largest]) { largest = i }
            if column[largest] < 0 { column = column.map { -$0 } }
            return column
        }
    }

    /// One Jacobi rotation zeroing a[p][q] (Golub & Van Loan, Algorithm 8.5.1 with the stable
    /// tangent formula), applied to `a` from both sides and accumulated into the columns of `v`.
    private static func rotate(_ a: inout [Double], _ v: inout [Double], _ n: Int, _ p: Int, _ q: Int) {
        let apq = a[p * n + q]
        let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
        let t = (theta >= 0 ? 1.0 : -1.0) / (abs(theta) + (theta * theta + 1).squareRoot())
        let c = 1 / (t * t + 1).squareRoot(), s = t * c
        for k in 0..<n {
            let akp = a[k * n + p], akq = a[k * n + q]
            a[k * n + p] = c * akp - s * akq
            a[k * n + q] = s * akp + c * akq
        }
        for k in 0..<n {
            let apk = a[p * n + k], aqk = a[q * n + k]
            a[p * n + k] = c * apk - s * aqk
            a[q * n + k] = s * apk + c * aqk
        }
        a[p * n + q] = 0
        a[q * n + p] = 0
        for k in 0..<n {
            let vkp = v[k * n + p], vkq = v[k * n + q]
            v[k * n + p] = c * vkp - s * vkq
            v[k * n + q] = s * vkp + c * vkq
        }
    }
}
