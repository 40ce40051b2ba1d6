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
