import Determinism
import Engine
import Imaging

/// The original's per-image "affine" augmentation (method-spec §5.4 step 1, `augmentation_function`).
///
/// For every image an option is drawn uniformly from the five below (the draw happens even for a blank
/// image, as in the original, so that later images' draws do not depend on content); the option is applied
/// only if max(image) > 0.001:
/// - `.rotation(θ)`, θ ~ U(−15°, 15°): bilinear image, nearest label (`PlaneRotation`);
/// - `.scaling(s)`, s ~ U(0.95, 1.05) rounded to 2 decimals: scikit-image `rescale` semantics (Imaging's
///   `Resample`, output size round-half-even(n·s)), then centre crop/pad back to n (Imaging's `CropOrPad`).
///   The original left `anti_aliasing` at scikit-image's default; for s ≥ 0.95 its Gaussian has
///   σ = (1/s − 1)/2 ≤ 0.027 px, whose weight at the next pixel is below 1e-300, so it is omitted;
/// - `.flip(applied)`: left-right flip (`np.fliplr`, columns reversed) when a fair coin says so;
/// - `.rotation45(k)`, k uniform in 0..7: rotation by k·45°, same interpolation as `.rotation`;
/// - `.none`.
/// Labels here are class-index maps `[n, n]` (before one-hot), as in the original.
public enum AffineAugmentation {
    public enum Option: Sendable, Equatable {
        case rotation(degrees: Double)
        case scaling(factor: Double)
        case flip(applied: Bool)
        case rotation45(k: Int)
        case none
        /// The option was drawn but the image is blank (max ≤ 0.001), so nothing was applied.
        case skippedBlank
    }

    /// Threshold on max(image) below which an image is left alone (the original's 0.001).
    public static let blankThreshold: Float = 0.001

    /// Draws the option (and its parameter) for one image.
    public static func draw(imageMax: Float, using rng: inout RandomStream) -> Option {
        let select = rng.int(in: 0...4)
        guard imageMax > blankThreshold else { return .skippedBlank }
        switch select {
        case 0: return .rotation(degrees: -15 + 30 * rng.uniformDouble())
        case 1: return .scaling(factor: ((0.95 + 0.1 * rng.uniformDouble()) * 100).rounded(.toNearestOrEven) / 100)
        case 2: return .flip(applied: rng.int(in: 0...1) == 0)
        case 3: return .rotation45(k: rng.int(in: 0...7))
        default: return .none
        }
    }

    /// Applies `option` to an image `[n, m]` and optionally its label-index map `[n, m]`.
    public static func apply(_ option: Option, image: [Float], label: [Float]?, rows: Int, columns: Int)
        -> (image: [Float], label: [Float]?) {
        func rotate(_ degrees: Double) -> ([Float], [Float]?) {
            (PlaneRotation.rotate(image, rows: rows, columns: columns, degrees: degrees, interpolation: .linear),
             label.map { PlaneRotation.rotate($0, rows: rows, columns: columns, degrees: degrees, interpolation: .nearest) })
        }
        switch option {
        case .none, .skippedBlank, .flip(applied: false):
            return (image, label)
        case .rotation(let degrees):
            return rotate(degrees)
        case .rotation45(let k):
            return rotate(Double(k) * 45)
        case .flip(applied: true):
            return (flipLeftRight(image, rows: rows, columns: columns),
                    label.map { flipLeftRight($0, rows: rows, columns: columns) })
        case .scaling(let factor):
            func scaled(_ p: [Float], _ interpolation: Interpolation) -> [Float] {
                Image2D(rows: rows, columns: columns, pixels: p)
                    .rescaled(rowScale: factor, columnScale: factor, interpolation: interpolation)
                    .centreCroppedOrPadded(toRows: rows, columns: columns).pixels
            }
            return (scaled(image, .linear), label.map { scaled($0, .nearest) })
        }
    }

    /// `np.fliplr` of a `[rows, columns]` slice: column j becomes column columns − 1 − j.
    public static func flipLeftRight(_ p: [Float], rows: Int, columns: Int) -> [Float] {
        var out = p
        for r in 0..<rows {
            for c in 0..<columns { out[r * columns + c] = p[r * columns + columns - 1 - c] }
        }
        return out
    }
}
