/// Everything one run file holds (docs/run-file.md), as typed values. The writer stores exactly
/// this and the reader returns exactly this, so `RunRecord` round-trips through a file unchanged.
public struct RunRecord: Sendable, Equatable {
    /// Stable name of the run inside its experiment ("global-GD_tr1_c1_s1", "pretrain-global-GD_s1").
    public var runKey: String
    /// "pretrain-global", "pretrain-local", "finetune", "self-train".
    public var stage: String
    /// Canonical JSON of the full config (sorted keys, no insignificant whitespace).
    public var configJSON: String
    public var provenance: RunProvenance
    /// Outside the content hash: the only fields allowed to differ between two runs of the same config.
    public var volatile: RunVolatile
    public var seeds: [RunSeed]
    public var inputs: RunInputs
    public var curves: RunCurves
    /// Test metrics; nil for pre-training runs, which are not tested.
    public var metrics: RunMetrics?
    /// Checkpoint with the best validation score; nil for stages without validation (pre-training).
    public var bestWeights: [NamedArray]?
    public var finalWeights: [NamedArray]
    public var activations: RunActivations?
    /// The same probes through the network as the stage started (random init for the global stage, a
    /// fresh decoder on the pre-trained encoder for the local stage), so a report can show what training
    /// changed; nil for fine-tuning runs.
    public var initialActivations: RunActivations?
    public var predictions: [VolumePrediction]

    public init(runKey: String, stage: String, configJSON: String, provenance: RunProvenance, volatile: RunVolatile,
                seeds: [RunSeed], inputs: RunInputs, curves: RunCurves, metrics: RunMetrics?,
                bestWeights: [NamedArray]?, finalWeights: [NamedArray], activations: RunActivations?,
                initialActivations: RunActivations? = nil, predictions: [VolumePrediction]) {
        self.runKey = runKey
        self.stage = stage
        self.configJSON = configJSON
        self.provenance = provenance
        self.volatile = volatile
        self.seeds = seeds
        self.inputs = inputs
        self.curves = curves
        self.metrics = metrics
        self.bestWeights = bestWeights
        self.finalWeights = finalWeights
        self.activations = activations
        self.initialActivations = initialActivations
        self.predictions = predictions
    }
}

/// What decides the bits a run produces, besides config, data and seeds.
public struct RunProvenance: Sendable, Equatable {
    public var harnessVersion: String
    public var gitCommit: String
    /// The working tree had uncommitted changes: the commit alone does not identify the code.
    public var gitDirty: Bool
    public var toolchain: String
    /// Linked libraries, in a fixed order chosen by the caller (e.g. OpenBLAS, HDF5, libnifti2, libpng).
    public var libraries: [LibraryVersion]
    /// OpenBLAS kernel family ("Haswell", "SkylakeX"): different kernels round differently.
    public var openBLASCore: String
    public var openBLASThreads: Int
    /// The engine's worker threads (results are bit-identical for any count; recorded to show it).
    public var engineThreads: Int
    public var cpuModel: String
    /// What computed the matrix products: "engine" (the engine's fixed-order kernels, the same bits on
    /// every x86-64 machine; OpenBLAS core and threads then decide nothing) or "openblas:<core>"
    /// (`--kernels openblas`, or a file written before the engine had its own kernels).
    public var matrixKernels: String

    /// True if OpenBLAS computed products, so its core and thread count decide bits.
    public var usesOpenBLAS: Bool { matrixKernels.hasPrefix("openblas") }

    public init(harnessVersion: String, gitCommit: String, gitDirty: Bool, toolchain: String, libraries: [LibraryVersion],
                openBLASCore: String, openBLASThreads: Int, engineThreads: Int, cpuModel: String,
                matrixKernels: String = "engine") {
        self.harnessVersion = harnessVersion
        self.gitCommit = gitCommit
        self.gitDirty = gitDirty
        self.toolchain = toolchain
        self.libraries = libraries
        self.openBLASCore = openBLASCore
        self.openBLASThreads = openBLASThreads
        self.engineThreads = engineThreads
        self.cpuModel = cpuModel
        self.matrixKernels = matrixKernels
    }
}

public struct LibraryVersion: Sendable, Equatable {
    public var name: String
    public var version: String
    public init(name: String, version: String) {
        self.name = name
        self.version = version
    }
}

/// Host and timings: they differ between two otherwise identical runs, so they live in `/volatile`,
/// which the content hash skips.
public struct RunVolatile: Sendable, Equatable {
    public var host: String
    /// ISO 8601 UTC, e.g. "2025-01-31T12:00:00Z".
    public var startedUTC: String
    public var finishedUTC: String
    /// Wall-clock seconds per named phase ("train", "validate", "test"), in the order they ran.
    public var timings: [(phase: String, seconds: Double)]
    /// Where the data root was on this host (absolute paths are host facts, not run identity).
    public var dataRoot: String

    public init(host: String, startedUTC: String, finishedUTC: String, timings: [(phase: String, seconds: Double)],
                dataRoot: String) {
        self.host = host
        self.startedUTC = startedUTC
        self.finishedUTC = finishedUTC
        self.timings = timings
        self.dataRoot = dataRoot
    }

    public static func == (a: RunVolatile, b: RunVolatile) -> Bool {
        a.host == b.host && a.startedUTC == b.startedUTC && a.finishedUTC == b.finishedUTC && a.dataRoot == b.dataRoot
            && a.timings.map(\.phase) == b.timings.map(\.phase) && a.timings.map(\.seconds) == b.timings.map(\.seconds)
    }
}

/// One seed and what it drives ("run", "sampling", "augmentation", "init"...). Stored as int64, so
/// seeds are limited to 0 ... Int64.max (checked when writing).
public struct RunSeed: Sendable, Equatable {
    public var purpose: String
    public var value: UInt64
    public init(purpose: String, value: UInt64) {
        self.purpose = purpose
        self.value = value
    }
}

/// What the run read: the split file, the volumes (by content), and the runs it started from.
public struct RunInputs: Sendable, Equatable {
    public var splitSHA256: String
    /// Every volume the run read, sorted by id, with the SHA-256 of its image and label files.
    public var volumes: [VolumeHash]
    /// Runs this one starts from (pre-training stages), with the content and results hashes of their files.
    public var dependencies: [RunDependency]
    /// Leaks the split audit found and `cseg run --allow-leaks` let through ("kind: message [lists]");
    /// empty (and not stored) for a clean split.
    public var splitAuditFindings: [String]

    public init(splitSHA256: String, volumes: [VolumeHash], dependencies: [RunDependency], splitAuditFindings: [String] = []) {
        self.splitSHA256 = splitSHA256
        self.volumes = volumes
        self.dependencies = dependencies
        self.splitAuditFindings = splitAuditFindings
    }
}

public struct VolumeHash: Sendable, Equatable {
    public var id: String
    public var imageSHA256: String
    public var labelSHA256: String
    public init(id: String, imageSHA256: String, labelSHA256: String) {
        self.id = id
        self.imageSHA256 = imageSHA256
        self.labelSHA256 = labelSHA256
    }
}

public struct RunDependency: Sendable, Equatable {
    public var stage: String
    public var runKey: String
    public var contentSHA256: String
    /// The pre-training file's results hash, so that a recomputation of it (other provenance, the same
    /// numbers) is recognised as what this run started from; nil in files written before it was recorded.
    public var resultsSHA256: String?
    public init(stage: String, runKey: String, contentSHA256: String, resultsSHA256: String? = nil) {
        self.stage = stage
        self.runKey = runKey
        self.contentSHA256 = contentSHA256
        self.resultsSHA256 = resultsSHA256
    }
}

/// Training curves. Losses are logged every `trainSteps` entry; validation runs less often, so it has
/// its own step axis.
public struct RunCurves: Sendable, Equatable {
    public var trainSteps: [Int64]
    /// Named loss series, each as long as `trainSteps` ("total", "dice", "global", "local"...).
    public var losses: [NamedSeries]
    /// Learning rate at each of `trainSteps`.
    public var learningRate: [Double]
    public var validationSteps: [Int64]
    /// Mean over validation volumes of the mean foreground Dice (spec §5.5), one per validation step.
    public var validationDice: [Double]
    /// The step whose weights are `/weights/best`; -1 when the stage has no validation.
    public var bestStep: Int64

    public init(trainSteps: [Int64], losses: [NamedSeries], learningRate: [Double], validationSteps: [Int64],
                validationDice: [Double], bestStep: Int64) {
        self.trainSteps = trainSteps
        self.losses = losses
        self.learningRate = learningRate
        self.validationSteps = validationSteps
        self.validationDice = validationDice
        self.bestStep = bestStep
    }
}

public struct NamedSeries: Sendable, Equatable {
    public var name: String
    public var values: [Double]
    public init(name: String, values: [Double]) {
        self.name = name
        self.values = values
    }
}

/// Test scores per volume × class, `[V, C]` row-major (volume-major), in the harness's convention
/// (spec §5.6, §11): both empty → Dice/HD95/ASSD NaN and flagged; one empty → Dice 0 and distances the
/// image diagonal in mm.
public struct RunMetrics: Sendable {
    public var volumeIDs: [String]
    /// Foreground classes scored, in label order ("RV", "Myo", "LV"), and their label values.
    public var classNames: [String]
    public var classLabels: [Int64]
    public var dice: [Double]
    public var hd95: [Double]
    public var assd: [Double]
    /// 1 where reference and prediction are both empty for that class.
    public var bothEmpty: [UInt8]

    public init(volumeIDs: [String], classNames: [String], classLabels: [Int64], dice: [Double], hd95: [Double],
                assd: [Double], bothEmpty: [UInt8]) {
        self.volumeIDs = volumeIDs
        self.classNames = classNames
        self.classLabels = classLabels
        self.dice = dice
        self.hd95 = hd95
        self.assd = assd
        self.bothEmpty = bothEmpty
    }

    public var bothEmptyCount: Int { bothEmpty.reduce(0) { $0 + Int($1) } }
}

extension RunMetrics: Equatable {
    /// Bitwise on the scores, so that NaN (both empty) equals NaN: equality means "the same file content".
    public static func == (a: RunMetrics, b: RunMetrics) -> Bool {
        func bits(_ x: [Double]) -> [UInt64] { x.map(\.bitPattern) }
        return a.volumeIDs == b.volumeIDs && a.classNames == b.classNames && a.classLabels == b.classLabels
            && bits(a.dice) == bits(b.dice) && bits(a.hd95) == bits(b.hd95) && bits(a.assd) == bits(b.assd)
            && a.bothEmpty == b.bothEmpty
    }
}

/// A float32 array with a name and shape: a weight variable (named as in WeightFile: "enc_c1_a/W") or
/// a feature map.
public struct NamedArray: Sendable, Equatable {
    public var name: String
    public var shape: [Int]
    public var values: [Float]
    public init(name: String, shape: [Int], values: [Float]) {
        self.name = name
        self.shape = shape
        self.values = values
    }
}

/// The fixed probe set: the g1 embedding of every test slice, and decoder-block features of a few.
public struct RunActivations: Sendable, Equatable {
    /// `[N, D]`, one row per test slice, rows ordered by volume then slice.
    public var embeddings: [Float]
    public var embeddingSize: Int
    public var embeddingVolumeIDs: [String]
    public var embeddingSliceIndices: [Int64]
    /// Partition (0 ..< S) of the slice within its volume, as the global loss cuts volumes (spec §3.1);
    /// -1 for the tail slices no partition covers.
    public var embeddingPartitions: [Int64]
    /// Which decoder block's output `decoderFeatures` is (l, 1-based as in spec §2.5).
    public var decoderBlock: Int64
    /// `[K, C, H, W]` (NCHW, as the engine lays tensors out).
    public var decoderFeatures: [Float]
    public var decoderShape: [Int]
    public var decoderVolumeIDs: [String]
    public var decoderSliceIndices: [Int64]

    public init(embeddings: [Float], embeddingSize: Int, embeddingVolumeIDs: [String], embeddingSliceIndices: [Int64],
                embeddingPartitions: [Int64], decoderBlock: Int64, decoderFeatures: [Float], decoderShape: [Int],
                decoderVolumeIDs: [String], decoderSliceIndices: [Int64]) {
        self.embeddings = embeddings
        self.embeddingSize = embeddingSize
        self.embeddingVolumeIDs = embeddingVolumeIDs
        self.embeddingSliceIndices = embeddingSliceIndices
        self.embeddingPartitions = embeddingPartitions
        self.decoderBlock = decoderBlock
        self.decoderFeatures = decoderFeatures
        self.decoderShape = decoderShape
        self.decoderVolumeIDs = decoderVolumeIDs
        self.decoderSliceIndices = decoderSliceIndices
    }
}

/// A predicted label volume on the native grid, `[X, Y, Z]` as nibabel's `get_fdata()` indexes it
/// (stored C-order, so `f["predictions/007/labels"][x, y, z]` is voxel (x, y, z)).
public struct VolumePrediction: Sendable, Equatable {
    public var volumeID: String
    public var shape: [Int]
    /// Row-major over `[X, Y, Z]` (z fastest) — the transpose of the engine's x-fastest `Volume`.
    public var labels: [UInt8]
    /// The original NIfTI affine, row-major 4×4 (voxel → mm, RAS+).
    public var affine: [Double]
    public var spacing: [Double]

    public init(volumeID: String, shape: [Int], labels: [UInt8], affine: [Double], spacing: [Double]) {
        self.volumeID = volumeID
        self.shape = shape
        self.labels = labels
        self.affine = affine
        self.spacing = spacing
    }
}
