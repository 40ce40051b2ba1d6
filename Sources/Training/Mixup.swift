import Determinism
import Engine

/// Mixup of a labelled batch (method-spec §6; the original's unused `mixup_data_gen` helper).
///
/// For each output sample i, in order: λ ~ Beta(α, α), then two batch members a and b drawn uniformly with
/// replacement (a = b is possible, which leaves that sample unmixed); image_i = λ·x_a + (1 − λ)·x_b and
/// label_i = λ·y_a + (1 − λ)·y_b on the one-hot (or already soft) labels, so every pixel's label stays a
/// probability distribution. The output has the same size as the input.
public struct Mixup: Sendable, Equatable {
    /// Beta(α, α) concentration. 0.1 is the original helper's default; the α used for the paper's mixup
    /// comparison is unconfirmed (method-spec §6, §10.6).
    public var alpha: Double

    public init(alpha: Double = 0.1) {
        precondition(alpha > 0, "Mixup: α must be > 0, got \(alpha)")
        self.alpha = alpha
    }

    /// What was drawn for one output sample.
    public struct Draw: Sendable, Equatable {
        public var lambda: Double
        public var first: Int
        public var second: Int
    }

    /// The draws for a batch of `count`, in the order the stream produces them.
    public func draws(count: Int, using rng: inout RandomStream) -> [Draw] {
        (0..<count).map { _ in
            let lambda = GammaBeta.beta(alpha, alpha, using: &rng)
            let a = rng.int(in: 0...(count - 1))
            let b = rng.int(in: 0...(count - 1))
            return Draw(lambda: lambda, first: a, second: b)
        }
    }

    /// The mixed batch for given draws (one per sample). Labels are required.
    public static func mix(_ batch: SliceBatch, draws: [Draw]) -> SliceBatch {
        precondition(draws.count == batch.count, "Mixup: \(draws.count) draws for a batch of \(batch.count)")
        guard let labels = batch.labels else { preconditionFailure("Mixup needs a labelled batch") }
        let plane = batch.height * batch.width
        let labelPlane = batch.classes * plane
        var images = [Float](repeating: 0, count: batch.images.count)
        var mixed = [Float](repeating: 0, count: labels.count)
        for (i, d) in draws.enumerated() {
            let l = Float(d.lambda), m = Float(1 - d.lambda)
            for p in 0..<plane {
                images[i * plane + p] = l * batch.images[d.first * plane + p] + m * batch.images[d.second * plane + p]
            }
            for p in 0..<labelPlane {
                mixed[i * labelPlane + p] = l * labels[d.first * labelPlane + p] + m * labels[d.second * labelPlane + p]
            }
        }
        return SliceBatch(count: batch.count, height: batch.height, width: batch.width, classes: batch.classes,
                          images: images, labels: mixed)
    }

    public func callAsFunction(_ batch: SliceBatch, using rng: inout RandomStream) -> SliceBatch {
        Mixup.mix(batch, draws: draws(count: batch.count, using: &rng))
    }
}
