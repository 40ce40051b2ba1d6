import Determinism
import Engine
import Testing
import Training

@Suite("Local contrastive regions and terms")
struct LocalTermTests {
    func p(_ r: Int, _ c: Int) -> WindowPosition { WindowPosition(row: r, col: c) }

    @Test("F = 48: m = 44, h = 22, q = 11, t = 33; R0's negatives; F = 40 gives m = 36")
    func layout() throws {
        let r = try LocalRegions.paper(featureSize: 48)
        #expect(r.anchors.count == 13 && r.negatives.allSatisfy { $0.count == 5 })
        #expect(r.anchors[2] == p(0, 44) && r.anchors[4] == p(22, 22) && r.anchors[10] == p(11, 33) && r.anchors[12] == p(33, 33))
        #expect(r.negatives[0] == [p(0, 22), p(11, 11), p(11, 22), p(22, 0), p(22, 11)])
        // Windows stay inside the map and never touch its last row or column.
        #expect(r.uniquePositions.allSatisfy { $0.row + 3 <= 47 && $0.col + 3 <= 47 })
        let r40 = try LocalRegions.paper(featureSize: 40)
        #expect(r40.anchors[8] == p(36, 36) && r40.anchors[11] == p(27, 9))
        #expect(throws: ContrastiveError("local regions", "a 6×6 feature map is too small for the 13 regions (need at least 8×8)")) {
            try LocalRegions.paper(featureSize: 6)
        }
    }

    @Test("single pixels (local_reg_size = 0), F = 48: m = 47, h = 23, q = 11, t = 35; rows R0, R6 and R11 of the original's pixel table, which differs from the window table")
    func pixelRegions() throws {
        let r = try LocalRegions.paper(featureSize: 48, regionSize: 0)
        #expect(r.regionSize == 0 && r.windowSize == 1 && r.anchors.count == 13 && r.negatives.allSatisfy { $0.count == 5 })
        #expect(r.anchors[2] == p(0, 47) && r.anchors[4] == p(23, 23) && r.anchors[8] == p(47, 47) && r.anchors[10] == p(11, 35))
        // Hand-copied from models.py's 1×1 branch: R0, R6 and R11 (R11 reaches back to the top edge).
        #expect(r.negatives[0] == [p(0, 23), p(23, 0), p(23, 23), p(11, 11), p(11, 35)])
        #expect(r.negatives[6] == [p(23, 0), p(23, 23), p(47, 23), p(35, 11), p(11, 11)])
        #expect(r.negatives[11] == [p(23, 0), p(23, 23), p(47, 0), p(0, 23), p(11, 11)])
        #expect(r.negatives != (try LocalRegions.paper(featureSize: 48)).negatives)
        // Pixels reach the last row and column, windows never do.
        #expect(r.uniquePositions.contains(p(47, 47)) && r.uniquePositions.allSatisfy { $0.row <= 47 && $0.col <= 47 })
        #expect(try LocalRegions.paper(featureSize: 48).uniquePositions.allSatisfy { $0.row + 2 < 47 && $0.col + 2 < 47 })
        #expect(try LocalRegions.paper(featureSize: 5, regionSize: 0).anchors[8] == p(4, 4))
        #expect(throws: ContrastiveError("local regions", "a 4×4 feature map is too small for the 13 regions (need at least 5×5 for single pixels)")) {
            try LocalRegions.paper(featureSize: 4, regionSize: 0)
        }
        #expect(throws: ContrastiveError.self) { try LocalRegions.paper(featureSize: 48, regionSize: 2) }
    }

    @Test("L^R, one pair: 26 terms; R0 anchor (0,0) of image 0 against image 1, 10 negatives from both maps")
    func randomTerms() throws {
        let r = try LocalRegions.paper(featureSize: 48)
        let u = r.uniquePositions.count
        let t = r.randomTerms(pairs: 1)
        #expect(t.count == 26)
        let row = { (img: Int, pos: WindowPosition) in r.embeddingRow(image: img, position: pos) }
        #expect(r.uniquePositions.first == p(0, 0) && row(1, p(0, 0)) == u)
        #expect(t[0].anchor == 0 && t[0].positive == u)
        #expect(t[0].negatives == r.negatives[0].map { row(0, $0) } + r.negatives[0].map { row(1, $0) })
        // The symmetric term uses the same 10 negatives (listed from its own map first).
        #expect(t[1].anchor == u && t[1].positive == 0 && Set(t[1].negatives) == Set(t[0].negatives))
        #expect(r.randomTerms(pairs: 10).count == 260)
    }

    @Test("L^D, 3 volumes × 4 partitions: anchor 0's partners 12, 4, 8; 468 terms with 8 negatives each")
    func domainTerms() throws {
        let r = try LocalRegions.paper(featureSize: 48)
        let u = r.uniquePositions.count
        let t = r.domainTerms(volumes: 3, parts: 4)
        #expect(t.count == 468)
        #expect(t.allSatisfy { $0.negatives.count == 8 })
        let partnersOf0 = stride(from: 0, to: 39, by: 13).map { t[$0].positive / u }
        #expect(partnersOf0 == [12, 4, 8])
        // Anchor 9 (volume 2, partition 1): its other view 21, then volumes 0 and 1 of partition 1.
        #expect(stride(from: 9 * 39, to: 10 * 39, by: 13).map { t[$0].positive / u } == [21, 1, 5])
        #expect(t[0].negatives == r.negatives[0].prefix(4).map { r.embeddingRow(image: 0, position: $0) }
                                  + r.negatives[0].prefix(4).map { r.embeddingRow(image: 12, position: $0) })
        #expect(t.allSatisfy { $0.anchor / u < 12 })
    }

    @Test("local batches: L^R 20 intensity views of 10 slices / 260; L^D 24 views / 312, no crop")
    func batches() throws {
        let pool = try PoolFixture.pool(sliceCounts: [8, 9, 10, 11], size: 32)
        var s = RandomStream(seed: 8, purpose: "test/local")
        let lr = try LocalBatchBuilder(pool: pool, loss: .random, featureSize: 8)
        let b = try lr.batch(using: &s)
        #expect(b.count == 20 && b.normaliser == 260 && b.terms.count == 260)
        // Intensity only: a view minus its slice is constant-shifted-and-scaled, so the ordering of
        // pixel values is preserved (the fixture is increasing along the image).
        for i in 0..<20 {
            let v = Array(b.image(i))
            #expect(zip(v, v.dropFirst()).allSatisfy { $0 <= $1 })
            #expect(b.sources[i]!.slice == b.sources[i ^ 1]!.slice)
        }
        let ld = try LocalBatchBuilder(pool: pool, loss: .domain, featureSize: 8)
        let d = try ld.batch(using: &s)
        #expect(d.count == 24 && d.normaliser == 312 && d.terms.count == 468)
        #expect(Set((0..<12).map { d.sources[$0]!.slice.volume }).count == 3)
        for i in 0..<12 {
            #expect(d.sources[i]!.partition == i % 4 && d.sources[i + 12]!.slice == d.sources[i]!.slice)
        }
    }
}
