/// Percentiles exactly as NumPy's `np.percentile(a, q)` with the default method 'linear'
/// (Hyndman & Fan type 7), as computed by NumPy 2.x on a float32 or float64 array.
///
/// NumPy finds the virtual index `i = n·q + (1 − q) − 1` (q = percent/100) in double, takes the sorted
/// neighbours a = v[⌊i⌋], b = v[⌊i⌋+1] and the weight γ = i − ⌊i⌋, and interpolates *in the array's
/// dtype* (γ is a Python float, promoted weakly): `a + (b − a)·γ`, or `b − (b − a)·(1 − γ)` when γ ≥ 0.5.
/// Reproducing that order keeps our p1/p99 bit-identical to the original's, not just close.
public enum Percentile {
    /// `values` need not be sorted; NaN is the caller's problem (it sorts last, as in NumPy).
    public static func numpyLinear(_ values: [Float], percents: [Double]) -> [Float] {
        precondition(!values.isEmpty, "Percentile: no values")
        let sorted = values.sorted()
        return percents.map { numpyLinear(sorted: sorted, percent: $0) }
    }

    /// `sorted` ascending. Interpolates in `T`, as NumPy does in the array's dtype: float32 for volumes
    /// (p1/p99), float64 for HD95 and box-plot quartiles.
    public static func numpyLinear<T: BinaryFloatingPoint>(sorted: [T], percent: Double) -> T {
        precondition(!sorted.isEmpty, "Percentile: no values")
        precondition(percent >= 0 && percent <= 100, "Percentile: \(percent) is outside [0, 100]")
        let n = sorted.count
        let q = percent / 100
        let virtualIndex = Double(n) * q + (1 + q * (1 - 1 - 1)) - 1
        // NumPy clamps below 0 to 0 and at or above n − 1 to n − 1 (γ then irrelevant).
        if virtualIndex >= Double(n - 1) { return sorted[n - 1] }
        if virtualIndex < 0 { return sorted[0] }
        let lower = Int(virtualIndex.rounded(.down))
        let gamma = virtualIndex - Double(lower)
        let a = sorted[lower], b = sorted[lower + 1]
        let difference = b - a
        if gamma >= 0.5 { return b - difference * T(1 - gamma) }
        return a + difference * T(gamma)
    }
}
