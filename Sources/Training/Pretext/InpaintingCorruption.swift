import Determinism
import TrainingSettings

/// Drawing and applying the inpainting box (the corruption's geometry is in TrainingSettings).
extension InpaintingCorruption {
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
