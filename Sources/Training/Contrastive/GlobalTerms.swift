import Engine

/// The term lists of the global losses over the rows of a g1 embedding matrix (spec §3.2–3.6). Pure
/// index arithmetic, so each can be checked by hand against the spec's tables.
public enum GlobalTerms {
    /// G^R (§3.3), NT-Xent on `pairs` interleaved view pairs (2k, 2k+1): both directions; the
    /// denominator holds every other image, i.e. negatives = all but anchor and positive. 2·pairs terms,
    /// normaliser 2·pairs (= 2B).
    public static func random(pairs: Int) -> [ContrastiveTerm] {
        let n = 2 * pairs
        var terms: [ContrastiveTerm] = []
        for k in 0..<pairs {
            let (a, b) = (2 * k, 2 * k + 1)
            let others = (0..<n).filter { $0 != a && $0 != b }
            terms.append(ContrastiveTerm(anchor: a, positive: b, negatives: others))
            terms.append(ContrastiveTerm(anchor: b, positive: a, negatives: others))
        }
        return terms
    }

    /// G^D- (§3.4) on rows orig (B) ‖ aug1 (B) ‖ aug2 (B), image i in partition i mod S: for anchor
    /// i < B the pairs (orig, aug1), (orig, aug2), (aug1, aug2) both ways; negatives = every image not
    /// ≡ i (mod S). 6B terms, normaliser 3B. (The original hard-codes stride 4; S = 4 is its only
    /// coherent setting.)
    public static func domainMinus(groupSlices b: Int, parts s: Int) -> [ContrastiveTerm] {
        precondition(b % s == 0, "GlobalTerms.domainMinus: \(b) slices are not whole groups of \(s)")
        var terms: [ContrastiveTerm] = []
        for i in 0..<b {
            let (o, a1, a2) = (i, i + b, i + 2 * b)
            let negatives = (0..<(3 * b)).filter { $0 % s != i % s }
            for (x, y) in [(o, a1), (a1, o), (o, a2), (a2, o), (a1, a2), (a2, a1)] {
                terms.append(ContrastiveTerm(anchor: x, positive: y, negatives: negatives))
            }
        }
        return terms
    }

    /// G^D (§3.6 step 4, the same list for the intended and the faithful batch) on `batch` images in
    /// blocks of 4S [A orig | A aug | B orig | B aug]: anchors i with i mod 2S < S; j1 = i+S, j2 = i+2S,
    /// j3 = i+3S (mod batch); pairs (i,j1), (i,j2), (j2,j3), (j1,j3) both ways; negatives = all indices
    /// not ≡ i (mod S). 4·batch terms, normaliser batch (= 4B).
    public static func domain(batch: Int, parts s: Int) -> [ContrastiveTerm] {
        precondition(batch % (4 * s) == 0, "GlobalTerms.domain: \(batch) images are not whole blocks of \(4 * s)")
        var terms: [ContrastiveTerm] = []
        for i in 0..<batch where i % (2 * s) < s {
            let j1 = (i + s) % batch, j2 = (i + 2 * s) % batch, j3 = (i + 3 * s) % batch
            let negatives = (0..<batch).filter { $0 % s != i % s }
            for (a, p) in [(i, j1), (j1, i), (i, j2), (j2, i), (j2, j3), (j3, j2), (j1, j3), (j3, j1)] {
                terms.append(ContrastiveTerm(anchor: a, positive: p, negatives: negatives))
            }
        }
        return terms
    }
}
