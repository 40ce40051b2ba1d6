import Determinism
import Foundation

/// Draws for the phantom from one Philox stream (`RandomStream(seed:purpose:)`), one stream per volume
/// and purpose, so adding a draw to one purpose never shifts another's numbers.
struct PhantomDraw {
    var stream: RandomStream

    init(seed: UInt64, patient: Int, purpose: String) {
        stream = RandomStream(seed: seed, purpose: "phantom/patient\(patient)/\(purpose)")
    }

    mutating func uniform(_ lo: Double, _ hi: Double) -> Double { lo + (hi - lo) * stream.uniformDouble() }
    mutating func uniform(_ r: ClosedRange<Double>) -> Double { uniform(r.lowerBound, r.upperBound) }
    mutating func logUniform(_ r: ClosedRange<Double>) -> Double { exp(uniform(log(r.lowerBound), log(r.upperBound))) }
    mutating func normal(_ mean: Double = 0, _ sd: Double = 1) -> Double { mean + sd * stream.normal() }
    mutating func int(_ r: ClosedRange<Int>) -> Int { stream.int(in: r) }
    mutating func chance(_ p: Double) -> Bool { stream.uniformDouble() < p }
    /// Symmetric: uniform in ±`halfWidth`.
    mutating func jitter(_ halfWidth: Double) -> Double { uniform(-halfWidth, halfWidth) }

    /// A group statistic: normal(mean, SD·variability), clipped to the observed range (draws beyond the
    /// range would be heart sizes ACDC does not contain), shrunk by `margin` (a share) at both ends.
    mutating func from(_ s: PathologyGroup.Spread, variability: Double, margin: Double = 0) -> Double {
        min(s.max * (1 - margin), max(s.min * (1 + margin), normal(s.mean, s.sd * variability)))
    }
}
