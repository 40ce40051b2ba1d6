import Foundation

/// Numbers as report text: fixed decimals, locale-independent, NaN as an em dash.
public enum NumberText {
    /// The em dash that stands for a missing or undefined number (NaN) in tables.
    public static let missing = "—"

    /// `value` with exactly `decimals` digits after the point ("0.830"), rounded by the C library's
    /// printf (round half to even on the binary value). "-0.000" becomes "0.000": a sign on a value
    /// that rounds to zero only distracts. NaN gives "—", infinities "∞" and "−∞".
    public static func fixed(_ value: Double, decimals: Int) -> String {
        precondition((0...17).contains(decimals), "decimals must be 0…17, got \(decimals)")
        if value.isNaN { return missing }
        if value.isInfinite { return value > 0 ? "∞" : "−∞" }
        var text = String(format: "%.\(decimals)f", value)
        if text.hasPrefix("-") && text.dropFirst().allSatisfy({ $0 == "0" || $0 == "." }) { text.removeFirst() }
        return text
    }

    /// A difference with its sign: "+0.012", "−0.039" (a minus sign, not a hyphen), "0.000" unsigned;
    /// not finite gives "—".
    public static func signed(_ x: Double, decimals: Int = 3) -> String {
        guard x.isFinite else { return missing }
        let t = fixed(x, decimals: decimals)
        return t.hasPrefix("-") ? "−" + t.dropFirst() : (t.allSatisfy { $0 == "0" || $0 == "." } ? t : "+" + t)
    }

    /// A "mean ± std (n)" cell, e.g. "0.812 ± 0.034 (12)". A NaN std (a single value) shows as "—".
    public static func meanStd(_ s: SampleSummary, decimals: Int) -> String {
        if s.count == 0 { return missing }
        return "\(fixed(s.mean, decimals: decimals)) ± \(fixed(s.standardDeviation, decimals: decimals)) (\(s.count))"
    }

    /// A p-value: fixed decimals down to 10^−decimals, below that "< 0.001"-style, so that tiny p-values
    /// do not print as "0.000".
    public static func pValue(_ p: Double, decimals: Int = 3) -> String {
        if p.isNaN { return missing }
        let floor = pow(10.0, Double(-decimals))
        return p < floor ? "< \(fixed(floor, decimals: decimals))" : fixed(p, decimals: decimals)
    }

    /// The shortest text that reads back as the same Double (Swift's description), for CSV files that
    /// other tools re-read; NaN is "NaN", which pandas and R both parse.
    public static func roundTrip(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value > 0 ? "inf" : "-inf" }
        return "\(value)"
    }
}
