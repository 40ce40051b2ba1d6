import Determinism
import Engine
import Imaging
import Networks
import Testing
import Training

@Suite("Volume prediction")
struct VolumePredictorTests {
    @Test("chunked prediction equals one batch, and probabilities sum to one per pixel")
    func chunking() {
        let config = UNetConfig(inputSize: 32, numClasses: 3, filters: [2, 2, 2, 2, 2, 2], g1Hidden: 4, embeddingSize: 4)
        let net = UNet(config: config, seed: 5)
        var s = RandomStream(seed: 1, purpose: "slices")
        let count = 23   // one full chunk of 20 and a remainder of 3
        let slices = (0..<(count * 32 * 32)).map { _ in s.uniform(0, 1) }
        let p = VolumePredictor.probabilities(net, slices: slices, count: count, size: 32)
        #expect(p.count == count * 3 * 32 * 32)
        let whole = GradMode.disabled { softmax(net(Tensor(shape: [count, 1, 32, 32], data: slices), mode: .inference)).data }
        #expect(p == whole)
        for i in stride(from: 0, to: count * 1024, by: 97) {
            let (n, q) = (i / 1024, i % 1024)
            let sum = (0..<3).reduce(Float(0)) { $0 + p[(n * 3 + $1) * 1024 + q] }
            #expect(abs(sum - 1) < 1e-5)
        }
    }

    @Test("mean foreground Dice averages classes present in either mask, then volumes")
    func meanDice() {
        func v(_ x: [Float]) -> Volume { Volume(shape: [x.count, 1, 1], voxels: x, spacing: [1, 1, 1], affine: .scaling([1, 1, 1])) }
        // Volume 1: class 1 overlaps in 1 of 2 + 2 voxels → Dice 0.5; class 2 absent from both (excluded)
        // → 0.5. Volume 2: class 1 perfect, class 2 missed → (1 + 0)/2 = 0.5. A mean over all classes
        // (counting the absent class as 0) would give 0.375.
        let score = VolumePredictor.meanForegroundDice(
            predictions: [v([0, 1, 1, 0]), v([1, 1, 0, 0])], references: [v([0, 1, 0, 1]), v([1, 1, 2, 0])], classes: 3)
        let expected = 0.5
        #expect(abs(score - expected) < 1e-12)
    }
}
