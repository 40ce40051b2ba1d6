import Determinism
import Foundation
import Engine
import Networks
import Testing
import TestSupport
import Training

@Suite("Contrastive losses")
struct ContrastiveLossTests {
    static let tiny = UNetConfig(inputSize: 32, numClasses: 2, filters: [2, 2, 2, 2, 2, 2], g1Hidden: 6, embeddingSize: 4)

    static func pool() throws -> ContrastivePool { try PoolFixture.pool(sliceCounts: [8, 9, 10, 11, 12, 13], size: 32) }

    @Test("G^R loss on hand embeddings equals the NT-Xent formula")
    func handValue() throws {
        // Two pairs, 2-d embeddings: rows (1,0), (1,0), (0,1), (0,1): positives identical, negatives orthogonal.
        let b = ContrastiveBatch(height: 1, width: 1, images: [[0], [0], [0], [0]], sources: [nil, nil, nil, nil],
                                 terms: GlobalTerms.random(pairs: 2), normaliser: 4)
        let z = Tensor(shape: [4, 2], data: [2, 0, 1, 0, 0, 3, 0, 1])  // normalised inside the loss
        let loss = globalContrastiveLoss(embeddings: z, batch: b).item
        // Each term: −log(e^{10} / (e^{10} + 2·e^0)); 4 terms / 4.
        let expected = -Foundation.log(Foundation.exp(10.0) / (Foundation.exp(10.0) + 2))
        #expect(abs(Double(loss) - expected) < 1e-5)
    }

    @Test("finite differences: the whole G^D loss through a tiny encoder + g1")
    func globalGradient() throws {
        let net = GlobalContrastiveNet(config: Self.tiny, seed: 4)
        let gb = try GlobalBatchBuilder(pool: try Self.pool(), loss: .domain, batchSize: 4,
                                        augmentation: PoolFixture.augmentation(.intended, size: 32))
        var s = RandomStream(seed: 5, purpose: "test/grad")
        let batch = try gb.batch(using: &s)
        let inputs = [net.head.fc2, net.head.fc1, net.encoder.units[11].weight, net.encoder.units[0].weight]
        GradientCheck(maxElements: 12).run(inputs) { globalContrastiveLoss(network: net, batch: batch) }
    }

    @Test("finite differences: the whole L^D loss through frozen encoder, 3 decoder blocks and g2")
    func localGradient() throws {
        let net = LocalContrastiveNet(config: Self.tiny, decoderBlocks: 3, seed: 6)
        let lb = try LocalBatchBuilder(pool: try Self.pool(), loss: .domain, featureSize: 8, volumes: 2,
                                       augmentation: PoolFixture.augmentation(.intended, size: 32))
        var s = RandomStream(seed: 7, purpose: "test/grad")
        let batch = try lb.batch(using: &s)
        let inputs = [net.head.windowMap!, net.head.convB.weight, net.decoder[2].units[0].weight]
        // h = 1e-3: with 1e-2 the ReLUs after the 2×2 up-conv cross kinks inside the step (errors of 1–4%
        // that shrink with h), while the float32 rounding at 1e-3 is still far below the tolerance.
        GradientCheck(h: 1e-3, maxElements: 12).run(inputs) { localContrastiveLoss(network: net, regions: lb.regions, batch: batch) }
        // The encoder is frozen: no gradient reaches it.
        let loss = localContrastiveLoss(network: net, regions: lb.regions, batch: batch)
        loss.backward()
        #expect(net.encoder.units[0].weight.grad == nil)
    }
}

@Suite("Contrastive pre-training runs")
struct ContrastiveRunTests {
    /// Volumes whose partitions look different: slice z of a volume shows a disc whose radius grows
    /// with z/N, with a per-volume brightness, so G^D has something to learn.
    static func discPool() throws -> ContrastivePool {
        let n = 32
        let volumes = (0..<8).map { v in
            PoolVolume(id: "disc\(v)", slices: (0..<12).map { z in
                let radius = 3 + Double(z) * 1.0
                return (0..<(n * n)).map { i in
                    let (r, c) = (Double(i / n) - 15.5 + Double(v % 3), Double(i % n) - 15.5)
                    return (r * r + c * c).squareRoot() < radius ? Float(0.5 + 0.05 * Double(v)) : 0.1
                }
            })
        }
        return try ContrastivePool(volumes: volumes, height: n, width: n)
    }

    @Test("G^D (intended) on a tiny encoder: the loss on a fixed held-out batch falls over 20 Adam steps")
    func globalLossFalls() throws {
        let net = GlobalContrastiveNet(config: ContrastiveLossTests.tiny.scaled(by: 2), seed: 12)
        let gb = try GlobalBatchBuilder(pool: try Self.discPool(), loss: .domain, batchSize: 8,
                                        augmentation: PoolFixture.augmentation(.intended, size: 32))
        var evalStream = RandomStream(seed: 1, purpose: "test/run/eval")
        let held = try gb.batch(using: &evalStream)
        let before = GradMode.disabled { globalContrastiveLoss(network: net, batch: held).item }
        let opt = Adam(groups: [ParameterGroup(name: "enc+g1", parameters: net.encoder.units.flatMap(\.parameters) + net.head.parameters)],
                       learningRate: 1e-3)
        var stream = RandomStream(seed: 1, purpose: "test/run/train")
        for _ in 0..<20 {
            let loss = globalContrastiveLoss(network: net, batch: try gb.batch(using: &stream))
            loss.backward()
            opt.update()
        }
        let after = GradMode.disabled { globalContrastiveLoss(network: net, batch: held).item }
        #expect(after.isFinite && after < 0.9 * before, "held-out G^D loss \(before) → \(after)")
    }

    @Test("L^R on a frozen tiny encoder: the loss on a fixed held-out batch falls over 20 Adam steps")
    func localLossFalls() throws {
        let net = LocalContrastiveNet(config: ContrastiveLossTests.tiny.scaled(by: 2), decoderBlocks: 3, seed: 13)
        let lb = try LocalBatchBuilder(pool: try Self.discPool(), loss: .random, featureSize: 8, batchSize: 4,
                                       augmentation: PoolFixture.augmentation(.intended, size: 32))
        var evalStream = RandomStream(seed: 2, purpose: "test/run/eval")
        let held = try lb.batch(using: &evalStream)
        func heldLoss() -> Float { GradMode.disabled { localContrastiveLoss(network: net, regions: lb.regions, batch: held).item } }
        let before = heldLoss()
        let encoder = net.encoder.units.flatMap(\.parameters)
        let snapshot = encoder.map(\.data)
        let opt = Adam(groups: [ParameterGroup(name: "enc", parameters: encoder, frozen: true),
                                ParameterGroup(name: "dec+g2", parameters: net.decoder.flatMap(\.units).flatMap(\.parameters) + net.head.parameters)],
                       learningRate: 1e-3)
        var stream = RandomStream(seed: 2, purpose: "test/run/train")
        for _ in 0..<20 {
            let loss = localContrastiveLoss(network: net, regions: lb.regions, batch: try lb.batch(using: &stream))
            loss.backward()
            opt.update()
        }
        let after = heldLoss()
        #expect(after.isFinite && after < 0.9 * before, "held-out L^R loss \(before) → \(after)")
        #expect(encoder.map(\.data) == snapshot, "the encoder stays frozen")
    }
}
