import Determinism
import Engine
import Imaging
import Testing
@testable import Training

/// A volume of `z` slices n×n whose every pixel of slice k holds `base + k` (image) and `k % classes` (label).
func syntheticSlices(z: Int, n: Int, base: Float, label: Bool = true) -> PreprocessedSlices {
    var img = [Float](), lab = [Float]()
    for k in 0..<z {
        img += [Float](repeating: base + Float(k), count: n * n)
        lab += [Float](repeating: Float(k % 3), count: n * n)
    }
    let g = SliceGeometry(nativeRows: n, nativeColumns: n, sliceCount: z, rescaledRows: n, rescaledColumns: n,
                          size: n, spacing: [1, 1, 1], affine: .scaling([1, 1, 1]))
    return PreprocessedSlices(images: img, labels: label ? lab : nil, geometry: g,
                              normalisation: PercentileNormalisation(low: 0, high: 1))
}

@Suite("Slice sampler")
struct SliceSamplerTests {
    @Test("the pool stacks every slice of every volume in order, with its origin")
    func stacking() throws {
        let pool = try SlicePool(labelled: [syntheticSlices(z: 2, n: 3, base: 0), syntheticSlices(z: 3, n: 3, base: 10)],
                                 sources: ["a", "b"])
        #expect(pool.count == 5)
        #expect(pool.origins.map(\.volume) == [0, 0, 1, 1, 1])
        #expect(pool.origins.map(\.z) == [0, 1, 0, 1, 2])
        let s = pool.gather([4, 0, 4])
        let twelve = [Float](repeating: 12, count: 9), zero = [Float](repeating: 0, count: 9)
        let two = [Float](repeating: 2, count: 9)
        let expectedImages: [Float] = twelve + zero + twelve
        let expectedLabels: [Float] = two + zero + two
        #expect(s.images == expectedImages)
        #expect(s.labelIndices == expectedLabels)
    }

    @Test("draws are uniform over slices (not volumes), with replacement")
    func uniformity() throws {
        // Volume a has 1 slice, b has 4: a slice-uniform draw picks a 1/5 of the time, a volume-uniform one 1/2.
        let pool = try SlicePool(labelled: [syntheticSlices(z: 1, n: 2, base: 0), syntheticSlices(z: 4, n: 2, base: 10)],
                                 sources: ["a", "b"])
        var rng = RandomStream(seed: 3, purpose: "test/sampler")
        var counts = [Int](repeating: 0, count: 5)
        let draws = 20_000
        for i in pool.drawIndices(draws, using: &rng) { counts[i] += 1 }
        for c in counts { #expect(abs(Double(c) / Double(draws) - 0.2) < 0.015) }
        // With replacement: a batch of 20 from 5 slices must repeat.
        let batch = pool.sample(batchSize: 20, using: &rng)
        #expect(batch.count == 20 && Set(batch.indices).count <= 5)
    }

    @Test("the same seed gives the same batch; another purpose another batch")
    func determinism() throws {
        let pool = try SlicePool(labelled: [syntheticSlices(z: 7, n: 2, base: 0)], sources: ["a"])
        var r1 = RandomStream(seed: 9, purpose: "step/0"), r2 = RandomStream(seed: 9, purpose: "step/0")
        var r3 = RandomStream(seed: 9, purpose: "step/1")
        let a = pool.sample(using: &r1), b = pool.sample(using: &r2), c = pool.sample(using: &r3)
        #expect(a == b)
        #expect(a.indices != c.indices)
    }

    @Test("an unlabelled pool ignores labels and accepts volumes without them")
    func unlabelled() throws {
        let pool = try SlicePool(unlabelled: [syntheticSlices(z: 2, n: 2, base: 0, label: false),
                                              syntheticSlices(z: 1, n: 2, base: 5)], sources: ["a", "b"])
        #expect(pool.labels == nil && pool.count == 3)
        var rng = RandomStream(seed: 1, purpose: "x")
        #expect(pool.sample(batchSize: 4, using: &rng).labelIndices == nil)
    }

    @Test("bad pools are rejected with the volume named")
    func errors() {
        #expect(throws: SlicePoolError(source: "b", problem: "no label, but the pool is labelled")) {
            try SlicePool(labelled: [syntheticSlices(z: 1, n: 2, base: 0), syntheticSlices(z: 1, n: 2, base: 0, label: false)],
                          sources: ["a", "b"])
        }
        #expect(throws: SlicePoolError(source: "b", problem: "slices are 3² but the pool's first volume has 2²")) {
            try SlicePool(labelled: [syntheticSlices(z: 1, n: 2, base: 0), syntheticSlices(z: 1, n: 3, base: 0)],
                          sources: ["a", "b"])
        }
        #expect(throws: SlicePoolError.self) { try SlicePool(labelled: [], sources: []) }
    }
}
