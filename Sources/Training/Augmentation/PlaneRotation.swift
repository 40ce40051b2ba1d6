import Foundation
import Imaging

/// Rotation of a `[rows, columns]` row-major slice about its centre, same size, zero fill: the semantics of
/// `scipy.ndimage.rotate(img, angle, axes=(1, 0), reshape=False, order=1 or 0, mode='constant', cval=0)`,
/// which the original calls for the ±15° and k·45° options (method-spec §5.4), checked against SciPy 1.17
/// in `AugmentationFixtures`.
///
/// Convention (SciPy's, kept so that a user comparing with the original sees the same images):
/// - the centre is ((rows − 1)/2, (columns − 1)/2) in pixel-index coordinates, i.e. between pixels for an
///   even size: the rotation maps the pixel grid onto itself for multiples of 90°;
/// - output pixel (r, c) samples the input at
///   (r', c') = M·((r, c) − centre) + centre with M = [[cos θ, sin θ], [−sin θ, cos θ]], θ in degrees;
///   (`axes=(1, 0)` is sorted to (0, 1) by SciPy, so the sign is that of axes (0, 1));
/// - cos θ and sin θ are exact at multiples of 90° (as `scipy.special.cosdg/sindg`), so those rotations
///   move pixels without interpolation;
/// - a sample outside [0, rows − 1] × [0, columns − 1] is 0 ('constant' mode: no interpolation towards
///   the fill value, unlike 'grid-constant'); inside, bilinear (image) or nearest with ties rounding up,
///   index ⌊x + 0.5⌋ (labels).
/// The original pinned SciPy 1.4.1, whose `rotate` used cos(π·θ/180) (so 90° was off by ~1e-16) and whose
/// 'constant' mode treated the last half pixel differently; that can change border pixels only.
public enum PlaneRotation {
    /// (cos θ, sin θ) for θ in degrees, exact at multiples of 90°.
    public static func cosSinDegrees(_ degrees: Double) -> (cos: Double, sin: Double) {
        var d = degrees.truncatingRemainder(dividingBy: 360)
        if d < 0 { d += 360 }
        switch d {
        case 0: return (1, 0)
        case 90: return (0, 1)
        case 180: return (-1, 0)
        case 270: return (0, -1)
        default:
            let t = d * Double.pi / 180
            return (Foundation.cos(t), Foundation.sin(t))
        }
    }

    /// `[C, rows, columns]` → same shape, each channel rotated by `degrees`.
    public static func rotate(_ pixels: [Float], channels: Int = 1, rows: Int, columns: Int, degrees: Double,
                              interpolation: Interpolation) -> [Float] {
        precondition(pixels.count == channels * rows * columns,
                     "PlaneRotation: \(pixels.count) values for [\(channels), \(rows), \(columns)]")
        let (c, s) = cosSinDegrees(degrees)
        let cr = Double(rows - 1) / 2, cc = Double(columns - 1) / 2
        // SciPy: offset = centre − M·centre, then input = M·output + offset.
        let offR = cr - (c * cr + s * cc)
        let offC = cc - (-s * cr + c * cc)
        let maxR = Double(rows - 1), maxC = Double(columns - 1)
        let plane = rows * columns
        var out = [Float](repeating: 0, count: pixels.count)
        for r in 0..<rows {
            for col in 0..<columns {
                let y = offR + c * Double(r) + s * Double(col)
                let x = offC + -s * Double(r) + c * Double(col)
                guard y >= 0, y <= maxR, x >= 0, x <= maxC else { continue }
                switch interpolation {
                case .nearest:
                    let iy = Int((y + 0.5).rounded(.down)), ix = Int((x + 0.5).rounded(.down))
                    let src = min(iy, rows - 1) * columns + min(ix, columns - 1)
                    for ch in 0..<channels { out[ch * plane + r * columns + col] = pixels[ch * plane + src] }
                case .linear:
                    let y0 = Int(y.rounded(.down)), x0 = Int(x.rounded(.down))
                    let ty = y - Double(y0), tx = x - Double(x0)
                    let y1 = min(y0 + 1, rows - 1), x1 = min(x0 + 1, columns - 1)
                    for ch in 0..<channels {
                        let base = ch * plane
                        let v00 = Double(pixels[base + y0 * columns + x0]), v01 = Double(pixels[base + y0 * columns + x1])
                        let v10 = Double(pixels[base + y1 * columns + x0]), v11 = Double(pixels[base + y1 * columns + x1])
                        let v = (1 - ty) * ((1 - tx) * v00 + tx * v01) + ty * ((1 - tx) * v10 + tx * v11)
                        out[base + r * columns + col] = Float(v)
                    }
                }
            }
        }
        return out
    }
}
