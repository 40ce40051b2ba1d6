import Determinism
import TrainingSettings

/// Drawing and applying the swapped patch pairs (the corruption's geometry is in TrainingSettings).
extension ContextRestorationCorruption {
    /// One swapped pair: the top-left corners (row, column) of its two patches.
    public struct Swap: Sendable, Hashable {
        public let firstRow: Int, firstColumn: Int, secondRow: Int, secondColumn: Int
        public init(first: (row: Int, column: Int), second: (row: Int, column: Int)) {
            (firstRow, firstColumn, secondRow, secondColumn) = (first.row, first.column, second.row, second.column)
        }
        public var first: (row: Int, column: Int) { (firstRow, firstColumn) }
        public var second: (row: Int, column: Int) { (secondRow, secondColumn) }
    }

    /// Draws the pairs of one `side`² image, in the original's order (x of both, then y of both).
    public func draw(side: Int, stream: inout RandomStream) -> [Swap] {
        let p = patchSide
        precondition(side - p > p, "ContextRestorationCorruption: \(p)-pixel patches do not fit a \(side)² slice")
        var pairs: [Swap] = []
        for _ in 0..<(10 * swaps) {
            let x1 = stream.int(in: p...(side - p - 1)), x2 = stream.int(in: p...(side - p - 1))
            let y1 = stream.int(in: p...(side - p - 1)), y2 = stream.int(in: p...(side - p - 1))
            let overlapping = x1 < x2 + p && x2 < x1 + p && y1 < y2 + p && y2 < y1 + p
            if overlapping { continue }
            pairs.append(Swap(first: (x1, y1), second: (x2, y2)))
            if pairs.count >= swaps { break }
        }
        return pairs
    }

    /// The image with every pair swapped, each copy taken from `image` itself (row-major `side`²).
    public func apply(_ image: [Float], side: Int, swaps pairs: [Swap]) -> [Float] {
        let p = patchSide
        var out = image
        for s in pairs {
            for dr in 0..<p {
                for dc in 0..<p {
                    let a = (s.first.row + dr) * side + s.first.column + dc
                    let b = (s.second.row + dr) * side + s.second.column + dc
                    out[a] = image[b]
                    out[b] = image[a]
                }
            }
        }
        return out
    }
}
