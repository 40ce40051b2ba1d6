import Foundation

/// The paired Wilcoxon signed-rank test exactly as SciPy 1.17's default `scipy.stats.wilcoxon(x, y)`
/// computes it: `zero_method='wilcox'`, `correction=False`, `alternative='two-sided'`, `method='auto'`.
///
/// With d = x − y (n pairs, zeros included in n):
/// - zeros are dropped before ranking ('wilcox'); the remaining |d| get average ranks 1…m;
///   R+ / R− are the rank sums of positive / negative differences; the statistic is min(R+, R−);
/// - `method='auto'` chooses (scipy/stats/_wilcoxon.py, `_wilcoxon_nd`):
///   * n > 50: the normal approximation;
///   * no ties among the non-zero |d| and no zeros: the exact null distribution of R+ over the 2^m
///     sign patterns, p = 2·min(P(R+ ≥ ⌊r⌋), P(R+ ≤ ⌈r⌉)), clipped to 1;
///   * ties or zeros and n ≤ 13: a permutation test that enumerates all 2^n sign flips of d (exact,
///     because 2^13 < SciPy's default 9999 resamples), p = min(1, 2·min(#(T ≤ r), #(T ≥ r)) / 2^n),
///     comparisons widened by 100·ε·|r| as SciPy does;
///   * ties or zeros and n > 13: the normal approximation;
/// - normal approximation: z = (R+ − m(m+1)/4) / σ, σ² = (m(m+1)(2m+1) − Σ(t³ − t)/2) / 24 over the
///   tie groups t of the non-zero |d|, no continuity correction, p = 2·(1 − Φ(|z|)).
///
/// Checked against SciPy on 61 cases (scripts/fixtures/make_wilcoxon_fixture.py).
public struct WilcoxonSignedRank: Sendable, Equatable {
    public enum Method: String, Sendable {
        case exact, permutation, asymptotic
    }

    /// min(R+, R−), SciPy's reported statistic for the two-sided test.
    public let statistic: Double
    public let pValue: Double
    public let method: Method
    /// Rank sum of the positive differences x − y.
    public let rankSumPositive: Double
    public let rankSumNegative: Double
    /// Number of pairs, and how many had x == y (dropped before ranking).
    public let pairCount: Int
    public let zeroCount: Int
    /// The z score of the normal approximation (signed: positive when x tends to exceed y); nil otherwise.
    public let z: Double?

    /// Tests `x` against `y` pair by pair; `context` names the comparison in error messages.
    public init(_ x: [Double], _ y: [Double], context: String = "Wilcoxon signed-rank test") throws {
        guard x.count == y.count else {
            throw StatisticsError(context, "paired samples differ in length (\(x.count) and \(y.count))")
        }
        guard !x.isEmpty else { throw StatisticsError(context, "no pairs to compare") }
        if let i = x.indices.first(where: { !x[$0].isFinite || !y[$0].isFinite }) {
            throw StatisticsError(context, "pair \(i) is not finite (\(x[i]), \(y[i]))")
        }
        let d = zip(x, y).map { $0 - $1 }
        let nonZero = d.filter { $0 != 0 }
        let ranked = AverageRanks(nonZero.map(abs))
        var plus = 0.0, minus = 0.0
        for (v, r) in zip(nonZero, ranked.ranks) { if v > 0 { plus += r } else { minus += r } }

        pairCount = d.count
        zeroCount = d.count - nonZero.count
        rankSumPositive = plus
        rankSumNegative = minus
        statistic = min(plus, minus)

        if d.count > 50 || ((ranked.hasTies || zeroCount > 0) && d.count > 13) {
            method = .asymptotic
            let m = Double(nonZero.count)
            let tieTerm = ranked.tieSizes.reduce(0.0) { $0 + ($1 * $1 * $1 - $1) }
            let se = ((m * (m + 1) * (2 * m + 1) - tieTerm / 2) / 24).squareRoot()
            let zScore = (plus - m * (m + 1) * 0.25) / se
            z = zScore
            // 2·Φ(−|z|) = erfc(|z|/√2); NaN when every difference is zero (σ = 0), as in SciPy.
            pValue = erfc(abs(zScore) / 2.0.squareRoot())
        } else if !ranked.hasTies && zeroCount == 0 {
            method = .exact
            z = nil
            pValue = Self.exactPValue(rankSumPositive: plus, count: nonZero.count)
        } else {
            method = .permutation
            z = nil
            pValue = Self.permutationPValue(differences: d, ranks: ranked.ranks)
        }
    }

    /// Two-sided p from the exact null distribution of R+ for `count` untied non-zero ranks.
    static func exactPValue(rankSumPositive r: Double, count n: Int) -> Double {
        let counts = SignedRankDistribution.counts(n)  // counts[k] = #subsets of {1…n} summing to k
        let total = Double(sign: .plus, exponent: n, significand: 1)
        let upper = Int(r.rounded(.down)), lower = Int(r.rounded(.up))
        let sf = Double(counts[upper...].reduce(0, +)) / total
        let cdf = Double(counts[...lower].reduce(0, +)) / total
        return min(1, 2 * min(sf, cdf))
    }

    /// Two-sided p of SciPy's exhaustive sign-flip permutation test (n ≤ 13 pairs, zeros included).
    static func permutationPValue(differences d: [Double], ranks: [Double]) -> Double {
        // Flipping a zero changes nothing, so only the non-zero ranks matter; each of their 2^m patterns
        // occurs 2^(n−m) times among SciPy's 2^n, which cancels in the proportions.
        let m = ranks.count
        let observed = zip(d.filter { $0 != 0 }, ranks).reduce(0.0) { $0 + ($1.0 > 0 ? $1.1 : 0) }
        let gamma = abs(100 * Double.ulpOfOne * observed)
        var lessOrEqual = 0, greaterOrEqual = 0
        for pattern in 0..<(1 << m) {
            var t = 0.0
            for i in 0..<m where pattern & (1 << i) != 0 { t += ranks[i] }
            if t <= observed + gamma { lessOrEqual += 1 }
            if t >= observed - gamma { greaterOrEqual += 1 }
        }
        let total = Double(1 << m)
        return min(1, 2 * min(Double(lessOrEqual) / total, Double(greaterOrEqual) / total))
    }
}

/// Average ranks (1-based, ties share the mean of their positions) and the sizes of tie groups.
struct AverageRanks {
    let ranks: [Double]
    /// Sizes of groups of equal values, one entry per distinct value.
    let tieSizes: [Double]
    var hasTies: Bool { tieSizes.contains { $0 > 1 } }

    init(_ values: [Double]) {
        let order = values.indices.sorted { values[$0] < values[$1] || (values[$0] == values[$1] && $0 < $1) }
        var ranks = [Double](repeating: 0, count: values.count)
        var sizes: [Double] = []
        var start = 0
        while start < order.count {
            var end = start
            while end + 1 < order.count && values[order[end + 1]] == values[order[start]] { end += 1 }
            let rank = Double(start + end + 2) / 2
            for k in start...end { ranks[order[k]] = rank }
            sizes.append(Double(end - start + 1))
            start = end + 1
        }
        self.ranks = ranks
        tieSizes = sizes
    }
}

enum SignedRankDistribution {
    /// counts[k] = number of subsets of {1, …, n} whose sum is k, for k in 0…n(n+1)/2. Exact in UInt64 for
    /// n ≤ 62 (the total is 2^n); the exact test is only used for n ≤ 50.
    static func counts(_ n: Int) -> [UInt64] {
        var c: [UInt64] = [1]
        for k in stride(from: 1, through: n, by: 1) {
            var next = [UInt64](repeating: 0, count: k * (k + 1) / 2 + 1)
            for (s, v) in c.enumerated() { next[s] += v; next[s + k] += v }
            c = next
        }
        return c
    }
}
