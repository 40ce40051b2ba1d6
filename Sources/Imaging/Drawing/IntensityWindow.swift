/// A linear grey-level window: `low` maps to 0, `high` to 255, values outside are clipped.
public struct IntensityWindow: Sendable, Equatable {
    public var low: Float
    public var high: Float

    public init(low: Float, high: Float) {
        precondition(high > low, "IntensityWindow: high (\(high)) must exceed low (\(low))")
        self.low = low
        self.high = high
    }

    /// The window from the `lowPercentile`–`highPercentile` range of `values` (nearest-rank), which
    /// ignores a few saturated voxels: MR magnitudes have long bright tails (fat near the coil).
    public static func percentiles(of values: [Float], low lowPercentile: Double = 1,
                                   high highPercentile: Double = 99.5) -> IntensityWindow {
        precondition(!values.isEmpty, "IntensityWindow: no values")
        let sorted = values.sorted()
        func rank(_ p: Double) -> Float { sorted[min(sorted.count - 1, max(0, Int((p / 100 * Double(sorted.count - 1)).rounded())))] }
        let lo = rank(lowPercentile), hi = rank(highPercentile)
        return IntensityWindow(low: lo, high: hi > lo ? hi : lo + 1)
    }

    public func byte(_ value: Float) -> UInt8 {
        let t = (value - low) / (high - low) * 255
        return t.isNaN ? 0 : UInt8(min(255, max(0, t.rounded())))
    }
}
