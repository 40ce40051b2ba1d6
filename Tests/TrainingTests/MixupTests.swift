import Determinism
import Engine
import Testing
@testable import Training

@Suite("Mixup and Beta sampling")
struct MixupTests {
    /// Sample mean and variance of `n` draws.
    func moments(_ n: Int, _ draw: () -> Double) -> (mean: Double, variance: Double) {
        var s = 0.0, s2 = 0.0
        for _ in 0..<n { let x = draw(); s += x; s2 += x * x }
        let m = s / Double(n)
        return (m, s2 / Double(n) - m * m)
    }

    @Test("Gamma(k) has mean k and variance k (Marsaglia–Tsang, with the boost below 1)",
          arguments: [0.1, 0.5, 1.0, 2.5, 7.0])
    func gammaMoments(shape: Double) {
        var rng = RandomStream(seed: 11, purpose: "test/gamma/\(shape)")
        let (m, v) = moments(40_000) { GammaBeta.gamma(shape: shape, using: &rng) }
        // Standard error of the mean is sqrt(k/n) ≤ 0.013 here; of the variance a few times larger.
        #expect(abs(m - shape) < 0.05 * max(shape, 1))
        #expect(abs(v - shape) < 0.1 * max(shape, 1))
    }

    @Test("Beta(α, α) has mean 1/2 and variance 1/(4(2α+1)); α = 0.1 piles up near 0 and 1")
    func betaMoments() {
        for alpha in [0.1, 0.4, 2.0] {
            var rng = RandomStream(seed: 5, purpose: "test/beta/\(alpha)")
            var draws = [Double]()
            let (m, v) = moments(40_000) {
                let x = GammaBeta.beta(alpha, alpha, using: &rng); draws.append(x); return x
            }
            #expect(draws.allSatisfy { $0 >= 0 && $0 <= 1 && $0.isFinite })
            #expect(abs(m - 0.5) < 0.01)
            #expect(abs(v - 1 / (4 * (2 * alpha + 1))) < 0.01)
            if alpha == 0.1 {
                // P(X < 0.05) for Beta(0.1, 0.1) is about 0.37 (by symmetry the same above 0.95).
                let low = Double(draws.filter { $0 < 0.05 }.count) / Double(draws.count)
                #expect(low > 0.33 && low < 0.41)
            }
        }
    }

    @Test("a fixed λ mixes images and one-hot labels linearly (hand computed)")
    func fixedLambda() {
        // Two 1×2 images with 2 classes.
        let batch = SliceBatch(count: 2, height: 1, width: 2, classes: 2, images: [1, 2, 10, 20],
                               labels: [1, 0, 0, 1,   0, 1, 1, 0])
        let out = Mixup.mix(batch, draws: [.init(lambda: 0.25, first: 0, second: 1),
                                           .init(lambda: 1, first: 1, second: 0)])
        let images: [Float] = [7.75, 15.5, 10, 20]   // 0.25·1 + 0.75·10, 0.25·2 + 0.75·20, then sample 1 unmixed
        let labels: [Float] = [0.25, 0.75, 0.75, 0.25, 0, 1, 1, 0]
        #expect(out.images == images)
        #expect(out.labels == labels)
    }

    @Test("mixed labels stay a probability distribution per pixel; draws are seeded and index the batch")
    func invariants() {
        let n = 6, classes = 3, hw = 4
        var idx = [Float]()
        for i in 0..<(n * hw) { idx.append(Float(i % classes)) }
        let batch = SliceBatch(count: n, height: 2, width: 2, classes: classes,
                               images: (0..<(n * hw)).map { Float($0) },
                               labels: SliceBatch.oneHot(idx, count: n, height: 2, width: 2, classes: classes))
        var r1 = RandomStream(seed: 2, purpose: "mixup"), r2 = RandomStream(seed: 2, purpose: "mixup")
        let d1 = Mixup().draws(count: n, using: &r1), d2 = Mixup().draws(count: n, using: &r2)
        #expect(d1 == d2)
        for d in d1 {
            #expect((0..<n).contains(d.first) && (0..<n).contains(d.second))
            #expect(d.lambda >= 0 && d.lambda <= 1)
        }
        let out = Mixup.mix(batch, draws: d1)
        let labels = out.labels!
        for b in 0..<n { for p in 0..<hw {
            var s: Float = 0
            for k in 0..<classes { s += labels[(b * classes + k) * hw + p] }
            #expect(abs(s - 1) < 1e-6)
        } }
    }
}
