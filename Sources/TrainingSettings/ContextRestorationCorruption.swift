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
}
