import Engine
import Evaluation
import Imaging
import Networks

/// Prediction of a whole preprocessed volume and its score on the native grid (method-spec §5.5–5.6).
public enum VolumePredictor {
    /// The original predicts test slices in chunks of 20.
    public static let chunk = 20

    /// Softmax probabilities `[Z, C, n, n]` of the slices `[Z, n, n]`, in inference mode (BN moving
    /// averages), without recording gradients.
    public static func probabilities(_ net: UNet, slices: [Float], count: Int, size: Int) -> [Float] {
        let plane = size * size
        precondition(slices.count == count * plane, "VolumePredictor: \(slices.count) values for [\(count), \(size), \(size)]")
        let classes = net.config.numClasses
        var out = [Float]()
        out.reserveCapacity(count * classes * plane)
        GradMode.disabled {
            var z = 0
            while z < count {
                let n = min(chunk, count - z)
                let x = Tensor(shape: [n, 1, size, size], data: Array(slices[(z * plane)..<((z + n) * plane)]))
                out.append(contentsOf: softmax(net(x, mode: .inference)).data)
                z += n
            }
        }
        return out
    }

    /// The predicted label volume on the native grid of the preprocessed case.
    public static func nativeLabels(_ net: UNet, case slices: PreprocessedSlices, source: String) throws -> Volume {
        let g = slices.geometry
        let p = probabilities(net, slices: slices.images, count: g.sliceCount, size: g.size)
        return try g.nativeLabels(probabilities: p, classes: net.config.numClasses, source: source)
    }

    /// Model selection's score (§5.5): the mean over volumes of the mean foreground Dice, each volume's
    /// mean taken over the foreground classes that are not empty in both masks.
    public static func meanForegroundDice(predictions: [Volume], references: [Volume], classes: Int) -> Double {
        precondition(predictions.count == references.count && !predictions.isEmpty)
        var total = 0.0
        for (p, r) in zip(predictions, references) {
            let scores = SegmentationScores.perClass(prediction: p, reference: r, classes: Array(1..<classes))
            let defined = scores.map(\.dice).filter { !$0.isNaN }
            total += defined.isEmpty ? 0 : defined.reduce(0, +) / Double(defined.count)
        }
        return total / Double(predictions.count)
    }
}
