/// Holm's step-down adjustment of p-values for a family of tests (Holm 1979): sorted ascending,
/// p_(i) becomes max over j ≤ i of min(1, (m − j + 1) · p_(j)). It controls the family-wise error rate
/// without assuming independence, which the paired tests of one report do not have (they share the
/// baseline). NaN p-values (tests that could not run) stay NaN and do not count in m.
public enum HolmAdjustment {
    public static func adjust(_ p: [Double]) -> [Double] {
        let order = p.indices.filter { !p[$0].isNaN }.sorted { p[$0] < p[$1] || (p[$0] == p[$1] && $0 < $1) }
        let m = order.count
        var out = [Double](repeating: .nan, count: p.count)
        var running = 0.0
        for (rank, i) in order.enumerated() {
            running = max(running, min(1, Double(m - rank) * p[i]))
            out[i] = running
        }
        return out
    }
}
