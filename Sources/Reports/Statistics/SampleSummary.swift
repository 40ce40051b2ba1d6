/// Mean, sample standard deviation and count of a list of scores: what a "mean ± std (n)" cell shows.
///
/// The standard deviation divides by n − 1 (NumPy's `std(ddof=1)`, pandas' default): the scores are a
/// sample of test volumes, not a population. With one score it is NaN (shown as "—"), never 0, so that a
/// single run cannot look perfectly stable.
public struct SampleSummary: Sendable, Equatable {
    public let mean: Double
    public let standardDeviation: Double
    public let count: Int

    /// `values` must be finite; an empty list gives NaN mean and std with count 0.
    public init(_ values: [Double]) {
        count = values.count
        guard !values.isEmpty else { mean = .nan; standardDeviation = .nan; return }
        // Two passes (mean, then squared deviations) rather than a running sum of squares, which loses
        // digits when the scores are close together, as Dice scores are.
        let m = values.reduce(0, +) / Double(values.count)
        mean = m
        guard values.count > 1 else { standardDeviation = .nan; return }
        let ss = values.reduce(0) { $0 + ($1 - m) * ($1 - m) }
        standardDeviation = (ss / Double(values.count - 1)).squareRoot()
    }

    public init(mean: Double, standardDeviation: Double, count: Int) {
        self.mean = mean
        self.standardDeviation = standardDeviation
        self.count = count
    }
}

public enum Median {
    /// The middle value, or the mean of the two middle values for an even count (NumPy's `median`);
    /// NaN for an empty list.
    public static func of(_ values: [Double]) -> Double {
        guard !values.isEmpty else { return .nan }
        let s = values.sorted()
        let mid = s.count / 2
        return s.count % 2 == 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2
    }
}
