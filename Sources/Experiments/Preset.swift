import Datasets

/// Named defaults an experiment starts from (docs/experiments.md explains the numbers).
public enum Preset: String, Sendable, CaseIterable, Codable {
    /// The method-spec defaults: native slice size, full width, 10001 iterations, the original batch sizes.
    case paper
    /// A CPU scale: 96² slices over the paper's field of view (half the resolution at 192²), a quarter
    /// of the channels, a few hundred steps; relative comparisons, not the paper's numbers.
    case quick

    public func settings(for dataset: DatasetConstants) -> ExperimentSettings {
        switch self {
        case .paper:
            return ExperimentSettings(
                scale: ScaleSettings(inputSize: dataset.sliceSize, targetSpacing: dataset.targetSpacing, channelMultiplier: 1),
                pretrainGlobal: GlobalPretrainingSettings(iterations: 10001, batchSize: 12, learningRate: 1e-3, temperature: 0.1,
                                                          partitions: 4, faithful2020: false),
                pretrainLocal: LocalPretrainingSettings(iterations: 10001, batchSize: 12, lrSlices: 10, learningRate: 1e-3,
                                                        temperature: 0.1, decoderBlocks: 3, regionSize: 1, faithful2020: false),
                finetune: FinetuneSettings(iterations: 10001, batchSize: 20, learningRate: 1e-3, validateEvery: 50),
                augment: AugmentSettings(elasticSigma: 5, intensity: false),
                selfTrain: SelfTrainSettings(threshold: 0.9, rounds: 2),
                mixup: MixupSettings(alpha: 0.1))
        case .quick:
            var s = Preset.paper.settings(for: dataset)
            let size = 96
            // Same field of view as the paper's slice: spacing scaled by paper size / 96.
            s.scale = ScaleSettings(inputSize: size,
                                    targetSpacing: dataset.targetSpacing.map { $0 * Double(dataset.sliceSize) / Double(size) },
                                    channelMultiplier: 0.25)
            s.pretrainGlobal.iterations = 300
            s.pretrainGlobal.batchSize = 4
            s.pretrainLocal.iterations = 300
            s.pretrainLocal.batchSize = 4
            s.pretrainLocal.lrSlices = 4
            s.finetune.iterations = 500
            s.finetune.batchSize = 10
            s.finetune.validateEvery = 25
            return s
        }
    }
}
