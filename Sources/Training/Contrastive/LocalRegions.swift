import Engine

/// The 13 anchor regions and their listed negative regions on an F×F g2 feature map (spec §4.2):
/// `local_reg_size = 1`, 3×3 windows (the README default), with m = F − 4; `local_reg_size = 0`, single
/// pixels, with m = F − 1 and the original's own negative table; h = ⌊m/2⌋, q = ⌊m/4⌋, t = ⌊3m/4⌋ in both.
/// Positions are window top-left corners (row, col), or the pixel itself.
///
/// Local embeddings are laid out image-major: row `image · U + k` holds window `uniquePositions[k]` of
/// that image (`LocalHead.embed` gives exactly this order for `uniquePositions`).
public struct LocalRegions: Sendable, Equatable {
    public let featureSize: Int
    /// 1: 3×3 windows; 0: single pixels (`local_reg_size`).
    public let regionSize: Int
    public let anchors: [WindowPosition]
    /// Five positions per anchor, in the original's order (L^D uses only the first four).
    public let negatives: [[WindowPosition]]
    /// Every window used, sorted by (row, col).
    public let uniquePositions: [WindowPosition]
    private let rowOf: [WindowPosition: Int]

    /// The side of one region: 3 for windows, 1 for pixels.
    public var windowSize: Int { regionSize == 1 ? 3 : 1 }

    /// Throws for maps where m < 4 (under 8×8 for windows, 5×5 for pixels): the quarter points would
    /// collapse onto the corners.
    public static func paper(featureSize f: Int, regionSize: Int = 1) throws -> LocalRegions {
        guard regionSize == 0 || regionSize == 1 else {
            throw ContrastiveError("local regions", "region size \(regionSize): 1 means 3×3 windows, 0 single pixels")
        }
        let m = regionSize == 1 ? f - 4 : f - 1
        guard m >= 4 else {
            throw ContrastiveError("local regions", "a \(f)×\(f) feature map is too small for the 13 regions (need at least "
                                   + (regionSize == 1 ? "8×8" : "5×5 for single pixels") + ")")
        }
        let h = m / 2, q = m / 4, t = 3 * m / 4
        func p(_ r: Int, _ c: Int) -> WindowPosition { WindowPosition(row: r, col: c) }
        let anchors = [p(0, 0), p(0, h), p(0, m), p(h, 0), p(h, h), p(h, m), p(m, 0), p(m, h), p(m, m),
                       p(q, q), p(q, t), p(t, q), p(t, t)]
        // The original lists other negatives for pixels than for windows (models.py, decoder_pretrain_net).
        let pixelNegatives = [
            [p(0, h), p(h, 0), p(h, h), p(q, q), p(q, t)],
            [p(0, 0), p(0, m), p(h, h), p(q, q), p(q, t)],
            [p(0, h), p(h, h), p(h, m), p(t, q), p(q, t)],
            [p(0, 0), p(h, h), p(m, 0), p(q, q), p(t, q)],
            [p(q, q), p(q, t), p(t, q), p(t, t), p(h, 0)],
            [p(0, m), p(h, h), p(m, m), p(q, t), p(t, t)],
            [p(h, 0), p(h, h), p(m, h), p(t, q), p(q, q)],
            [p(h, h), p(m, 0), p(m, m), p(t, q), p(t, t)],
            [p(h, h), p(h, m), p(m, h), p(t, t), p(t, q)],
            [p(0, 0), p(0, h), p(h, 0), p(h, h), p(q, t)],
            [p(0, h), p(0, m), p(h, h), p(h, m), p(t, t)],
            [p(h, 0), p(h, h), p(m, 0), p(0, h), p(q, q)],
            [p(h, h), p(h, m), p(m, h), p(m, m), p(q, t)],
        ]
        if regionSize == 0 { return LocalRegions(featureSize: f, regionSize: 0, anchors: anchors, negatives: pixelNegatives) }
        let negatives = [
            [p(0, h), p(q, q), p(q, h), p(h, 0), p(h, q)],
            [p(0, 0), p(0, m), p(q, q), p(q, t), p(h, h)],
            [p(0, h), p(q, h), p(q, t), p(h, t), p(h, m)],
            [p(0, 0), p(q, q), p(h, h), p(m, 0), p(t, q)],
            [p(q, q), p(q, t), p(t, q), p(t, t), p(h, 0)],
            [p(0, m), p(h, h), p(m, m), p(q, t), p(t, t)],
            [p(h, 0), p(h, q), p(m, h), p(t, q), p(t, h)],
            [p(h, h), p(m, 0), p(m, m), p(t, q), p(t, t)],
            [p(h, t), p(h, m), p(m, h), p(t, t), p(t, h)],
            [p(0, 0), p(0, h), p(h, 0), p(h, h), p(q, t)],
            [p(0, h), p(0, m), p(q, q), p(h, h), p(h, m)],
            [p(h, 0), p(h, h), p(m, 0), p(m, h), p(t, t)],
            [p(h, h), p(h, m), p(m, h), p(m, m), p(t, q)],
        ]
        return LocalRegions(featureSize: f, regionSize: 1, anchors: anchors, negatives: negatives)
    }

    init(featureSize: Int, regionSize: Int = 1, anchors: [WindowPosition], negatives: [[WindowPosition]]) {
        self.featureSize = featureSize
        self.regionSize = regionSize
        self.anchors = anchors
        self.negatives = negatives
        uniquePositions = Array(Set(anchors + negatives.flatMap { $0 })).sorted { ($0.row, $0.col) < ($1.row, $1.col) }
        rowOf = Dictionary(uniqueKeysWithValues: uniquePositions.enumerated().map { ($1, $0) })
    }

    /// Row of window `position` of image `image` in the `[N·U, D]` embedding matrix.
    public func embeddingRow(image: Int, position: WindowPosition) -> Int { image * uniquePositions.count + rowOf[position]! }

    /// Terms for anchor image `a` and partner image `p`: per region, anchor window of `a` against the
    /// same window of `p`; negatives = the first `negativeCount` listed windows of `a` and then of `p`.
    func terms(anchor a: Int, partner p: Int, negativeCount: Int) -> [ContrastiveTerm] {
        anchors.enumerated().map { r, w in
            let listed = negatives[r].prefix(negativeCount)
            return ContrastiveTerm(anchor: embeddingRow(image: a, position: w), positive: embeddingRow(image: p, position: w),
                                   negatives: listed.map { embeddingRow(image: a, position: $0) } + listed.map { embeddingRow(image: p, position: $0) })
        }
    }

    /// L^R (§4.3) on interleaved view pairs (2k, 2k+1): per region both directions, each with the 5
    /// listed windows of both views as negatives (10). 26 terms per pair; normaliser 13 · 2·pairs.
    public func randomTerms(pairs: Int, negativeCount: Int = 5) -> [ContrastiveTerm] {
        var out: [ContrastiveTerm] = []
        for k in 0..<pairs {
            let forward = terms(anchor: 2 * k, partner: 2 * k + 1, negativeCount: negativeCount)
            let backward = terms(anchor: 2 * k + 1, partner: 2 * k, negativeCount: negativeCount)
            for r in forward.indices { out += [forward[r], backward[r]] }
        }
        return out
    }

    /// L^D (§4.4) on [view 1 × B ‖ view 2 × B], B = volumes · parts volume-major: anchor i < B (view 1)
    /// against i + B (its other view) and (i + k·S) mod B for k = 1..<volumes (same partition, other
    /// volumes, view 1); one direction; the first 4 listed windows of both images as negatives
    /// (`no_of_neg_regs_override`). 13 · B · volumes terms; normaliser 13 · 2B.
    public func domainTerms(volumes v: Int, parts s: Int, negativeCount: Int = 4) -> [ContrastiveTerm] {
        let b = v * s
        var out: [ContrastiveTerm] = []
        for i in 0..<b {
            for partner in [i + b] + (1..<v).map({ (i + $0 * s) % b }) {
                out += terms(anchor: i, partner: partner, negativeCount: negativeCount)
            }
        }
        return out
    }
}
