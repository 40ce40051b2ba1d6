import Determinism
import Engine
import Imaging
import Networks
import Testing
import Training

/// The three stages chained on tiny networks: global pre-training, local pre-training on the frozen
/// encoder, fine-tuning initialised from encoder + l decoder blocks (spec §3–§5.1).
@Suite("Stage chain")
struct StageChainTests {
    static func pool() throws -> ContrastivePool {
        let volumes = (0..<6).map { v -> PoolVolume in
            var s = RandomStream(seed: UInt64(v), purpose: "pool")
            let slices = (0..<8).map { z -> [Float] in
                (0..<(32 * 32)).map { i in
                    let (x, y) = (Double(i % 32) - 16, Double(i / 32) - 16)
                    return ((x * x + y * y).squareRoot() < Double(4 + z) ? 0.9 : 0.2) + s.uniform(-0.05, 0.05)
                }
            }
            return PoolVolume(id: String(format: "%03d", v), slices: slices)
        }
        return try ContrastivePool(volumes: volumes, height: 32, width: 32)
    }

    static let config = UNetConfig(inputSize: 32, numClasses: 2, filters: [4, 4, 4, 4, 4, 4], g1Hidden: 8, embeddingSize: 8)

    @Test("the pretrainers' temperature reaches the loss: step 0's loss is the loss at that τ on the same batch, and differs from τ = 0.1's")
    func temperatureReachesTheLoss() throws {
        let views = ViewAugmentation(cropBox: 16, cropOffsets: 2...14)
        let builder = try GlobalBatchBuilder(pool: Self.pool(), loss: .domain, batchSize: 12, augmentation: views)
        func firstLoss(_ tau: Float?) throws -> Float {
            var stream = RandomStream(seed: 1, purpose: "stage1/batches")
            let net = GlobalContrastiveNet(config: Self.config, seed: 1)
            if let tau { return try GlobalPretrainer(iterations: 1, temperature: tau).train(net, batches: builder, stream: &stream)[0] }
            return globalContrastiveLoss(network: net, batch: try builder.batch(using: &stream), temperature: 0.5).item
        }
        #expect(try firstLoss(0.5) == firstLoss(nil))
        #expect(try firstLoss(0.5) != firstLoss(0.1))

        let local = { () -> (LocalContrastiveNet, LocalBatchBuilder) in
            (LocalContrastiveNet(config: Self.config, decoderBlocks: 3, seed: 2),
             try! LocalBatchBuilder(pool: Self.pool(), loss: .random, featureSize: 8))
        }
        func firstLocal(_ tau: Float, direct: Bool) throws -> Float {
            let (net, b) = local()
            var stream = RandomStream(seed: 1, purpose: "stage2/batches")
            if direct { return localContrastiveLoss(network: net, regions: b.regions, batch: try b.batch(using: &stream), temperature: tau).item }
            return try LocalPretrainer(iterations: 1, temperature: tau).train(net, batches: b, stream: &stream)[0]
        }
        #expect(try firstLocal(0.3, direct: false) == firstLocal(0.3, direct: true))
        #expect(try firstLocal(0.3, direct: false) != firstLocal(0.1, direct: true))
    }

    @Test("global then local pre-training; the encoder stays frozen in stage 2; fine-tuning gets exactly the selected weights")
    func chain() throws {
        let views = ViewAugmentation(cropBox: 16, cropOffsets: 2...14)
        var stream = RandomStream(seed: 1, purpose: "stage1/batches")
        let global = GlobalContrastiveNet(config: Self.config, seed: 1)
        let g = try GlobalPretrainer(iterations: 6).train(
            global, batches: GlobalBatchBuilder(pool: Self.pool(), loss: .domain, batchSize: 12, augmentation: views), stream: &stream)
        #expect(g.count == 6 && g.allSatisfy(\.isFinite))

        let local = LocalContrastiveNet(config: Self.config, decoderBlocks: 3, seed: 2)
        let moved = try WeightTransfer.copy(from: global.variables, into: local.variables, where: WeightSelection.encoder)
        #expect(moved.count == 12 * 4)   // 12 conv units × (W, b, γ, β)
        let encoderBefore = local.encoder.units.flatMap(\.parameters).map(\.data)
        var s2 = RandomStream(seed: 1, purpose: "stage2/batches")
        let l = try LocalPretrainer(iterations: 4).train(
            local, batches: LocalBatchBuilder(pool: Self.pool(), loss: .domain, featureSize: 8), stream: &s2)
        #expect(l.count == 4 && l.allSatisfy(\.isFinite))
        #expect(local.encoder.units.flatMap(\.parameters).map(\.data) == encoderBefore)

        let unet = UNet(config: Self.config, seed: 3)
        let fresh = UNet(config: Self.config, seed: 3)
        let names = try WeightTransfer.copy(from: local.variables, into: unet.variables,
                                            where: WeightSelection.encoderAndDecoder(blocks: 3))
        let byName = Dictionary(uniqueKeysWithValues: local.variables.map { ($0.name!, $0.data) })
        for (v, f) in zip(unet.variables, fresh.variables) {
            let name = v.name!
            if names.contains(name) {
                #expect(v.data == byName[name]!, "\(name) should come from stage 2")
            } else {
                #expect(v.data == f.data, "\(name) should keep its fresh initial value")
            }
        }
        #expect(names.contains("dec_dc6/W") && names.contains("dec_c4_b/bn/gamma") && !names.contains("dec_dc3/W"))
        #expect(!names.contains { $0.hasPrefix("seg_") || $0.hasSuffix("moving_mean") || $0.hasSuffix("moving_variance") })
    }

    @Test("a transfer into a network of another shape is refused with the variable's name")
    func shapeMismatch() {
        let small = GlobalContrastiveNet(config: Self.config, seed: 1)
        var wide = Self.config
        wide.filters = [8, 4, 4, 4, 4, 4]
        let unet = UNet(config: wide, seed: 1)
        #expect(throws: WeightTransferError.shape("enc_c1_a/W", [4, 1, 3, 3], [8, 1, 3, 3])) {
            try WeightTransfer.copy(from: small.variables, into: unet.variables, where: WeightSelection.encoder)
        }
    }
}
