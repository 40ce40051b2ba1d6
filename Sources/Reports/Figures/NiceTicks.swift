import Foundation

/// Axis ticks at multiples of 1, 2 or 5 × 10^k, and an axis range widened to whole steps.
///
/// The step is the smallest of 1, 2, 5, 10 × 10^k not below (hi − lo) / target, so a range of 0.13–0.87
/// with 5 wanted ticks gives step 0.2, axis 0–1 and ticks 0, 0.2, …, 1. Tick values are k × step for
/// integer k, not a running sum, so 0.6 does not drift to 0.6000000000000001 by addition.
public struct NiceTicks: Sendable, Equatable {
    public let step: Double
    public let lower: Double
    public let upper: Double
    /// Integer multiples of `step` from `lower` to `upper`.
    public let multiples: ClosedRange<Int>

    public var values: [Double] { multiples.map { Double($0) * step } }
    /// Decimals that show every tick exactly once: 0 for steps ≥ 1, 1 for 0.1–0.5, 2 for 0.01–0.05, …
    public var decimals: Int { max(0, -Int((log10(step) + 1e-9).rounded(.down))) }
    public var labels: [String] { values.map { NumberText.fixed($0, decimals: decimals) } }

    public init(lower lo: Double, upper hi: Double, target: Int = 5) {
        precondition(lo.isFinite && hi.isFinite && lo <= hi, "NiceTicks: bad range \(lo)…\(hi)")
        precondition(target >= 1, "NiceTicks: target must be at least 1")
        var (a, b) = (lo, hi)
        if a == b {  // one value: give it a unit-sized neighbourhood at its own scale
            let pad = a == 0 ? 0.5 : abs(a) * 0.1
            (a, b) = (a - pad, b + pad)
        }
        let raw = (b - a) / Double(target)
        let magnitude = pow(10, (log10(raw)).rounded(.down))
        // Compare with a relative tolerance so that a raw step of exactly 0.2 is not pushed to 0.5 by rounding.
        let factor = [1.0, 2, 5, 10].first { $0 * magnitude >= raw * (1 - 1e-12) }!
        step = factor * magnitude
        let kLow = Int((a / step + 1e-9).rounded(.down)), kHigh = Int((b / step - 1e-9).rounded(.up))
        multiples = kLow...kHigh
        lower = Double(kLow) * step
        upper = Double(kHigh) * step
    }
}
