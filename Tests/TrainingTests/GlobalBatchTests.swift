import Determinism
import Engine
import Testing
import Training

@Suite("Global contrastive batches")
struct GlobalBatchTests {
    static let size = 8

    func builder(_ loss: GlobalLossKind, _ fidelity: ContrastiveFidelity, volumes: Int = 7,
                 batchSize: Int = 12) throws -> GlobalBatchBuilder {
        let pool = try PoolFixture.pool(sliceCounts: (0..<volumes).map { 9 + $0 }, size: Self.size)
        return try GlobalBatchBuilder(pool: pool, loss: loss, batchSize: batchSize,
                                      augmentation: PoolFixture.augmentation(fidelity, size: Self.size))
    }

    /// Negatives never share the anchor's partition; anchor and positive always do.
    func checkPartitions(_ b: ContrastiveBatch) {
        for t in b.terms {
            guard let a = b.sources[t.anchor] else { continue }
            if let p = b.sources[t.positive] { #expect(p.partition == a.partition) }
            for n in t.negatives { if let s = b.sources[n] { #expect(s.partition != a.partition) } }
        }
    }

    @Test("G^D-: 36 images = 12 originals ‖ 12 aug ‖ 12 aug of 3 distinct volumes; 72 terms / 36")
    func domainMinus() throws {
        let gb = try builder(.domainMinus, .intended)
        var s = RandomStream(seed: 3, purpose: "test/gd-")
        let b = try gb.batch(using: &s)
        #expect(b.count == 36 && b.terms.count == 72 && b.normaliser == 36)
        #expect(b.tensor.shape == [36, 1, 8, 8])
        let src = b.sources.map { $0! }
        #expect(Set(src[0..<12].map(\.slice.volume)).count == 3)
        for i in 0..<12 {
            #expect(src[i].partition == i % 4 && src[i].view == 0)
            #expect(src[i + 12].slice == src[i].slice && src[i + 12].view == 1)
            #expect(src[i + 24].slice == src[i].slice && src[i + 24].view == 2)
            #expect(Array(b.image(i)) == gb.pool.pixels(src[i].slice))
            #expect(Array(b.image(i + 12)) != Array(b.image(i)))
            // Slices come from their partition's chunk of that volume.
            let n = gb.pool.volumes[src[i].slice.volume].slices.count
            let chunk = n / 4
            #expect((src[i].partition! * chunk)..<((src[i].partition! + 1) * chunk) ~= src[i].slice.slice)
        }
        checkPartitions(b)
    }

    @Test("G^R: 2B interleaved views of B slices drawn with replacement; 2B terms / 2B")
    func random() throws {
        let gb = try builder(.random, .intended, batchSize: 5)
        var s = RandomStream(seed: 4, purpose: "test/gr")
        let b = try gb.batch(using: &s)
        #expect(b.count == 10 && b.terms.count == 10 && b.normaliser == 10)
        for k in 0..<5 {
            #expect(b.sources[2 * k]!.slice == b.sources[2 * k + 1]!.slice)
            #expect(b.sources[2 * k]!.view == 1 && b.sources[2 * k + 1]!.view == 2)
            #expect(Array(b.image(2 * k)) != Array(b.image(2 * k + 1)))
        }
        #expect(b.terms[0] == ContrastiveTerm(anchor: 0, positive: 1, negatives: Array(2..<10)))
    }

    @Test("same seed, identical batches (images and terms); another seed differs")
    func determinism() throws {
        for (loss, fidelity) in [(GlobalLossKind.random, ContrastiveFidelity.intended), (.domainMinus, .intended),
                                 (.domain, .intended), (.domain, .faithful2020)] {
            let gb = try builder(loss, fidelity)
            func make(_ seed: UInt64) throws -> ContrastiveBatch {
                var s = RandomStream(seed: seed, purpose: "test/det")
                return try gb.batch(using: &s)
            }
            let a = try make(9), b = try make(9), c = try make(10)
            #expect(a.images == b.images && a.terms == b.terms && a.sources == b.sources)
            #expect(a.images != c.images)
        }
    }

    @Test("a pool too small for a batch is an error at set-up")
    func smallPool() throws {
        let pool = try PoolFixture.pool(sliceCounts: [8, 8, 8, 8, 8], size: Self.size)
        let e = #expect(throws: ContrastiveError.self) {
            try GlobalBatchBuilder(pool: pool, loss: .domain, augmentation: PoolFixture.augmentation(.intended, size: 8))
        }
        #expect(e?.description == "unlabelled pool: GD (intended) with batch size 12 needs 6 distinct volumes per draw, the pool has 5")
    }
}

@Suite("G^D batches, intended and faithful-2020")
struct DomainBatchTests {
    func build(_ fidelity: ContrastiveFidelity, seed: UInt64 = 21) throws -> (GlobalBatchBuilder, ContrastiveBatch) {
        let pool = try PoolFixture.pool(sliceCounts: [9, 10, 11, 12, 13, 14, 15], size: 8)
        let gb = try GlobalBatchBuilder(pool: pool, loss: .domain, augmentation: PoolFixture.augmentation(fidelity, size: 8))
        var s = RandomStream(seed: seed, purpose: "test/gd")
        return (gb, try gb.batch(using: &s))
    }

    @Test("faithful-2020: 48 images, blocks A0 | A0 aug | B0 | B0 aug | A1 | A1 aug | B1 | B1 aug, 32–47 blank; 192 terms / 48")
    func faithfulLayout() throws {
        let (gb, b) = try build(.faithful2020)
        #expect(b.count == 48 && b.terms.count == 192 && b.normaliser == 48)
        #expect(b.terms == GlobalTerms.domain(batch: 48, parts: 4))
        let blank = [Float](repeating: 0, count: 64)
        for i in 32..<48 {
            #expect(b.sources[i] == nil)
            #expect(Array(b.image(i)) == blank)
        }
        for block in 0..<2 {
            for half in 0..<2 {
                let o = 16 * block + 8 * half
                let vols = Set((o..<(o + 8)).map { b.sources[$0]!.slice.volume })
                #expect(vols.count == 1, "block \(block) half \(half) holds one volume")
                for p in 0..<4 {
                    let orig = b.sources[o + p]!, aug = b.sources[o + 4 + p]!
                    #expect(orig.partition == p && orig.view == 0 && aug.view == 1 && aug.slice == orig.slice)
                    #expect(Array(b.image(o + p)) == gb.pool.pixels(orig.slice))
                }
            }
        }
        // A0 and A1 come from one set draw, so they are distinct volumes (likewise B0, B1).
        #expect(b.sources[0]!.slice.volume != b.sources[16]!.slice.volume)
        #expect(b.sources[8]!.slice.volume != b.sources[24]!.slice.volume)
    }

    @Test("faithful-2020: anchors 24–27 pair real slices with blanks, anchors 32–35 blanks with blanks (§3.6 step 5)")
    func faithfulBlankPositives() throws {
        let (_, b) = try build(.faithful2020)
        let realBlank = b.terms.filter { b.sources[$0.anchor] != nil && b.sources[$0.positive] == nil }
        #expect(Set(realBlank.map(\.anchor)) == Set(24...31).union(Set(0...7)))
        #expect(b.terms.contains(ContrastiveTerm(anchor: 24, positive: 32, negatives: (0..<48).filter { $0 % 4 != 0 })))
        let blankBlank = b.terms.filter { b.sources[$0.anchor] == nil && b.sources[$0.positive] == nil }
        // Anchors 32–35 (j1 = 36, j2 = 40, j3 = 44): all 8 terms blank; anchors 40–43: (i, j1) both ways;
        // anchors 24–27: (j2, j3) = (32, 36) both ways.
        #expect(blankBlank.count == 4 * 8 + 4 * 2 + 4 * 2)
    }

    @Test("faithful-2020: the augmented views of one set share δ and c (one call per 12 slots)")
    func faithfulSharedIntensity() throws {
        // Constant slices: a view of a constant image is the constant + δ (contrast has nothing to
        // act on), so equal views mean an equal δ.
        let volumes = (0..<5).map { v in PoolVolume(id: "c\(v)", slices: (0..<8).map { z in [Float](repeating: 0.3 + 0.01 * Float(v * 8 + z), count: 64) }) }
        let pool = try ContrastivePool(volumes: volumes, height: 8, width: 8)
        let gb = try GlobalBatchBuilder(pool: pool, loss: .domain, augmentation: PoolFixture.augmentation(.faithful2020, size: 8))
        var s = RandomStream(seed: 2, purpose: "test/shared")
        let b = try gb.batch(using: &s)
        func delta(_ augIndex: Int) -> Float { b.image(augIndex).first! - b.image(augIndex - 4).first! }
        // Set 1 augmented slots: 4–7 (A0) and 20–23 (A1); set 2: 12–15 (B0) and 28–31 (B1).
        let set1 = [4, 5, 6, 7, 20, 21, 22, 23].map(delta), set2 = [12, 13, 14, 15, 28, 29, 30, 31].map(delta)
        for d in set1 { #expect(abs(d - set1[0]) < 1e-6) }
        for d in set2 { #expect(abs(d - set2[0]) < 1e-6) }
        #expect(abs(set1[0] - set2[0]) > 1e-6)
    }

    @Test("intended: 48 real images from 6 distinct volumes; every positive joins one partition, across volumes or views")
    func intendedLayout() throws {
        let (gb, b) = try build(.intended)
        #expect(b.count == 48 && b.terms.count == 192 && b.normaliser == 48)
        #expect(b.terms == GlobalTerms.domain(batch: 48, parts: 4))
        let src = b.sources.map { $0! }
        #expect(Set(stride(from: 0, to: 48, by: 8).map { src[$0].slice.volume }).count == 6)
        for block in 0..<6 {
            let o = 8 * block
            for p in 0..<4 {
                #expect(src[o + p].partition == p && src[o + p].view == 0)
                #expect(src[o + 4 + p].slice == src[o + p].slice && src[o + 4 + p].view == 1)
                #expect(Array(b.image(o + p)) == gb.pool.pixels(src[o + p].slice))
            }
        }
        for t in b.terms {
            let a = src[t.anchor], p = src[t.positive]
            #expect(a.partition == p.partition)
            #expect(a.slice.volume != p.slice.volume || (a.slice == p.slice && a.view != p.view))
            for n in t.negatives { #expect(src[n].partition != a.partition) }
        }
    }
}
