import TrainingSettings

/// Stage 1 (spec §3): encoder + g1 trained with a global contrastive loss on the unlabelled pool.
public struct GlobalPretrainingSettings: Sendable, Hashable, Codable {
    public var iterations: Int
    /// B (`bt_size`): volumes per draw; the batch holds 3B (G^D-), 4B (G^D) or 2B (G^R) images.
    public var batchSize: Int
    public var learningRate: Double
    public var temperature: Double
    /// S (`n_parts`): contiguous chunks per volume.
    public var partitions: Int
    /// Reproduce quirks Q1 (G^D batch with 16 blank images) and Q3 (one intensity draw per call).
    public var faithful2020: Bool
}

/// Stage 2 (spec §4): l decoder blocks + g2 on a frozen stage-1 encoder, local contrastive loss.
public struct LocalPretrainingSettings: Sendable, Hashable, Codable {
    public var iterations: Int
    /// B for L^D (volume groups as in stage 1).
    public var batchSize: Int
    /// Slices per L^R batch: fixed at 10 in the original whatever `bt_size` said (Q5), a parameter here.
    public var lrSlices: Int
    public var learningRate: Double
    public var temperature: Double
    /// l (`no_of_decoder_blocks`).
    public var decoderBlocks: Int
    /// 1: 3×3 windows through a 9C → 128 map; 0: single pixels (`local_reg_size`).
    public var regionSize: Int
    /// Q3 for the local views (one intensity draw per call).
    public var faithful2020: Bool
}

extension LocalPretrainingSettings {
    /// The side of the g2 feature map the local loss sees: the input halved 5 − l times.
    public func featureSize(inputSize: Int) -> Int { inputSize >> (5 - decoderBlocks) }

    /// L^D's volumes per draw: groups of the original's fixed 4 partitions, as many as B allows.
    public var domainVolumes: Int { max(1, batchSize / 4) }
}

/// The pretext baselines' pre-training (spec §6; `rotation`, `inpainting`, `context-restoration`). The
/// original has helpers for their batches but no training script, so the loop is the global stage's
/// (Adam, the last step kept) and these settings are the harness's choices (docs/experiments.md).
public struct PretextPretrainingSettings: Sendable, Hashable, Codable {
    public var iterations: Int
    /// Images per step (for rotation ⌈B/4⌉ slices, each at the four angles).
    public var batchSize: Int
    public var learningRate: Double
    /// Where the inpainting box goes (`only_center_box` 0, 1, 2 of `create_inpaint_box`).
    public var inpaintingPlacement: InpaintingCorruption.Placement
    /// Patch pairs swapped per slice for context restoration (N of `context_restoration`, 10).
    public var contextSwaps: Int
}

/// Fine-tuning, the baseline and the benchmark (spec §5.2–5.5).
public struct FinetuneSettings: Sendable, Hashable, Codable {
    public var iterations: Int
    /// Slices per step, drawn uniformly with replacement from every labelled slice.
    public var batchSize: Int
    public var learningRate: Double
    /// Model selection every this many steps, from step 0.
    public var validateEvery: Int
}

/// The supervised augmentation of every fine-tuning, baseline and benchmark run (spec §5.4;
/// `[augmentation]` in an experiment file). The defaults are the original's: `tr_baseline.py` always
/// applies the affine step and, with `rd_en = 1` (its default and both fine-tuning scripts'), random
/// deformations; the intensity step it computes is discarded (Q4). A method's `-noaug` suffix turns all
/// of it off (`none`); the `intensity` addition turns the intensity step on.
public struct AugmentationConfig: Sendable, Hashable, Codable {
    /// Step 1: per image, one of rotation ±15°, scaling 0.95–1.05, left-right flip, a k·45° turn, nothing.
    public var affine: Bool
    /// Step 2: elastic deformation of the batch from a random index on (`rd_en`).
    public var elastic: Bool
    /// The deformation grid's displacement SD in pixels (`--sigma`, 5).
    public var elasticSigma: Double
    /// Step 3: random contrast and brightness after the deformation.
    public var intensity: Bool
    /// How step 3 draws: `perHalf` as the released code (Q3), `perImage`; nil when step 3 is off.
    public var intensityDraws: IntensityDraws?

    public init(affine: Bool, elastic: Bool, elasticSigma: Double, intensity: Bool, intensityDraws: IntensityDraws?) {
        self.affine = affine
        self.elastic = elastic
        self.elasticSigma = elasticSigma
        self.intensity = intensity
        self.intensityDraws = intensityDraws
    }

    /// The original's default fine-tuning and baseline augmentation as it ran.
    public static let original = AugmentationConfig(affine: true, elastic: true, elasticSigma: 5, intensity: false, intensityDraws: nil)
    /// The original's `--data_aug 0`: the sampled slices as they are.
    public static let none = AugmentationConfig(affine: false, elastic: false, elasticSigma: 5, intensity: false, intensityDraws: nil)

    public var isNone: Bool { !affine && !elastic && !intensity }

    /// Step 3 on or off, keeping `intensityDraws` consistent: the chosen draws (per image unless set) when
    /// on, nil when off.
    public mutating func setIntensity(_ on: Bool) {
        intensity = on
        intensityDraws = on ? (intensityDraws ?? .perImage) : nil
    }

    /// The Training module's settings for this configuration.
    public var settings: AugmentationSettings {
        AugmentationSettings(affine: affine, elastic: elastic, elasticSigma: elasticSigma, intensity: intensity,
                             intensityDraws: intensityDraws ?? .perImage)
    }
}

/// `self-train`: pseudo-labels on the unlabelled pool whose maximum softmax probability reaches the
/// threshold join the labelled set; `rounds` retrainings. The paper's values are unknown (spec §6).
public struct SelfTrainSettings: Sendable, Hashable, Codable {
    public var threshold: Double
    public var rounds: Int
}

/// `mixup` (spec §6): λ ~ Beta(α, α) on images and one-hot labels.
public struct MixupSettings: Sendable, Hashable, Codable {
    public var alpha: Double
}

/// Network and input scale shared by every stage of an experiment (a stage cannot change it: weights
/// move between stages).
public struct ScaleSettings: Sendable, Hashable, Codable {
    /// Slice side after crop/pad (divisible by 32).
    public var inputSize: Int
    /// In-plane target resolution, mm.
    public var targetSpacing: [Double]
    /// Channel counts × this (paper: 1).
    public var channelMultiplier: Double
}

/// Every setting of an experiment after the preset and the file's overrides are applied.
public struct ExperimentSettings: Sendable, Hashable, Codable {
    public var scale: ScaleSettings
    public var pretrainGlobal: GlobalPretrainingSettings
    public var pretrainLocal: LocalPretrainingSettings
    public var pretrainPretext: PretextPretrainingSettings
    public var finetune: FinetuneSettings
    public var augmentation: AugmentationConfig
    public var selfTrain: SelfTrainSettings
    public var mixup: MixupSettings
}
