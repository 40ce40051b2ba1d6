import Foundation
import Imaging
import Testing
@testable import Reports

@Suite("PCA, eigen-decomposition, partition separation, feature similarity, Holm")
struct AnalysisTests {
    @Test("Jacobi eigenpairs of the 3×3 second-difference matrix, by hand: 2 ± √2 and 2, signs fixed")
    func eigenByHand() throws {
        let e = try SymmetricEigen([2, -1, 0, -1, 2, -1, 0, -1, 2], size: 3)
        let r2 = 2.0.squareRoot()
        #expect(zip(e.values, [2 + r2, 2, 2 - r2]).allSatisfy { abs($0 - $1) < 1e-12 })
        // (1, −√2, 1)/2 has its largest entry negative, so it is flipped; (1, 0, −1)/√2 ties and keeps the first positive.
        let expected: [[Double]] = [[-0.5, r2 / 2, -0.5], [1 / r2, 0, -1 / r2], [0.5, r2 / 2, 0.5]]
        for (v, w) in zip(e.vectors, expected) { #expect(zip(v, w).allSatisfy { abs($0 - $1) < 1e-12 }, "\(v)") }
        let two = try SymmetricEigen([2, 1, 1, 2], size: 2)
        #expect(abs(two.values[0] - 3) < 1e-14 && abs(two.values[1] - 1) < 1e-14)
        #expect(abs(two.vectors[1][0] - 1 / r2) < 1e-14 && abs(two.vectors[1][1] + 1 / r2) < 1e-14)
    }

    @Test("a 6×6 symmetric matrix is rebuilt from its eigenpairs, vectors orthonormal; asymmetry is refused")
    func eigenInvariants() throws {
        let n = 6
        var a = [Double](repeating: 0, count: n * n)
        for i in 0..<n { for j in i..<n { let v = Double((i * 7 + j * 13) % 11) - 5; a[i * n + j] = v; a[j * n + i] = v } }
        let e = try SymmetricEigen(a, size: n)
        for i in 0..<n {
            for j in 0..<n {
                let rebuilt = (0..<n).reduce(0.0) { $0 + e.values[$1] * e.vectors[$1][i] * e.vectors[$1][j] }
                #expect(abs(rebuilt - a[i * n + j]) < 1e-10)
                let dot = (0..<n).reduce(0.0) { $0 + e.vectors[i][$1] * e.vectors[j][$1] }
                #expect(abs(dot - (i == j ? 1 : 0)) < 1e-12)
            }
        }
        #expect(zip(e.values, e.values.dropFirst()).allSatisfy { $0 >= $1 })
        #expect(throws: StatisticsError.self) { try SymmetricEigen([1, 2, 3, 1], size: 2) }
    }

    @Test("PCA of a hand-made cloud: variances 8/3 and 2/3, ratios 0.8 and 0.2, scores the centred rows")
    func pcaByHand() throws {
        // Rows (2,0), (−2,0), (0,1), (0,−1) shifted by (5,3): covariance diag(8/3, 2/3).
        let rows: [Float] = [7, 3, 3, 3, 5, 4, 5, 2]
        let p = try PrincipalComponents(rows: rows, dimension: 2)
        #expect(abs(p.variances[0] - 8.0 / 3) < 1e-12 && abs(p.variances[1] - 2.0 / 3) < 1e-12)
        #expect(abs(p.explainedRatios[0] - 0.8) < 1e-12 && abs(p.explainedRatios[1] - 0.2) < 1e-12)
        #expect((0..<4).map { p.score(row: $0, component: 0) } == [2, -2, 0, 0])
        #expect((0..<4).map { p.score(row: $0, component: 1) } == [0, 0, 1, -1])
        // Rotated by 45°: the first component is (1, 1)/√2 (positive largest loading), scores ±2√2.
        let r: [Float] = [2, 2, -2, -2, 1, -1, -1, 1]
        let q = try PrincipalComponents(rows: r, dimension: 2)
        #expect(abs(q.components[0][0] - 0.5.squareRoot()) < 1e-12 && abs(q.components[0][1] - 0.5.squareRoot()) < 1e-12)
        #expect(abs(q.score(row: 0, component: 0) - 2 * 2.0.squareRoot()) < 1e-12)
        #expect(throws: StatisticsError.self) { try PrincipalComponents(rows: [1, 2], dimension: 2) }
    }

    @Test("η² by hand: groups {0, 2} and {10, 12} give 100/104; the uncovered row (−1) is left out")
    func etaSquared() throws {
        let eta = try PartitionSeparation.etaSquared(rows: [0, 2, 10, 12, 100], dimension: 1, partitions: [0, 0, 1, 1, -1])
        #expect(abs(eta - 100.0 / 104) < 1e-15)
        let none = try PartitionSeparation.etaSquared(rows: [1, 3, 1, 3], dimension: 1, partitions: [0, 0, 1, 1])
        #expect(none == 0)
        #expect(throws: StatisticsError.self) { try PartitionSeparation.etaSquared(rows: [1, 2], dimension: 1, partitions: [0, 0]) }
    }

    @Test("cosine similarity to a query: parallel 1, orthogonal 0, opposite −1, a zero vector 0")
    func cosine() {
        // [C = 2, H = 1, W = 4]: channel 0 then channel 1.
        let map: [Float] = [3, 0, -2, 0, 0, 5, 0, 0]
        let s = FeatureSimilarity.cosine(query: [1, 0], map: map, channels: 2, height: 1, width: 4)
        #expect(s == [1, 0, -1, 0])
        #expect(FeatureSimilarity.vector(map, channels: 2, height: 1, width: 4, row: 0, column: 1) == [0, 5])
        let diagonal = FeatureSimilarity.cosine(query: [1, 1], map: [1, 1], channels: 2, height: 1, width: 1)
        #expect(abs(diagonal[0] - 1) < 1e-15)
    }

    @Test("labels at the feature grid: majority per block (ties to the smaller label); query on the largest class near its centroid")
    func featureGridLabels() {
        // 4×4 into 2×2 blocks: top-left 3 of 4 are 2; top-right tie 1/3 → 1; bottom-left all 0; bottom-right three 3s.
        let labels = [2, 2, 1, 3,
                      2, 0, 3, 1,
                      0, 0, 3, 3,
                      0, 0, 3, 0]
        #expect(FeatureGridLabels.majority(labels, size: 4, gridHeight: 2, gridWidth: 2) == [2, 1, 0, 3])
        // A ring of 2s around a 3: class 2 has more pixels; its centroid is the ring's centre, a 3, so the query is
        // the first ring pixel at the smallest distance (row-major).
        let ring = [0, 0, 0, 0, 0,
                    0, 2, 2, 2, 0,
                    0, 2, 3, 2, 0,
                    0, 2, 2, 2, 0,
                    0, 0, 0, 0, 0]
        #expect(FeatureGridLabels.queryPixel(ring, height: 5, width: 5) == QueryPixel(row: 1, column: 2, label: 2))
        #expect(FeatureGridLabels.queryPixel(nil, height: 5, width: 4) == QueryPixel(row: 2, column: 2, label: nil))
        let g = FeatureGridLabels.meanByGroup([0.9, 0.5, 0.1, -0.2], labels: [2, 2, 3, 0], queryLabel: 2, exclude: 0)
        #expect(g.same == 0.5 && g.otherStructures == 0.1 && g.background == -0.2)
    }

    @Test("Holm step-down by hand: [0.01, 0.04, 0.03, NaN] → [0.03, 0.06, 0.06, NaN]")
    func holm() {
        let a = HolmAdjustment.adjust([0.01, 0.04, 0.03, .nan])
        #expect(abs(a[0] - 0.03) < 1e-15 && abs(a[1] - 0.06) < 1e-15 && abs(a[2] - 0.06) < 1e-15 && a[3].isNaN)
        #expect(HolmAdjustment.adjust([0.5, 0.9]) == [1, 1])
    }

    @Test("the diverging colour map: −1 blue end, 0 grey, +1 red end")
    func colours() {
        #expect(DivergingColourMap.colour(-1) == RGB(59, 76, 192))
        #expect(DivergingColourMap.colour(0) == RGB(221, 221, 221))
        #expect(DivergingColourMap.colour(1) == RGB(180, 4, 38))
        #expect(DivergingColourMap.colour(0.5) == RGB(201, 113, 130))
    }
}
