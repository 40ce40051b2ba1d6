/// Percentiles exactly as NumPy's `np.percentile(a, q)` with the default method 'linear'
/// (Hyndman & Fan type 7) on a float32 array, as computed by NumPy 2.x.
///
/// NumPy finds the virtual index `i = n·q + (1 − q) − 1` (q = percent/100) in double, takes the sorted
/// neighbours a = v[⌊i⌋], b = v[⌊i⌋+1] and the weight γ = i − ⌊i⌋, and interpolates *in float32*
/// (γ is a Python float, promoted weakly): `a + (b − a)·γ`, or `b − (b − a)·(1 − γ)` when γ ≥ 0.5.
/// Reproducing that order keeps our p1/p99 bit-identical to the original's, not just close.
public enum Percentile {
    /// `values` need not be sorted; NaN is the caller's problem (it sorts last, as in NumPy).
    public static func numpyLinear(_ values: [Float], percents: [Double]) -> [Float] {
        precondition(!values.isEmpty, "Percentile: no values")
        let sorted = values.sorted()
        return percents.map { numpyLinear(sorted: sorted, percent: $0) }
    }

    /// `sorted` ascending.
    public static func numpyLinear(sorted: [Float], percent: Double) -> Float {
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
        if gamma >= 0.5 { return b - difference * Float(1 - gamma) }
        return a + difference * Float(gamma)
    }

    /// The same on a float64 array (NumPy then interpolates in double): HD95, box-plot quartiles.
    public static func numpyLinear(sorted: [Double], percent: Double) -> Double {
        precondition(!sorted.isEmpty, "Percentile: no values")
        precondition(percent >= 0 && percent <= 100, "Percentile: \(percent) is outside [0, 100]")
        let n = sorted.count
        let q = percent / 100
        let virtualIndex = Double(n) * q + (1 + q * (1 - 1 - 1)) - 1
        if virtualIndex >= Double(n - 1) { return sorted[n - 1] }
        if virtualIndex < 0 { return sorted[0] }
        let lower = Int(virtualIndex.rounded(.down))
        let gamma = virtualIndex - Double(lower)
        let a = sorted[lower], b = sorted[lower + 1]
        return gamma >= 0.5 ? b - (b - a) * (1 - gamma) : a + (b - a) * gamma
    }
}

/// The original's intensity normalisation (method-spec §1.1 step 3): per 3D volume, on the native grid,
/// x' = (x − p1)/(p99 − p1) with p1, p99 the 1st and 99th percentiles of all voxels. No clipping, so
/// values below 0 and above 1 remain. Computed in float32 as NumPy does on a float32 volume.
public struct PercentileNormalisation: Sendable, Equatable, Codable {
    /// The 1st percentile (maps to 0).
    public var low: Float
    /// The 99th percentile (maps to 1).
    public var high: Float

    public init(low: Float, high: Float) {
        self.low = low
        self.high = high
    }

    /// Measures p1 and p99 of every voxel. Throws for non-finite values and for p99 == p1.
    public init(fitting volume: Volume, source: String) throws {
        guard volume.voxels.allSatisfy({ $0.isFinite }) else { throw PreprocessingError.nonFiniteIntensity(source: source) }
        let sorted = volume.voxels.sorted()
        let low = Percentile.numpyLinear(sorted: sorted, percent: 1)
        let high = Percentile.numpyLinear(sorted: sorted, percent: 99)
        guard high != low else { throw PreprocessingError.constantIntensity(source: source, value: low) }
        self.init(low: low, high: high)
    }

    /// `(x − low)/(high − low)` voxel by voxel, float32 throughout.
    public func apply(to volume: Volume) -> Volume {
        var out = volume
        let range = high - low
        for i in out.voxels.indices { out.voxels[i] = (out.voxels[i] - low) / range }
        return out
    }
}
