import Determinism
import Engine

/// Inpainting (Pathak et al. 2016), the second pretext baseline, with the box of the original's
/// `create_inpaint_box` (utils.py; method-spec §6): a square of `boxSide` pixels set to zero, which the
/// encoder-decoder must restore.
///
/// The original's box is 100 pixels of a 192² slice; `scaled(toSide:)` keeps that fraction, so the box
/// hides the same anatomy at any input size. Placements, as its `only_center_box` switch:
/// - `.random` (0, its default): top-left corner uniform in 0 ..< side − box on each axis;
/// - `.centre` (1): corner at side/2 − box/2 (integer halves);
/// - `.variable` (2): corner uniform in 0 ..< side − d, d drawn per axis in 30 ..< 90 (scaled alike),
///   while the zeroed square stays `boxSide` wide and is cut off by the border. That is the original's
///   behaviour (the drawn size moves the corner only), kept rather than fixed.
public struct InpaintingCorruption: Sendable, Hashable, Codable {
    public enum Placement: String, Sendable, Hashable, Codable, CaseIterable { case random, centre, variable }

    public var boxSide: Int
    public var placement: Placement
    /// The range of `.variable`'s drawn size (half-open, like `np.random.randint(30, 90)`).
    public var variableSizes: Range<Int>

    /// The original's geometry at 192²: a 100-pixel box, variable sizes 30 ..< 90.
    public static let original = InpaintingCorruption(boxSide: 100, placement: .random, variableSizes: 30..<90)
    public static let originalSide = 192

    public init(boxSide: Int, placement: Placement, variableSizes: Range<Int>) {
        precondition(boxSide >= 1, "InpaintingCorruption: box side \(boxSide)")
        self.boxSide = boxSide
        self.placement = placement
        self.variableSizes = variableSizes
    }

    /// The same fractions of a `side`² slice as the original's of 192² (rounded, at least 1 pixel).
    public func scaled(toSide side: Int) -> InpaintingCorruption {
        func px(_ v: Int) -> Int { max(1, Int((Double(v) * Double(side) / Double(Self.originalSide)).rounded())) }
        return InpaintingCorruption(boxSide: px(boxSide), placement: placement,
                                    variableSizes: px(variableSizes.lowerBound)..<max(px(variableSizes.lowerBound) + 1, px(variableSizes.upperBound)))
    }

    /// The zeroed rectangle of one image: rows and columns, already cut to the slice.
    public struct Box: Sendable, Hashable {
        public let rows: Range<Int>
        public let columns: Range<Int>
    }

    /// Draws the box of one `side`² image (two draws per axis for `.variable`, one for `.random`, none
    /// for `.centre`).
    public func box(side: Int, stream: inout RandomStream) -> Box {
        precondition(boxSide < side, "InpaintingCorruption: a \(boxSide)-pixel box does not fit a \(side)² slice")
        let corner: (Int, Int)
        switch placement {
        case .random:
            corner = (stream.int(in: 0...(side - boxSide - 1)), stream.int(in: 0...(side - boxSide - 1)))
        case .centre:
            corner = (side / 2 - boxSide / 2, side / 2 - boxSide / 2)
        case .variable:
            let dx = stream.int(in: variableSizes.lowerBound...(variableSizes.upperBound - 1))
            let dy = stream.int(in: variableSizes.lowerBound...(variableSizes.upperBound - 1))
            corner = (stream.int(in: 0...max(0, side - dx - 1)), stream.int(in: 0...max(0, side - dy - 1)))
        }
        return Box(rows: corner.0..<min(side, corner.0 + boxSide), columns: corner.1..<min(side, corner.1 + boxSide))
    }

    /// The image with `box` zeroed, and the box as a 0/1 mask (1 inside), both row-major `side`².
    public static func apply(_ image: [Float], side: Int, box: Box) -> (corrupted: [Float], mask: [Float]) {
        var corrupted = image
        var mask = [Float](repeating: 0, count: image.count)
        for r in box.rows { for c in box.columns { corrupted[r * side + c] = 0; mask[r * side + c] = 1 } }
        return (corrupted, mask)
    }
}
