import Determinism
import Engine
import TrainingSettings

/// The whole per-iteration augmentation of a labelled batch (method-spec §5.4): affine per image on
/// label indices, one-hot, elastic on images ≥ k, then optionally intensity on those same images.
///
/// Randomness: each step has its own child stream of the step's stream (`affine`, `elastic`,
/// `intensity`), so switching one step on or off never changes another step's draws. Sequential on
/// purpose: the work per batch is small next to a training step, and the result cannot depend on
/// threads.
public struct SupervisedAugmentation: Sendable, Equatable {
    public var settings: AugmentationSettings

    public init(_ settings: AugmentationSettings = .faithful2020) { self.settings = settings }

    /// What was drawn, for logs and tests.
    public struct Record: Sendable, Equatable {
        public var affine: [AffineAugmentation.Option]?
        public var elastic: ElasticDeformation.Draw?
        public var intensity: [IntensityAugmentation.Change]?
    }

    /// `sampled`: images and label indices `[N, n, n]` → a batch with `[N, classes, n, n]` (soft) labels.
    public func callAsFunction(_ sampled: SampledSlices, classes: Int, stream: RandomStream) -> (batch: SliceBatch, record: Record) {
        guard let labelIndices = sampled.labelIndices else { preconditionFailure("SupervisedAugmentation needs labels") }
        let n = sampled.size, plane = n * n, count = sampled.count
        var images = sampled.images, labels = labelIndices
        var record = Record()

        if settings.affine {
            var rng = stream.derived("affine")
            var options = [AffineAugmentation.Option]()
            for i in 0..<count {
                let range = (i * plane)..<((i + 1) * plane)
                let img = Array(images[range])
                let option = AffineAugmentation.draw(imageMax: img.max() ?? 0, using: &rng)
                let (a, l) = AffineAugmentation.apply(option, image: img, label: Array(labels[range]), rows: n, columns: n)
                images.replaceSubrange(range, with: a)
                labels.replaceSubrange(range, with: l!)
                options.append(option)
            }
            record.affine = options
        }

        var batch = SliceBatch(count: count, height: n, width: n, classes: classes, images: images,
                               labels: SliceBatch.oneHot(labels, count: count, height: n, width: n, classes: classes))
        var firstChanged = 0
        if settings.elastic {
            var rng = stream.derived("elastic")
            let elastic = ElasticDeformation(sigma: settings.elasticSigma, gridSize: settings.elasticGrid)
            let draw = elastic.draw(count: count, using: &rng)
            batch = elastic.apply(draw, to: batch)
            record.elastic = draw
            firstChanged = draw.firstDeformed
        }
        if settings.intensity {
            var rng = stream.derived("intensity")
            let changes = IntensityAugmentation(draws: settings.intensityDraws).draw(count: count, using: &rng)
            for i in firstChanged..<count {
                IntensityAugmentation.apply(changes[i], to: &batch.images[(i * plane)..<((i + 1) * plane)])
            }
            record.intensity = changes
        }
        return (batch, record)
    }
}
