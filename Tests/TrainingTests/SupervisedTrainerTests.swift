import Determinism
import Engine
import Imaging
import Networks
import Testing
import Training

@Suite("Supervised training loop")
struct SupervisedTrainerTests {
    /// A 32×32×6 volume with a bright disc (label 1) whose radius changes with z, on a 1 mm grid.
    static func discVolume(seed: UInt64) -> (Volume, Volume) {
        var s = RandomStream(seed: seed, purpose: "disc")
        var image = [Float](repeating: 0, count: 32 * 32 * 6), label = image
        let (cx, cy) = (Double(s.int(in: 12...20)), Double(s.int(in: 12...20)))
        for z in 0..<6 { for y in 0..<32 { for x in 0..<32 {
            let r = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
            let inside = r < 4 + Double(z)
            let i = x + 32 * (y + 32 * z)
            image[i] = (inside ? 100 : 20) + s.uniform(-5, 5)
            label[i] = inside ? 1 : 0
        } } }
        let spacing = [1.0, 1.0, 8.0]
        return (Volume(shape: [32, 32, 6], voxels: image, spacing: spacing, affine: .scaling(spacing)),
                Volume(shape: [32, 32, 6], voxels: label, spacing: spacing, affine: .scaling(spacing)))
    }

    static func run(seed: UInt64) throws -> (SupervisedTrainer.Record, UNet, [SupervisedTrainer.ValidationCase]) {
        let pre = SlicePreprocessor(targetSpacing: [1, 1], size: 32)
        let train = try (0..<2).map { i -> PreprocessedSlices in
            let (im, lb) = discVolume(seed: UInt64(i))
            return try pre(image: im, label: lb, source: "train\(i)")
        }
        let (vi, vl) = discVolume(seed: 99)
        let validation = [SupervisedTrainer.ValidationCase(id: "val", slices: try pre(image: vi, label: vl, source: "val"),
                                                           reference: vl)]
        let config = UNetConfig(inputSize: 32, numClasses: 2, filters: [4, 4, 4, 4, 4, 4], g1Hidden: 4, embeddingSize: 4)
        let net = UNet(config: config, seed: seed)
        var stream = RandomStream(seed: seed, purpose: "batches")
        let trainer = SupervisedTrainer(settings: .init(iterations: 60, learningRate: 1e-2, validationEvery: 20))
        let record = try trainer.train(net, validation: validation) { _ in
            var images = [Float](), indices = [Float]()
            for _ in 0..<4 {
                let v = train[stream.int(in: 0...1)], z = stream.int(in: 0...5)
                images += v.images[(z * 1024)..<((z + 1) * 1024)]
                indices += v.labels![(z * 1024)..<((z + 1) * 1024)]
            }
            return SliceBatch(count: 4, height: 32, width: 32, classes: 2, images: images,
                              labels: SliceBatch.oneHot(indices, count: 4, height: 32, width: 32, classes: 2))
        }
        return (record, net, validation)
    }

    @Test("the loss falls, validation runs after steps 0, 20, 40 and the last (59), and the best weights are restored")
    func trains() throws {
        let (record, net, validation) = try Self.run(seed: 3)
        #expect(record.losses.count == 60)
        #expect(record.losses.suffix(10).reduce(0, +) < record.losses.prefix(10).reduce(0, +) * 0.8)
        #expect(record.validation.map(\.step) == [0, 20, 40, 59])
        let best = try #require(record.bestStep)
        #expect(record.validation.first { $0.step == best }!.dice == record.bestDice)
        #expect(record.validation.allSatisfy { $0.dice.isNaN || $0.dice <= record.bestDice })
        #expect(record.bestDice > 0.5, "validation Dice \(record.validation)")
        for v in net.variables { #expect(v.data == record.bestWeights[v.name!]!) }
        // The first validation scores trained weights (after one update), never the initial network.
        let fresh = UNet(config: net.config, seed: 3)
        #expect(try SupervisedTrainer(settings: .init()).validate(fresh, validation) != record.validation[0].dice)
    }

    @Test("two runs with the same seed give identical records")
    func deterministic() throws {
        let (a, _, _) = try Self.run(seed: 4)
        let (b, _, _) = try Self.run(seed: 4)
        #expect(a == b)
    }
}
