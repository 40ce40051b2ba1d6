import Datasets
import Engine
import Networks
import Planning
import RunStore
import Training

/// A fine-tuning run of one grid cell (spec §5): baseline, augment, mixup, self-train, benchmark, and any
/// of them started from pre-trained weights; then the test evaluation of the best-validation model.
enum FinetuneRun {
    /// `trainingOnly` (for `cseg audit seeds --steps`): round 0's training only, no self-training rounds and
    /// no test; the record then has curves and final weights, no metrics, activations or predictions.
    static func run(_ run: PlannedRun, _ c: RunContext, trainingOnly: Bool = false) throws -> RunRecord {
        var clock = PhaseClock()
        let config = try ConfigDecoding.decode(FinetuneConfig.self, run)
        let split = config.split
        try c.data.prepare(split.train + split.validation + split.test + (split.unlabelled ?? []))
        var streams = RunStreams(seed: run.seed, runKey: run.runKey)
        let netConfig = c.networkConfig
        let initSeed = streams.seedValue("init")

        // Initial weights: fresh, then the pre-trained variables of the ancestor (§5.1).
        var dependencies: [RunDependency] = []
        var initial: [NamedArray]?
        let ancestry = try Ancestry(run, c)
        if let parent = ancestry.parent {
            let stored = try RunFileReader.read(parent.output)
            let select: (String) -> Bool = ancestry.transfersAllButOutput ? WeightSelection.allButOutput
                : ancestry.decoderBlocks.map { WeightSelection.encoderAndDecoder(blocks: $0) } ?? WeightSelection.encoder
            let fresh = UNet(config: netConfig, seed: initSeed)
            try fresh.variables.load(from: stored.finalWeights, where: select, source: parent.output)
            initial = fresh.variables.named
            let header = try RunFileReader.header(parent.output)
            dependencies.append(RunDependency(stage: parent.stage.rawValue, runKey: parent.runKey,
                                              contentSHA256: header.contentSHA256, resultsSHA256: header.resultsSHA256))
        }
        func freshNet() throws -> UNet {
            let net = UNet(config: netConfig, seed: initSeed)
            if let initial { try net.variables.load(from: initial, where: { _ in true }, source: run.output) }
            return net
        }

        let classes = netConfig.numClasses
        let labelled = try c.data.cases(split.train)
        let validation = try c.data.cases(split.validation).map {
            SupervisedTrainer.ValidationCase(id: $0.id, slices: $0.slices, reference: $0.reference)
        }
        let s = config.settings
        let trainer = SupervisedTrainer(settings: .init(iterations: s.iterations, learningRate: Float(s.learningRate),
                                                        validationEvery: s.validateEvery))
        let augmentation = config.augmentation.isNone ? nil : SupervisedAugmentation(config.augmentation.settings)
        let mixup = config.mixup.map { Mixup(alpha: $0.alpha) }

        /// One supervised training from the initial weights on `volumes`; `round` keeps the streams of
        /// self-training's rounds apart.
        func train(_ volumes: [PreprocessedSlices], sources: [String], round: Int) throws -> (net: UNet, record: SupervisedTrainer.Record) {
            let net = try freshNet()
            let pool = try SlicePool(labelled: volumes, sources: sources)
            let tag = round == 0 ? "" : "round\(round)/"
            var sampling = streams.stream("\(tag)sampling")
            let augmentBase = streams.stream("\(tag)augmentation")
            var mixing = streams.stream("\(tag)mixup")
            // The batch of the step being trained, for locating a divergence in it.
            var current: SliceBatch?
            let stage = round == 0 ? "finetune" : "self-train round \(round)"
            let record = try Divergence.diagnosing(run, stage: stage, parameters: { net.parameters }, forward: { _ in
                current.flatMap { LayerProbe.firstNonFinite(net, Tensor(shape: [$0.count, 1, $0.height, $0.width], data: $0.images)) }
            }) { try trainer.train(net, validation: validation, nextBatch: { step in
                let sampled = pool.sample(batchSize: s.batchSize, using: &sampling)
                var batch: SliceBatch
                if let augmentation {
                    batch = augmentation(sampled, classes: classes, stream: augmentBase.derived("step\(step)")).batch
                } else {
                    batch = SliceBatch(count: sampled.count, height: sampled.size, width: sampled.size, classes: classes,
                                       images: sampled.images,
                                       labels: SliceBatch.oneHot(sampled.labelIndices!, count: sampled.count, height: sampled.size,
                                                                 width: sampled.size, classes: classes))
                }
                if let mixup { batch = mixup(batch, using: &mixing) }
                current = batch
                return batch
            }, progress: { step, loss in c.progress(round == 0 ? "finetune" : "self-train \(round)", step, s.iterations, loss) }) }
            return (net, record)
        }

        var rounds = [try train(labelled.map(\.slices), sources: split.train, round: 0)]
        if !trainingOnly, let st = config.selfTrain {
            rounds += try SelfTraining(threshold: Float(st.threshold), rounds: st.rounds)
                .rounds(after: rounds[0].net, labelled: labelled.map(\.slices), sources: split.train,
                        unlabelled: try c.data.cases(split.unlabelled ?? []).map { ($0.id, $0.slices) }, train: train)
        }
        clock.lap("train")
        // The last round's model, holding its best-validation weights (SupervisedTrainer restores them).
        let (net, record) = rounds.last!
        let variables = net.variables
        func ordered(_ values: [String: [Float]]) -> [NamedArray] {
            variables.map { NamedArray(name: $0.name!, shape: $0.shape, values: values[$0.name!]!) }
        }
        let test = trainingOnly ? nil
            : try TestEvaluation.evaluate(net, cases: c.data.cases(split.test), classNames: c.experiment.classes(c.split).names)
        let activations = trainingOnly ? nil : try TestEvaluation.activations(net, cases: c.data.cases(split.test), ancestry: ancestry, c)
        if !trainingOnly { clock.lap("test") }
        let read = split.train + split.validation + (trainingOnly ? [] : split.test + (split.unlabelled ?? []))
        return RunRecord(runKey: run.runKey, stage: run.stage.rawValue, configJSON: run.configJSON, provenance: c.provenance,
                         volatile: clock.volatile(dataRoot: c.experiment.data.root), seeds: streams.used,
                         inputs: RunInputs(splitSHA256: split.sha256, volumes: try c.data.hashes(read), dependencies: dependencies),
                         curves: finetuneCurves(rounds.map(\.record), iterations: s.iterations, learningRate: s.learningRate),
                         metrics: test?.metrics,
                         bestWeights: trainingOnly || record.bestStep == nil ? nil : ordered(record.bestWeights),
                         finalWeights: ordered(record.finalWeights), activations: activations, predictions: test?.predictions ?? [])
    }

    /// The curves of a fine-tuning run: round r of self-training continues the step axis at
    /// r × `iterations`; the best step is the last round's (its model is the one tested).
    static func finetuneCurves(_ rounds: [SupervisedTrainer.Record], iterations: Int, learningRate: Double) -> RunCurves {
        var curves = trainingCurves(losses: [], lossName: "dice", learningRate: learningRate)
        for (round, r) in rounds.enumerated() {
            let offset = Int64(round * iterations)
            curves.trainSteps += r.losses.indices.map { Int64($0) + offset }
            curves.losses[0].values += r.losses.map(Double.init)
            curves.learningRate += [Double](repeating: learningRate, count: r.losses.count)
            curves.validationSteps += r.validation.map { Int64($0.step) + offset }
            curves.validationDice += r.validation.map(\.dice)
            curves.bestStep = r.bestStep.map { Int64($0) + offset } ?? -1
        }
        return curves
    }
}

/// A fine-tuning run's pre-training ancestors: the run it starts from (global, local or pretext), the
/// global run whose g1 the probe embeddings use, and l when the decoder was pre-trained.
struct Ancestry {
    var parent: PlannedRun?
    var global: PlannedRun?
    var decoderBlocks: Int?
    var partitions: Int?
    /// Inpainting and context restoration trained the whole U-Net but its one-channel output layer: all of
    /// it moves on (rotation, like the global stage, hands on the encoder only).
    var transfersAllButOutput = false

    init(_ run: PlannedRun, _ c: RunContext) throws {
        guard let key = run.dependencies.first else { return }
        let p = try c.run(key)
        parent = p
        switch p.stage {
        case .pretrainGlobal:
            global = p
        case .pretrainLocal:
            decoderBlocks = try ConfigDecoding.decode(LocalPretrainingConfig.self, p).settings.decoderBlocks
            global = try p.dependencies.first.map { try c.run($0) }
        case .pretrainPretext:
            transfersAllButOutput = try ConfigDecoding.decode(PretextPretrainingConfig.self, p).task != Method.Pretraining.rotation.rawValue
        case .finetune:
            throw RunnerError(run.output, "depends on another fine-tuning run (\(key))")
        }
        if let g = global { partitions = try ConfigDecoding.decode(GlobalPretrainingConfig.self, g).settings.partitions }
    }
}
