import Foundation
import Imaging

/// Dice, HD95 and ASSD of one structure.
public struct StructureScores: Sendable, Equatable, Codable {
    /// NaN when both masks are empty.
    public var dice: Double
    /// mm; NaN when both are empty; the image diagonal when exactly one is.
    public var hd95: Double
    /// mm; as hd95.
    public var assd: Double
    public var referenceVoxels: Int
    public var predictionVoxels: Int

    public var bothEmpty: Bool { referenceVoxels == 0 && predictionVoxels == 0 }
}

/// The harness's evaluation of a predicted label volume against the reference (method-spec §5.6, §11).
public enum SegmentationScores {
    /// Scores per class in `classes` (explicit, so that an absent class never shifts the others, the
    /// original's sklearn quirk), on the native grid of `reference`.
    public static func perClass(prediction: Volume, reference: Volume, classes: [Int]) -> [StructureScores] {
        precondition(prediction.shape == reference.shape, "prediction \(prediction.shape) vs reference \(reference.shape)")
        return classes.map { c in
            let v = Float(c)
            return binary(prediction: prediction.voxels.map { $0 == v }, reference: reference.voxels.map { $0 == v },
                          shape: reference.shape, spacing: reference.spacing)
        }
    }

    /// Both empty: all NaN. Exactly one empty: Dice 0 and the distances the image diagonal
    /// sqrt(Σ (nᵢ·sᵢ)²), the worst case, so that a missed structure is never scored 0 or dropped.
    /// HD95 is the 95th percentile and ASSD the mean of both directions' distances pooled together,
    /// as MedPy 0.5.2 computes them (older MedPy averaged the two directed means instead).
    public static func binary(prediction: [Bool], reference: [Bool], shape: [Int], spacing: [Double]) -> StructureScores {
        let np = prediction.lazy.filter { $0 }.count, nr = reference.lazy.filter { $0 }.count
        var both = 0
        for i in prediction.indices where prediction[i] && reference[i] { both += 1 }
        var s = StructureScores(dice: .nan, hd95: .nan, assd: .nan, referenceVoxels: nr, predictionVoxels: np)
        if np == 0 && nr == 0 { return s }
        s.dice = 2 * Double(both) / Double(np + nr)
        if np == 0 || nr == 0 {
            let diagonal = zip(shape, spacing).map { Double($0) * $1 }.reduce(0) { $0 + $1 * $1 }.squareRoot()
            s.hd95 = diagonal
            s.assd = diagonal
            return s
        }
        let ab = SurfaceDistance.directed(from: prediction, to: reference, shape: shape, spacing: spacing)
        let ba = SurfaceDistance.directed(from: reference, to: prediction, shape: shape, spacing: spacing)
        let pooled = ab + ba
        s.hd95 = SurfaceDistance.percentile(pooled, 95)
        s.assd = pooled.reduce(0, +) / Double(pooled.count)
        return s
    }
}
