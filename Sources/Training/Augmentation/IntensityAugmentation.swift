import Determinism
import Engine
import TrainingSettings

/// Random contrast and brightness (method-spec §5.4 step 3, the original's `ri_en`).
///
/// The original applies `tf.image.random_contrast(0.8, 1.2)` to the first half of the batch and
/// `tf.image.random_brightness(0.1)` to the second half, then uses the result only for the images that
/// the elastic step replaced (index ≥ k). Contrast is TF's: x ↦ (x − mean) · c + mean, the mean taken over
/// the image; brightness is x ↦ x + δ. In the released code the branch that would use it after a
/// deformation is unreachable (quirk Q4), so `AugmentationSettings.faithful2020` leaves it off.
/// The first half is indices 0..<N/2 (integer division).
public struct IntensityAugmentation: Sendable, Equatable {
    public var draws: IntensityDraws
    public var contrast: ClosedRange<Double>
    public var brightness: ClosedRange<Double>

    public init(draws: IntensityDraws = .perImage, contrast: ClosedRange<Double> = 0.8...1.2,
                brightness: ClosedRange<Double> = -0.1...0.1) {
        self.draws = draws
        self.contrast = contrast
        self.brightness = brightness
    }

    /// Per image, the contrast factor (first half) or brightness offset (second half).
    public enum Change: Sendable, Equatable {
        case contrast(Double)
        case brightness(Double)
    }

    /// One change per image of a batch of `count`.
    public func draw(count: Int, using rng: inout RandomStream) -> [Change] {
        func u(_ r: ClosedRange<Double>) -> Double { r.lowerBound + (r.upperBound - r.lowerBound) * rng.uniformDouble() }
        let half = count / 2
        switch draws {
        case .perHalf:
            let c = u(contrast), d = u(brightness)
            return (0..<count).map { $0 < half ? .contrast(c) : .brightness(d) }
        case .perImage:
            return (0..<count).map { $0 < half ? .contrast(u(contrast)) : .brightness(u(brightness)) }
        }
    }

    /// Applies `change` to one image `[n, m]` in place.
    public static func apply(_ change: Change, to image: inout ArraySlice<Float>) {
        switch change {
        case .brightness(let d):
            let df = Float(d)
            for i in image.indices { image[i] += df }
        case .contrast(let c):
            var sum = 0.0
            for v in image { sum += Double(v) }
            let mean = Float(sum / Double(image.count)), cf = Float(c)
            for i in image.indices { image[i] = (image[i] - mean) * cf + mean }
        }
    }
}
