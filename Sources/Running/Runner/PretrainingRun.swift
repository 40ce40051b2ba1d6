import Datasets
import Engine
import Networks
import Planning
import RunStore
import Training

/// Stage 1 and stage 2 runs (spec §3, §4): their records hold the final weights and the loss curve;
/// no validation, no test.
enum PretrainingRun {
    /// The views scale with the slice: the paper's 100-pixel crop box at offsets 10…69 of a 192² slice
    /// becomes the same fractions of the experiment's slice (the crop covers the same anatomy).
    static func views(_ e: Experiment, faithful: Bool) -> ViewAugmentation {
        let ratio = Double(e.settings.scale.inputSize) / Double(e.data.layout.constants.sliceSize)
        func px(_ v: Double) -> Int { max(1, Int((v * ratio).rounded())) }
        return ViewAugmentation(fidelity: faithful ? .faithful2020 : .intended, cropBox: px(100), cropOffsets: px(10)...px(69))
    }

    static func pool(_ c: RunContext, _ ids: [String]) throws -> ContrastivePool {
        let n = c.experiment.settings.scale.inputSize
        let volumes = try c.data.cases(ids).map { pc in
            PoolVolume(id: pc.id, slices: (0..<pc.slices.geometry.sliceCount).map { Array(pc.slices.images[($0 * n * n)..<(($0 + 1) * n * n)]) })
        }
        return try ContrastivePool(volumes: volumes, height: n, width: n)
    }

    static func global(_ run: PlannedRun, _ c: RunContext) throws -> RunRecord {
        var clock = PhaseClock()
        let config = try ConfigDecoding.decode(GlobalPretrainingConfig.self, run)
        let s = config.settings
        var streams = RunStreams(seed: run.seed, runKey: run.runKey)
        try c.data.prepare(config.pool + config.probe)
        let loss = config.variant.loss
        let builder = try GlobalBatchBuilder(pool: pool(c, config.pool), loss: loss, batchSize: s.batchSize, parts: s.partitions,
                                             augmentation: views(c.experiment, faithful: s.faithful2020))
        let net = GlobalContrastiveNet(config: c.networkConfig, seed: streams.seedValue("init"))
        let probes = try c.data.cases(config.probe)
        func activations() -> RunActivations {
            ProbeActivations.record(cases: probes, partitions: s.partitions, embed: { net($0, mode: .inference) },
                                    decoderBlock: 0, decoderFeatures: nil)
        }
        let initial = activations()
        var batches = streams.stream("batches")
        let losses = try Divergence.diagnosing(run, stage: "pretrain-global", parameters: { net.encoder.units.flatMap(\.parameters) + net.head.parameters },
                                               forward: { step in LayerProbe.firstNonFinite(net, try Divergence.replay(run, step: step) { try builder.batch(using: &$0) }.tensor) }) {
            try GlobalPretrainer(iterations: s.iterations, learningRate: Float(s.learningRate), temperature: Float(s.temperature))
                .train(net, batches: builder, stream: &batches) { step, l in c.progress("pretrain-global", step, s.iterations, l) } }
        clock.lap("train")
        return RunRecord(runKey: run.runKey, stage: run.stage.rawValue, configJSON: run.configJSON, provenance: c.provenance,
                         volatile: clock.volatile(dataRoot: c.experiment.data.root), seeds: streams.used,
                         inputs: RunInputs(splitSHA256: c.split.sha256, volumes: try c.data.hashes(config.pool + config.probe), dependencies: []),
                         curves: trainingCurves(losses: losses, lossName: "global", learningRate: s.learningRate),
                         metrics: nil, bestWeights: nil, finalWeights: net.variables.named, activations: activations(),
                         initialActivations: initial, predictions: [])
    }

    static func local(_ run: PlannedRun, _ c: RunContext) throws -> RunRecord {
        var clock = PhaseClock()
        let config = try ConfigDecoding.decode(LocalPretrainingConfig.self, run)
        let s = config.settings
        var streams = RunStreams(seed: run.seed, runKey: run.runKey)
        try c.data.prepare(config.pool + config.probe)
        guard let parentKey = run.dependencies.first else { throw RunnerError(run.output, "local pre-training without a global run") }
        let parent = try c.run(parentKey)
        let stored = try RunFileReader.read(parent.output)
        let net = LocalContrastiveNet(config: c.networkConfig, decoderBlocks: s.decoderBlocks, regionSize: s.regionSize, seed: streams.seedValue("init"))
        try net.variables.load(from: stored.finalWeights, where: WeightSelection.encoder, source: parent.output)
        let featureSize = s.featureSize(inputSize: c.networkConfig.inputSize)
        let loss: LocalLossKind = config.variant.loss
        // L^D draws volume groups of 4 partitions (the original's fixed S), as many groups as B allows.
        let builder = try LocalBatchBuilder(pool: pool(c, config.pool), loss: loss, featureSize: featureSize, regionSize: s.regionSize, batchSize: s.lrSlices,
                                            volumes: s.domainVolumes, parts: 4,
                                            augmentation: views(c.experiment, faithful: s.faithful2020))
        // Embeddings through the frozen encoder and the parent's g1 (the same before and after this stage);
        // decoder features of block l, from the fresh decoder and from the trained one.
        let parentNet = GlobalContrastiveNet(config: c.networkConfig, seed: 0)
        try parentNet.variables.load(from: stored.finalWeights, where: { _ in true }, source: parent.output)
        let probes = try c.data.cases(config.probe)
        let parentPartitions = try ConfigDecoding.decode(GlobalPretrainingConfig.self, parent).settings.partitions
        func activations() -> RunActivations {
            ProbeActivations.record(cases: probes, partitions: parentPartitions, embed: { parentNet($0, mode: .inference) },
                                    decoderBlock: s.decoderBlocks, decoderFeatures: { x in
                var (h, skips) = net.encoder(x, mode: .inference)
                for b in net.decoder { h = b(h, skip: skips.removeLast(), mode: .inference) }
                return h
            })
        }
        let initial = activations()
        var batches = streams.stream("batches")
        let losses = try Divergence.diagnosing(run, stage: "pretrain-local", parameters: { net.decoder.flatMap(\.units).flatMap(\.parameters) + net.head.parameters },
                                               forward: { step in LayerProbe.firstNonFinite(net, try Divergence.replay(run, step: step) { try builder.batch(using: &$0) }.tensor) }) {
            try LocalPretrainer(iterations: s.iterations, learningRate: Float(s.learningRate), temperature: Float(s.temperature))
                .train(net, batches: builder, stream: &batches) { step, l in c.progress("pretrain-local", step, s.iterations, l) } }
        clock.lap("train")
        let header = try RunFileReader.header(parent.output)
        let dependency = RunDependency(stage: parent.stage.rawValue, runKey: parent.runKey,
                                       contentSHA256: header.contentSHA256, resultsSHA256: header.resultsSHA256)
        return RunRecord(runKey: run.runKey, stage: run.stage.rawValue, configJSON: run.configJSON, provenance: c.provenance,
                         volatile: clock.volatile(dataRoot: c.experiment.data.root), seeds: streams.used,
                         inputs: RunInputs(splitSHA256: c.split.sha256, volumes: try c.data.hashes(config.pool + config.probe), dependencies: [dependency]),
                         curves: trainingCurves(losses: losses, lossName: "local", learningRate: s.learningRate),
                         metrics: nil, bestWeights: nil, finalWeights: net.variables.named, activations: activations(),
                         initialActivations: initial, predictions: [])
    }
}

extension GlobalVariant {
    /// The batch builder's loss for this variant.
    var loss: GlobalLossKind {
        switch self {
        case .GR: .random
        case .GDminus: .domainMinus
        case .GD: .domain
        }
    }
}

extension LocalVariant {
    /// The batch builder's loss for this variant.
    var loss: LocalLossKind { self == .LR ? .random : .domain }
}
