import Datasets
import Engine
import Networks
import Planning
import RunStore
import Training

extension PretrainingRun {
    /// A pretext baseline's pre-training (spec §6): rotation prediction on the encoder, or inpainting /
    /// context restoration through the one-channel U-Net. Like the global stage, its record holds the final
    /// weights and the loss curve, and the probes before and after: the g1 embeddings of the test slices
    /// through its encoder and the fixed-seed g1 every run without a global ancestor is projected with
    /// (so the embeddings sit beside the fine-tuning runs'), and, for the restoration tasks, decoder block
    /// l's features.
    static func pretext(_ run: PlannedRun, _ c: RunContext) throws -> RunRecord {
        var clock = PhaseClock()
        let config = try ConfigDecoding.decode(PretextPretrainingConfig.self, run)
        let s = config.settings
        let task = try config.pretextTask
        var streams = RunStreams(seed: run.seed, runKey: run.runKey)
        try c.data.prepare(config.pool + config.probe)
        let builder = try PretextBatchBuilder(pool: pool(c, config.pool), task: task, batchSize: s.batchSize)
        let seed = streams.seedValue("init")
        let rotation: RotationNet? = if case .rotation = task { RotationNet(config: c.networkConfig, seed: seed) } else { nil }
        let restoration: UNet? = rotation == nil ? UNet(config: c.networkConfig.restoration, seed: seed) : nil
        let encoder = rotation?.encoder ?? restoration!.encoder
        let variables = rotation?.variables ?? restoration!.variables
        let parameters = rotation.map { $0.encoder.units.flatMap(\.parameters) + $0.head.parameters } ?? restoration!.parameters

        let probes = try c.data.cases(config.probe)
        let block = c.experiment.settings.pretrainLocal.decoderBlocks
        let probe = GlobalContrastiveNet(config: c.networkConfig, seed: 0)
        func activations() -> RunActivations {
            ProbeActivations.loadEncoder(probe, from: encoder.units.flatMap(\.variables))
            return ProbeActivations.record(cases: probes, partitions: 4, embed: { probe($0, mode: .inference) },
                                           decoderBlock: restoration == nil ? 0 : block, decoderFeatures: restoration.map { net in { x in
                var (h, skips) = net.encoder(x, mode: .inference)
                for b in net.decoder.prefix(block) { h = b(h, skip: skips.removeLast(), mode: .inference) }
                return h
            } })
        }
        let initial = activations()
        var batches = streams.stream("batches")
        let trainer = PretextPretrainer(iterations: s.iterations, learningRate: Float(s.learningRate))
        let stage = "pretrain-\(config.task)"
        let losses = try Divergence.diagnosing(run, stage: stage, parameters: { parameters }, forward: { step in
            let x = try Divergence.replay(run, step: step) { builder.batch(using: &$0) }.tensor
            return rotation.map { LayerProbe.firstNonFinite($0, x) } ?? LayerProbe.firstNonFinite(restoration!, x)
        }) {
            if let rotation {
                try trainer.train(rotation, batches: builder, stream: &batches) { step, l in c.progress(stage, step, s.iterations, l) }
            } else {
                try trainer.train(restoration!, batches: builder, stream: &batches) { step, l in c.progress(stage, step, s.iterations, l) }
            }
        }
        clock.lap("train")
        return RunRecord(runKey: run.runKey, stage: run.stage.rawValue, configJSON: run.configJSON, provenance: c.provenance,
                         volatile: clock.volatile(dataRoot: c.experiment.data.root), seeds: streams.used,
                         inputs: RunInputs(splitSHA256: c.split.sha256, volumes: try c.data.hashes(config.pool + config.probe), dependencies: []),
                         curves: trainingCurves(losses: losses, lossName: config.task, learningRate: s.learningRate),
                         metrics: nil, bestWeights: nil, finalWeights: variables.named, activations: activations(),
                         initialActivations: initial, predictions: [])
    }
}
