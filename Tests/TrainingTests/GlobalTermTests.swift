import Engine
import Testing
import Training

@Suite("Global contrastive terms")
struct GlobalTermTests {
    func pairs(_ terms: [ContrastiveTerm]) -> [[Int]] { terms.map { [$0.anchor, $0.positive] } }

    @Test("G^R, B = 3: 6 terms, both directions per pair, negatives = the other 4 images")
    func random() {
        let t = GlobalTerms.random(pairs: 3)
        #expect(pairs(t) == [[0, 1], [1, 0], [2, 3], [3, 2], [4, 5], [5, 4]])
        #expect(t[0].negatives == [2, 3, 4, 5])
        #expect(t[3].negatives == [0, 1, 4, 5])
    }

    @Test("G^D-, B = 12: 72 terms; anchor 0 pairs orig/aug1/aug2 = 0/12/24 both ways; 27 negatives, none ≡ 0 mod 4")
    func domainMinus() {
        let t = GlobalTerms.domainMinus(groupSlices: 12, parts: 4)
        #expect(t.count == 72)
        #expect(pairs(Array(t[0..<6])) == [[0, 12], [12, 0], [0, 24], [24, 0], [12, 24], [24, 12]])
        #expect(pairs(Array(t[6..<12])) == [[1, 13], [13, 1], [1, 25], [25, 1], [13, 25], [25, 13]])
        let n0 = (0..<36).filter { $0 % 4 != 0 }
        #expect(n0.count == 27)
        for term in t[0..<6] { #expect(term.negatives == n0) }
        for term in t { #expect(term.negatives.count == 27 && term.negatives.allSatisfy { $0 % 4 != term.anchor % 4 }) }
        // Each anchor slice contributes 6 terms: 12 anchors × 6.
        #expect(Set(t.map(\.anchor)) == Set(0..<36))
    }

    @Test("G^D, B = 12 (48 images): 192 terms from the §3.6 table, 24 anchors, 36 negatives each")
    func domain() {
        let t = GlobalTerms.domain(batch: 48, parts: 4)
        #expect(t.count == 192)
        let anchors = stride(from: 0, to: 192, by: 8).map { t[$0].anchor }
        #expect(anchors == [0, 1, 2, 3, 8, 9, 10, 11, 16, 17, 18, 19, 24, 25, 26, 27, 32, 33, 34, 35, 40, 41, 42, 43])
        // Anchor 0 (A0 p0): j1 = 4 (A0 aug), j2 = 8 (B0), j3 = 12 (B0 aug).
        #expect(pairs(Array(t[0..<8])) == [[0, 4], [4, 0], [0, 8], [8, 0], [8, 12], [12, 8], [4, 12], [12, 4]])
        // Anchor 8 (B0 p0) chains into the next block: j1 = 12, j2 = 16 (A1), j3 = 20.
        #expect(pairs(Array(t[32..<40])) == [[8, 12], [12, 8], [8, 16], [16, 8], [16, 20], [20, 16], [12, 20], [20, 12]])
        // Anchor 43 wraps: j1 = 47, j2 = 3, j3 = 7.
        #expect(pairs(Array(t[184..<192])) == [[43, 47], [47, 43], [43, 3], [3, 43], [3, 7], [7, 3], [47, 7], [7, 47]])
        #expect(t[0].negatives == (0..<48).filter { $0 % 4 != 0 })
        for term in t { #expect(term.negatives.count == 36 && term.negatives.allSatisfy { $0 % 4 != term.anchor % 4 }) }
    }
}
