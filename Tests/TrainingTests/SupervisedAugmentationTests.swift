import Determinism
import Engine
import Imaging
import Testing
import TrainingSettings
@testable import Training

@Suite("Intensity and the augmentation pipeline")
struct SupervisedAugmentationTests {
    @Test("contrast scales about the image mean; brightness adds δ (hand computed)")
    func intensityByHand() {
        var img: ArraySlice<Float> = [1, 2, 3, 6]   // mean 3
        IntensityAugmentation.apply(.contrast(1.2), to: &img)
        let expected: [Double] = [0.6, 1.8, 3, 6.6]   // (x − 3)·1.2 + 3
        for (v, e) in zip(img, expected) { #expect(abs(Double(v) - e) < 1e-6) }
        var b: ArraySlice<Float> = [0, 0.5]
        IntensityAugmentation.apply(.brightness(-0.1), to: &b)
        #expect(abs(b[0] + 0.1) < 1e-7 && abs(b[1] - 0.4) < 1e-7)
    }

    @Test("contrast goes to the first half, brightness to the second; per-half draws are shared (Q3)")
    func intensityDraws() {
        var rng = RandomStream(seed: 1, purpose: "i")
        let shared = IntensityAugmentation(draws: .perHalf).draw(count: 20, using: &rng)
        let perImage = IntensityAugmentation(draws: .perImage).draw(count: 20, using: &rng)
        for changes in [shared, perImage] {
            for (i, c) in changes.enumerated() {
                switch c {
                case .contrast(let v): #expect(i < 10 && v >= 0.8 && v < 1.2)
                case .brightness(let v): #expect(i >= 10 && v >= -0.1 && v < 0.1)
                }
            }
        }
        #expect(Set(shared[0..<10].map { "\($0)" }).count == 1 && Set(shared[10...].map { "\($0)" }).count == 1)
        #expect(Set(perImage[0..<10].map { "\($0)" }).count == 10)
    }

    func sampled(count: Int, n: Int) throws -> SampledSlices {
        let pool = try SlicePool(labelled: [syntheticSlices(z: 2, n: n, base: 0.5), syntheticSlices(z: 3, n: n, base: 0)],
                                 sources: ["a", "b"])
        var rng = RandomStream(seed: 3, purpose: "sample")
        var s = pool.sample(batchSize: count, using: &rng)
        // Give the images structure so that rotations and warps change them.
        for i in s.images.indices { s.images[i] += Float(i % n) * 0.1 }
        return s
    }

    @Test("faithful-2020: affine per image, one-hot, images ≥ k deformed, no intensity; deterministic")
    func faithfulPipeline() throws {
        let s = try sampled(count: 20, n: 12)
        let aug = SupervisedAugmentation(.faithful2020)
        let (b1, r1) = aug(s, classes: 3, stream: RandomStream(seed: 7, purpose: "step/5"))
        let (b2, r2) = aug(s, classes: 3, stream: RandomStream(seed: 7, purpose: "step/5"))
        #expect(b1 == b2 && r1 == r2)
        #expect(r1.affine?.count == 20 && r1.intensity == nil)
        let k = r1.elastic!.firstDeformed
        #expect((1...18).contains(k))
        // Images before k are exactly the affine output: with elastic and intensity off, the same stream
        // gives the same affine options and so the same first k images.
        var affineOnly = AugmentationSettings.faithful2020
        affineOnly.elastic = false
        let (a, ra) = SupervisedAugmentation(affineOnly)(s, classes: 3, stream: RandomStream(seed: 7, purpose: "step/5"))
        #expect(ra.affine == r1.affine)
        let plane = 12 * 12
        #expect(a.images[0..<(k * plane)] == b1.images[0..<(k * plane)])
        #expect(a.labels![0..<(k * 3 * plane)] == b1.labels![0..<(k * 3 * plane)])
        // Every label pixel is a distribution.
        let labels = b1.labels!
        for i in 0..<20 { for p in 0..<plane {
            var sum: Float = 0
            for c in 0..<3 { sum += labels[(i * 3 + c) * plane + p] }
            #expect(abs(sum - 1) < 1e-5)
        } }
    }

    @Test("with intensity on, only the deformed images change further; none changes nothing")
    func intensityPipeline() throws {
        let s = try sampled(count: 8, n: 10)
        let stream = RandomStream(seed: 2, purpose: "step/0")
        let (plain, r0) = SupervisedAugmentation(.faithful2020)(s, classes: 3, stream: stream)
        let (withI, r1) = SupervisedAugmentation(.withIntensity)(s, classes: 3, stream: stream)
        let k = r0.elastic!.firstDeformed, plane = 100
        #expect(r1.elastic == r0.elastic && r1.intensity?.count == 8)
        #expect(withI.images[0..<(k * plane)] == plain.images[0..<(k * plane)])
        #expect(withI.images[(k * plane)...] != plain.images[(k * plane)...])
        #expect(withI.labels == plain.labels)
        let (none, rn) = SupervisedAugmentation(.none)(s, classes: 3, stream: stream)
        #expect(none.images == s.images && rn.affine == nil && rn.elastic == nil)
        #expect(none.labels == SliceBatch.oneHot(s.labelIndices!, count: 8, height: 10, width: 10, classes: 3))
    }
}
