import Datasets
import Determinism
import Engine
import Foundation
import Imaging
import Networks
import Planning
import Training

/// Seconds per training step of each kind of stage, measured on this machine: the stage's own network at
/// the experiment's scale, its own batch builder and augmentation, on synthetic slices of the experiment's
/// size (no data needed). One untimed step first (allocations, caches), then `steps` timed ones.
struct StageProbe {
    let network: UNetConfig
    let scale: ScaleSettings
    var steps = 3

    /// Engine threads per run: with one, the probe's CPU time is what a step costs on a core of its own,
    /// whatever else the machine is doing; with more, wall time (CPU time would hide idle workers).
    var threads = 1

    func seconds(_ body: () throws -> Void) rethrows -> Double {
        if threads == 1 {
            let start = Self.processCPUSeconds()
            try body()
            return Self.processCPUSeconds() - start
        }
        let start = DispatchTime.now().uptimeNanoseconds
        try body()
        return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
    }

    static func processCPUSeconds() -> Double {
        var t = timespec()
        clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t)
        return Double(t.tv_sec) + Double(t.tv_nsec) / 1e9
    }

    /// Untimed warm-up step, then the mean of `steps` timed ones.
    func perStep(_ train: (Int) throws -> Void) rethrows -> Double {
        try train(1)
        return try seconds { try train(steps) } / Double(steps)
    }

    var side: Int { scale.inputSize }

    /// Synthetic slices `[count, side, side]`: smooth blobs over noise, so augmentation and losses do real work.
    func slices(_ count: Int, seed: UInt64) -> [[Float]] {
        var s = RandomStream(seed: seed, purpose: "estimate/slices")
        return (0..<count).map { _ in
            let (cr, cc) = (Float(s.int(in: side / 4...(3 * side / 4))), Float(s.int(in: side / 4...(3 * side / 4))))
            return (0..<(side * side)).map { i in
                let (r, c) = (Float(i / side), Float(i % side))
                return ((r - cr) * (r - cr) + (c - cc) * (c - cc) < Float(side * side) / 36 ? 0.8 : 0.2) + s.uniform(-0.1, 0.1)
            }
        }
    }

    func pool(volumes: Int, slicesEach: Int) throws -> ContrastivePool {
        try ContrastivePool(volumes: (0..<volumes).map { v in PoolVolume(id: "v\(v)", slices: slices(slicesEach, seed: UInt64(v))) },
                            height: side, width: side)
    }

    func finetune(batchSize: Int, augmentation: AugmentationConfig, mixupAlpha: Double?) throws -> Double {
        let images = slices(12, seed: 100)
        var labels = [Float]()
        for img in images { labels += img.map { $0 > 0.5 ? Float(1 + Int($0 * 10) % (network.numClasses - 1)) : 0 } }
        let geometry = SliceGeometry(nativeRows: side, nativeColumns: side, sliceCount: images.count, rescaledRows: side,
                                     rescaledColumns: side, size: side, spacing: scale.targetSpacing + [1], affine: .scaling(scale.targetSpacing + [1]))
        let volume = PreprocessedSlices(images: images.flatMap { $0 }, labels: labels, geometry: geometry,
                                        normalisation: PercentileNormalisation(low: 0, high: 1))
        let slicePool = try SlicePool(labelled: [volume], sources: ["synthetic"])
        let augment = augmentation.isNone ? nil : SupervisedAugmentation(augmentation.settings)
        let mixup = mixupAlpha.map { Mixup(alpha: $0) }
        let net = UNet(config: network, seed: 1)
        var sampling = RandomStream(seed: 1, purpose: "estimate/sampling")
        var mixing = RandomStream(seed: 1, purpose: "estimate/mixup")
        let classes = network.numClasses
        return try perStep { n in
            let trainer = SupervisedTrainer(settings: .init(iterations: n, learningRate: 1e-3, validationEvery: Int.max))
            _ = try trainer.train(net, validation: [], nextBatch: { step in
                let sampled = slicePool.sample(batchSize: batchSize, using: &sampling)
                var batch = if let augment {
                    augment(sampled, classes: classes, stream: RandomStream(seed: 1, purpose: "estimate/aug\(step)")).batch
                } else {
                    SliceBatch(count: sampled.count, height: sampled.size, width: sampled.size, classes: classes, images: sampled.images,
                               labels: SliceBatch.oneHot(sampled.labelIndices!, count: sampled.count, height: sampled.size,
                                                         width: sampled.size, classes: classes))
                }
                if let mixup { batch = mixup(batch, using: &mixing) }
                return batch
            })
        }
    }

    func views() -> ViewAugmentation {
        func px(_ v: Double) -> Int { max(1, Int((v * Double(side) / 192).rounded())) }
        return ViewAugmentation(fidelity: .intended, cropBox: px(100), cropOffsets: px(10)...px(69))
    }

    func global(_ variant: GlobalVariant, _ s: GlobalPretrainingSettings) throws -> Double {
        let loss = variant.loss
        let builder = try GlobalBatchBuilder(pool: pool(volumes: max(2 * s.batchSize, 4), slicesEach: max(12, 2 * s.partitions)),
                                             loss: loss, batchSize: s.batchSize, parts: s.partitions, augmentation: views())
        let net = GlobalContrastiveNet(config: network, seed: 1)
        var stream = RandomStream(seed: 1, purpose: "estimate/global")
        return try perStep { n in _ = try GlobalPretrainer(iterations: n, learningRate: 1e-3).train(net, batches: builder, stream: &stream) }
    }

    func local(_ variant: LocalVariant, _ s: LocalPretrainingSettings) throws -> Double {
        let featureSize = s.featureSize(inputSize: side)
        let builder = try LocalBatchBuilder(pool: pool(volumes: max(2 * s.batchSize, 4), slicesEach: 12),
                                            loss: variant.loss, featureSize: featureSize, regionSize: s.regionSize,
                                            batchSize: s.lrSlices, volumes: s.domainVolumes, parts: 4, augmentation: views())
        let net = LocalContrastiveNet(config: network, decoderBlocks: s.decoderBlocks, regionSize: s.regionSize, seed: 1)
        var stream = RandomStream(seed: 1, purpose: "estimate/local")
        return try perStep { n in _ = try LocalPretrainer(iterations: n, learningRate: 1e-3).train(net, batches: builder, stream: &stream) }
    }

    func pretext(_ task: PretextTask, _ s: PretextPretrainingSettings) throws -> Double {
        let builder = try PretextBatchBuilder(pool: pool(volumes: 4, slicesEach: 12), task: task, batchSize: s.batchSize)
        var stream = RandomStream(seed: 1, purpose: "estimate/pretext")
        let trainer = { (n: Int) in PretextPretrainer(iterations: n, learningRate: 1e-3) }
        if case .rotation = task {
            let net = RotationNet(config: network, seed: 1)
            return try perStep { n in _ = try trainer(n).train(net, batches: builder, stream: &stream) }
        }
        let net = UNet(config: network.restoration, seed: 1)
        return try perStep { n in _ = try trainer(n).train(net, batches: builder, stream: &stream) }
    }

    /// Seconds per slice of inference (validation, test, pseudo-labels, probes), in chunks as the predictor runs them.
    func inferencePerSlice() -> Double {
        let net = UNet(config: network, seed: 1)
        let n = VolumePredictor.chunk
        let x = Tensor(shape: [n, 1, side, side], data: slices(n, seed: 7).flatMap { $0 })
        return perStep { k in for _ in 0..<k { _ = GradMode.disabled { softmax(net(x, mode: .inference)) } } } / Double(n)
    }
}
