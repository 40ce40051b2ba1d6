import Engine
import Imaging
import Networks

/// Self-training's pseudo-labels: a model trained on the labelled volumes predicts every slice of the
/// unlabelled pool (inference mode), and a slice joins the labelled set, with its argmax labels, when
/// the model is confident about it: the mean over its pixels of the largest class probability is at
/// least `threshold`. Whole slices rather than pixels, because the Dice loss has no notion of an
/// ignored pixel; the threshold and the number of rounds are the method's parameters.
public struct PseudoLabeller: Sendable, Equatable {
    public var threshold: Float

    public init(threshold: Float = 0.9) {
        precondition(threshold > 0 && threshold <= 1, "PseudoLabeller: threshold must be in (0, 1], got \(threshold)")
        self.threshold = threshold
    }

    /// One accepted slice: the image `[n, n]`, its pseudo-labels `[n, n]` (class indices as floats) and
    /// its confidence.
    public struct Slice: Sendable, Equatable {
        public var volumeID: String
        public var index: Int
        public var image: [Float]
        public var labels: [Float]
        public var confidence: Float
    }

    /// Accepted slices of the pool, in pool order (volume, then slice).
    public func label(_ net: UNet, pool: [(id: String, slices: PreprocessedSlices)]) -> [Slice] {
        var accepted: [Slice] = []
        let classes = net.config.numClasses
        for (id, volume) in pool {
            let n = volume.geometry.size, plane = n * n
            let p = VolumePredictor.probabilities(net, slices: volume.images, count: volume.geometry.sliceCount, size: n)
            for z in 0..<volume.geometry.sliceCount {
                var labels = [Float](repeating: 0, count: plane)
                var confidence = 0.0
                for i in 0..<plane {
                    var best = 0, bestP = p[(z * classes) * plane + i]
                    for c in 1..<classes where p[(z * classes + c) * plane + i] > bestP {
                        best = c
                        bestP = p[(z * classes + c) * plane + i]
                    }
                    labels[i] = Float(best)
                    confidence += Double(bestP)
                }
                let mean = Float(confidence / Double(plane))
                if mean >= threshold {
                    accepted.append(Slice(volumeID: id, index: z, image: Array(volume.images[(z * plane)..<((z + 1) * plane)]),
                                          labels: labels, confidence: mean))
                }
            }
        }
        return accepted
    }
}
