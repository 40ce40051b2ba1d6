import Determinism
import Engine

/// Context restoration (Chen et al. 2019), the third pretext baseline, with the corruption of the
/// original's `context_restoration` (utils.py; method-spec §6): per image, pairs of `patchSide`² patches
/// at random positions are swapped until `swaps` pairs have been swapped, and the encoder-decoder
/// restores the original image.
///
/// As the original draws them: both corners of a pair uniform in patchSide ..< side − patchSide on each
/// axis; a pair whose patches overlap is redrawn; at most 10 · swaps pairs are drawn, so a slice too
/// small for that many non-overlapping pairs gets fewer swaps instead of a loop without end. Every swap
/// copies from the *uncorrupted* image, so a later pair that covers an earlier patch overwrites it with
/// original pixels: the result is the original's, not a sequence of in-place swaps.
public struct ContextRestorationCorruption: Sendable, Hashable, Codable {
    public var patchSide: Int
    public var swaps: Int

    /// The original's setting at 192²: 5-pixel patches, 10 swaps.
    public static let original = ContextRestorationCorruption(patchSide: 5, swaps: 10)
    public static let originalSide = 192

    public init(patchSide: Int, swaps: Int) {
        precondition(patchSide >= 1 && swaps >= 1, "ContextRestorationCorruption: patch \(patchSide), swaps \(swaps)")
        self.patchSide = patchSide
        self.swaps = swaps
    }

    /// Patches covering the same fraction of a `side`² slice as the original's of 192² (rounded half
    /// away from zero, at least 1 pixel: 5 → 3 at 96²); the number of swaps stays.
    public func scaled(toSide side: Int) -> ContextRestorationCorruption {
        ContextRestorationCorruption(patchSide: max(1, Int((Double(patchSide) * Double(side) / Double(Self.originalSide)).rounded())),
                                     swaps: swaps)
    }

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
