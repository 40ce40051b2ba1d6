import Determinism
import Engine
import Testing
import Training

@Suite("Contrastive partitions")
struct PartitionTests {
    @Test("N = 10, S = 4: chunks [0,2), [2,4), [4,6), [6,8); slices 8 and 9 never drawn")
    func tenSlices() throws {
        let p = try Partitions(sliceCount: 10, parts: 4, volumeID: "v")
        #expect(p.chunks == [0..<2, 2..<4, 4..<6, 6..<8])
    }

    @Test("boundaries k·⌊N/S⌋ for N = 4, 7, 13")
    func otherSizes() throws {
        #expect(try Partitions(sliceCount: 4, parts: 4, volumeID: "v").chunks == [0..<1, 1..<2, 2..<3, 3..<4])
        #expect(try Partitions(sliceCount: 7, parts: 4, volumeID: "v").chunks == [0..<1, 1..<2, 2..<3, 3..<4])
        #expect(try Partitions(sliceCount: 13, parts: 4, volumeID: "v").chunks == [0..<3, 3..<6, 6..<9, 9..<12])
        #expect(try Partitions(sliceCount: 13, parts: 3, volumeID: "v").chunks == [0..<4, 4..<8, 8..<12])
    }

    @Test("N < S is an error naming the volume")
    func tooShort() throws {
        #expect(throws: ContrastiveError("patient042", "3 slices cannot be cut into 4 partitions (need at least 4)")) {
            try Partitions(sliceCount: 3, parts: 4, volumeID: "patient042")
        }
        let pool = try PoolFixture.pool(sliceCounts: [10, 3])
        let error = #expect(throws: ContrastiveError.self) { try PartitionSampler(pool: pool, parts: 4) }
        #expect(error?.description == "vol1: 3 slices cannot be cut into 4 partitions (need at least 4)")
    }

    @Test("a volume group: one slice inside each chunk, every chunk member reachable, tail never")
    func groups() throws {
        let pool = try PoolFixture.pool(sliceCounts: [10, 12, 9])
        let sampler = try PartitionSampler(pool: pool)
        var stream = RandomStream(seed: 5, purpose: "test/groups")
        var seen = Set<Int>()
        for _ in 0..<400 {
            let g = sampler.drawGroup(volume: 0, using: &stream)
            #expect(g.count == 4)
            for (k, a) in g.enumerated() {
                #expect(a.volume == 0)
                #expect((2 * k)..<(2 * k + 2) ~= a.slice)
                seen.insert(a.slice)
            }
        }
        #expect(seen == Set(0..<8))
    }

    @Test("volumes within one draw are distinct; every volume is drawn; too many is an error")
    func distinctVolumes() throws {
        let pool = try PoolFixture.pool(sliceCounts: [8, 8, 8, 8, 8])
        let sampler = try PartitionSampler(pool: pool)
        var stream = RandomStream(seed: 6, purpose: "test/volumes")
        var seen = Set<Int>()
        for _ in 0..<200 {
            let v = try sampler.drawVolumes(3, using: &stream)
            #expect(Set(v).count == 3)
            seen.formUnion(v)
        }
        #expect(seen == Set(0..<5))
        #expect(throws: ContrastiveError("unlabelled pool", "6 distinct volumes needed per batch, the pool has 5")) {
            try sampler.drawVolumes(6, using: &stream)
        }
    }

    @Test("same seed, same draws; another seed, other draws")
    func determinism() throws {
        let sampler = try PartitionSampler(pool: try PoolFixture.pool(sliceCounts: [20, 20, 20, 20, 20, 20]))
        func draw(_ seed: UInt64) throws -> [SliceAddress] {
            var s = RandomStream(seed: seed, purpose: "test/det")
            return try (0..<5).flatMap { _ in try sampler.drawGroups(3, using: &s) }
        }
        #expect(try draw(1) == draw(1))
        #expect(try draw(1) != draw(2))
    }
}
