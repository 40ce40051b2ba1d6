import Imaging
/// Quantiles by linear interpolation between order statistics (NumPy's default `percentile`, Hyndman &
/// Fan type 7), and the box-plot summary built from them.
public struct BoxSummary: Sendable, Equatable {
    public let lowerQuartile: Double, median: Double, upperQuartile: Double
    /// The most extreme values within 1.5 IQR of the box (Tukey's whiskers).
    public let lowerWhisker: Double, upperWhisker: Double

    /// `values` must be non-empty and finite.
    public init(_ values: [Double]) {
        precondition(!values.isEmpty, "BoxSummary: no values")
        let s = values.sorted()
        let (q1, q3) = (Self.quantile(sorted: s, 0.25), Self.quantile(sorted: s, 0.75))
        let iqr = q3 - q1
        lowerQuartile = q1
        median = Self.quantile(sorted: s, 0.5)
        upperQuartile = q3
        lowerWhisker = s.first { $0 >= q1 - 1.5 * iqr }!
        upperWhisker = s.last { $0 <= q3 + 1.5 * iqr }!
    }

    public static func quantile(sorted s: [Double], _ q: Double) -> Double {
        Percentile.numpyLinear(sorted: s, percent: q * 100)
    }
}
