/// Principal component analysis of `[N, D]` rows (e.g. g1 embeddings of N test slices), deterministic:
/// the sample covariance (divided by N − 1) in Double, its `SymmetricEigen` decomposition, and the rows
/// projected on the leading components. Component signs follow `SymmetricEigen` (largest-magnitude
/// loading positive), so the same embeddings always give the same picture.
public struct PrincipalComponents: Sendable, Equatable {
    /// Unit loading vectors of the kept components, each of length D, by decreasing variance.
    public let components: [[Double]]
    /// Variance along each kept component (eigenvalues of the covariance).
    public let variances: [Double]
    /// Each kept component's share of the total variance (the trace of the covariance); NaN when the
    /// rows do not vary at all.
    public let explainedRatios: [Double]
    /// `[N, k]` row-major: row i projected on the kept components, after centring.
    public let scores: [Double]
    public let rowCount: Int
    public let keptCount: Int

    /// - Parameters:
    ///   - rows: `[N, D]` row-major, N ≥ 2.
    ///   - keep: how many components to keep (1 … D).
    public init(rows: [Float], dimension d: Int, keep: Int = 2, context: String = "PCA") throws {
        guard d > 0, rows.count % d == 0 else {
            throw StatisticsError(context, "\(rows.count) values do not form rows of \(d)")
        }
        let n = rows.count / d
        guard n >= 2 else { throw StatisticsError(context, "needs at least 2 rows, got \(n)") }
        guard (1...d).contains(keep) else { throw StatisticsError(context, "cannot keep \(keep) of \(d) components") }
        guard rows.allSatisfy(\.isFinite) else { throw StatisticsError(context, "a value is not finite") }

        var mean = [Double](repeating: 0, count: d)
        for i in 0..<n { for j in 0..<d { mean[j] += Double(rows[i * d + j]) } }
        mean = mean.map { $0 / Double(n) }
        var centred = [Double](repeating: 0, count: n * d)
        for i in 0..<n { for j in 0..<d { centred[i * d + j] = Double(rows[i * d + j]) - mean[j] } }
        var covariance = [Double](repeating: 0, count: d * d)
        for a in 0..<d {
            for b in a..<d {
                var s = 0.0
                for i in 0..<n { s += centred[i * d + a] * centred[i * d + b] }
                covariance[a * d + b] = s / Double(n - 1)
                covariance[b * d + a] = covariance[a * d + b]
            }
        }
        let eigen = try SymmetricEigen(covariance, size: d)
        let total = (0..<d).reduce(0.0) { $0 + covariance[$1 * d + $1] }
        components = Array(eigen.vectors.prefix(keep))
        // Round-off can leave a tiny negative eigenvalue for a rank-deficient covariance: it is a zero variance.
        variances = eigen.values.prefix(keep).map { max(0, $0) }
        explainedRatios = variances.map { total > 0 ? $0 / total : .nan }
        var s = [Double](repeating: 0, count: n * keep)
        for i in 0..<n {
            for k in 0..<keep {
                var dot = 0.0
                for j in 0..<d { dot += centred[i * d + j] * components[k][j] }
                s[i * keep + k] = dot
            }
        }
        scores = s
        rowCount = n
        keptCount = keep
    }

    /// Row i's coordinate on component k.
    public func score(row i: Int, component k: Int) -> Double { scores[i * keptCount + k] }
}
