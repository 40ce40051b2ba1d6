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
}
