import Engine

/// The term layouts the benchmark's contrastive rows need. They follow spec §3.5–3.6 (intended G^D) and
/// §4.2–4.3 (L^R); the methods issue owns the full batch builders and their audit.
public enum GlobalLayouts {
    /// Intended G^D on a batch of `batch` images in blocks of `parts` (spec §3.6 step 4, chain wrapping):
    /// anchors i with i mod 2S < S; partners i+S, i+2S, i+3S (mod batch); pairs (i,j1), (i,j2), (j2,j3),
    /// (j1,j3) both ways; negatives = every image of another partition. Normaliser = batch.
    public static func gd(batch: Int, parts: Int = 4) -> [ContrastiveTerm] {
        var terms: [ContrastiveTerm] = []
        for i in 0..<batch where i % (2 * parts) < parts {
            let j1 = (i + parts) % batch, j2 = (i + 2 * parts) % batch, j3 = (i + 3 * parts) % batch
            let negatives = (0..<batch).filter { $0 % parts != i % parts }
            for (a, p) in [(i, j1), (j1, i), (i, j2), (j2, i), (j2, j3), (j3, j2), (j1, j3), (j3, j1)] {
                terms.append(ContrastiveTerm(anchor: a, positive: p, negatives: negatives))
            }
        }
        return terms
    }
}

/// The 13 anchor windows and their 5 negative windows on an F×F map (spec §4.2, 3×3 windows).
public struct LocalRegions: Sendable {
    public let anchors: [WindowPosition]
    public let negatives: [[WindowPosition]]

    public static func paper(featureSize f: Int) -> LocalRegions {
        let m = f - 4, h = m / 2, q = m / 4, t = 3 * m / 4
        func p(_ r: Int, _ c: Int) -> WindowPosition { WindowPosition(row: r, col: c) }
        let anchors = [p(0, 0), p(0, h), p(0, m), p(h, 0), p(h, h), p(h, m), p(m, 0), p(m, h), p(m, m),
                       p(q, q), p(q, t), p(t, q), p(t, t)]
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
        return LocalRegions(anchors: anchors, negatives: negatives)
    }

    /// Every window used, sorted (row, col): the rows of the embedding matrix per image.
    public var uniquePositions: [WindowPosition] {
        Array(Set(anchors + negatives.flatMap { $0 })).sorted { ($0.row, $0.col) < ($1.row, $1.col) }
    }

    /// L^R terms for `pairs` interleaved image pairs (2k, 2k+1), embeddings laid out as
    /// `[image · U + window]`: per region both directions, negatives from both maps. Normaliser 13 · 2·pairs.
    public func lrTerms(pairs: Int) -> [ContrastiveTerm] {
        let u = uniquePositions
        let index = Dictionary(uniqueKeysWithValues: u.enumerated().map { ($1, $0) })
        let nu = u.count
        var terms: [ContrastiveTerm] = []
        for k in 0..<pairs {
            let a = 2 * k * nu, b = (2 * k + 1) * nu
            for (r, anchor) in anchors.enumerated() {
                let ai = index[anchor]!
                let negs = negatives[r].map { index[$0]! }
                let both = negs.map { a + $0 } + negs.map { b + $0 }
                terms.append(ContrastiveTerm(anchor: a + ai, positive: b + ai, negatives: both))
                terms.append(ContrastiveTerm(anchor: b + ai, positive: a + ai, negatives: both))
            }
        }
        return terms
    }
}
