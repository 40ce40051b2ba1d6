import Determinism
import Engine

/// The views of spec §3.1: (a) a random crop of a `cropBox`² box resized back to full size
/// (bilinear, `bilinearResize`), (b) brightness δ ~ U(−0.3, 0.3), contrast c ~ U(0.7, 1.3) about the
/// per-image mean, clip to [0, 1.5].
///
/// One call of `views` is one call of the original's augmentation: under `faithful2020` δ and c are
/// drawn once per call and shared by its images (Q3); under `intended` they are drawn per image. Crop
/// offsets are always per image (the original draws them per image too).
public struct ViewAugmentation: Sendable, Equatable {
    public var fidelity: ContrastiveFidelity
    /// Side of the crop box (`bbox_dim` = 100).
    public var cropBox: Int
    /// Top-left row and column offsets, each drawn uniformly (`randint(10, 70)` = 10...69).
    public var cropOffsets: ClosedRange<Int>
    /// δ ~ U(−brightness, brightness).
    public var brightness: Float
    public var contrast: ClosedRange<Float>
    public var clip: ClosedRange<Float>

    public init(fidelity: ContrastiveFidelity = .intended, cropBox: Int = 100, cropOffsets: ClosedRange<Int> = 10...69,
                brightness: Float = 0.3, contrast: ClosedRange<Float> = 0.7...1.3, clip: ClosedRange<Float> = 0...1.5) {
        self.fidelity = fidelity
        self.cropBox = cropBox
        self.cropOffsets = cropOffsets
        self.brightness = brightness
        self.contrast = contrast
        self.clip = clip
    }

    /// The offsets actually drawn along an axis of `size` pixels. Intended (Q13): the box stays inside
    /// the image, so the upper end is clamped to `size − cropBox`. Faithful: the original range, and a box
    /// running past the edge is truncated (non-square crops on 160² MMWHS slices).
    public func offsetRange(size: Int) throws -> ClosedRange<Int> {
        switch fidelity {
        case .intended:
            let hi = min(cropOffsets.upperBound, size - cropBox)
            guard hi >= cropOffsets.lowerBound else {
                throw ContrastiveError("view augmentation", "a \(cropBox)-pixel crop box with offsets from \(cropOffsets.lowerBound) does not fit \(size)-pixel slices")
            }
            return cropOffsets.lowerBound...hi
        case .faithful2020:
            guard cropOffsets.upperBound < size else {
                throw ContrastiveError("view augmentation", "crop offsets up to \(cropOffsets.upperBound) leave \(size)-pixel slices")
            }
            return cropOffsets
        }
    }

    /// The box at (top, left), truncated at the image edge, resized back to `height × width`.
    public func crop(_ image: [Float], height: Int, width: Int, top: Int, left: Int) -> [Float] {
        let rows = min(cropBox, height - top), cols = min(cropBox, width - left)
        var box = [Float](repeating: 0, count: rows * cols)
        for r in 0..<rows { for c in 0..<cols { box[r * cols + c] = image[(top + r) * width + left + c] } }
        return bilinearResize(box, rows: rows, columns: cols, outRows: height, outColumns: width)
    }

    /// x + δ, then (x − mean)·c + mean with the mean of the brightened image, then clipped.
    public func intensity(_ image: [Float], delta: Float, factor: Float) -> [Float] {
        var sum = 0.0
        for v in image { sum += Double(v + delta) }
        let mean = Float(sum / Double(image.count))
        return image.map { v in min(max((v + delta - mean) * factor + mean, clip.lowerBound), clip.upperBound) }
    }

    /// One augmentation call over `images` (each `[height, width]`): crops first (all images), then the
    /// intensity change. Returns the views in input order.
    public func views(of images: [[Float]], height: Int, width: Int, crop doCrop: Bool,
                      using stream: inout RandomStream) throws -> [[Float]] {
        var out = images
        if doCrop {
            let rowRange = try offsetRange(size: height), colRange = try offsetRange(size: width)
            for i in out.indices {
                let top = stream.int(in: rowRange), left = stream.int(in: colRange)
                out[i] = crop(out[i], height: height, width: width, top: top, left: left)
            }
        }
        var shared: (Float, Float)?
        for i in out.indices {
            let draw: (Float, Float)
            if fidelity == .faithful2020, let s = shared {
                draw = s
            } else {
                draw = (stream.uniform(-brightness, brightness), stream.uniform(contrast.lowerBound, contrast.upperBound))
                shared = draw
            }
            out[i] = intensity(out[i], delta: draw.0, factor: draw.1)
        }
        return out
    }
}
