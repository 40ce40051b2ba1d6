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
