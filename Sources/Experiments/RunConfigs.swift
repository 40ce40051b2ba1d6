import Datasets
import Training
import Foundation
import TrainingSettings

/// The dataset facts a run depends on (not where the data lives: that is a host fact, /volatile).
struct DatasetConfig: Codable, Hashable {
    var kind: DataSource.Kind
    var layout: DatasetLayoutKind
    var classNames: [String]
    /// The label-file value of each class, when a split file declares the classes (absent otherwise, so
    /// a layout's runs keep their identities).
    var classLabels: [Int]?
    var phantomVolumes: Int?
    var phantomSeed: UInt64?
}

/// The full config of a global pre-training run: its own settings only, so that fine-tuning changes
/// never change its identity.
struct GlobalPretrainingConfig: Codable {
    var schema = 1
    var stage = Stage.pretrainGlobal
    var variant: GlobalVariant
    var seed: UInt64
    var dataset: DatasetConfig
    var scale: ScaleSettings
    var settings: GlobalPretrainingSettings
    /// The unlabelled pool it trains on, and the split key naming it.
    var poolKey: String
    var pool: [String]
    /// The test volumes whose slices probe the encoder before and after training (`/activations`).
    var probe: [String]
}

struct LocalPretrainingConfig: Codable {
    var schema = 1
    var stage = Stage.pretrainLocal
    var variant: LocalVariant
    var seed: UInt64
    var dataset: DatasetConfig
    var scale: ScaleSettings
    var settings: LocalPretrainingSettings
    var poolKey: String
    var pool: [String]
    /// The test volumes whose slices probe the network before and after training (`/activations`).
    var probe: [String]
    /// The encoder it starts from, by identity.
    var globalIdentity: String
}

/// A pretext pre-training run's config: the task with its corruption at this experiment's slice size
/// (the original's 192² geometry scaled), so the stored config says exactly what the network saw.
struct PretextPretrainingConfig: Codable {
    var schema = 1
    var stage = Stage.pretrainPretext
    /// `rotation`, `inpainting` or `context-restoration`.
    var task: String
    var inpainting: InpaintingCorruption?
    var contextRestoration: ContextRestorationCorruption?
    var seed: UInt64
    var dataset: DatasetConfig
    var scale: ScaleSettings
    var settings: PretextPretrainingSettings
    var poolKey: String
    var pool: [String]
    /// The test volumes whose slices probe the network before and after training (`/activations`).
    var probe: [String]

    /// The task the batches are built for.
    var pretextTask: PretextTask {
        get throws {
            switch task {
            case Method.Pretraining.rotation.rawValue: return .rotation
            case Method.Pretraining.inpainting.rawValue:
                guard let inpainting else { throw ConfigShapeError("inpainting without its box") }
                return .inpainting(inpainting)
            case Method.Pretraining.contextRestoration.rawValue:
                guard let contextRestoration else { throw ConfigShapeError("context restoration without its patches") }
                return .contextRestoration(contextRestoration)
            default: throw ConfigShapeError("unknown pretext task \(task)")
            }
        }
    }

    init(kind: Method.Pretraining, seed: UInt64, dataset: DatasetConfig, scale: ScaleSettings, settings: PretextPretrainingSettings,
         poolKey: String, pool: [String], probe: [String]) {
        task = kind.rawValue
        let side = scale.inputSize
        if kind == .inpainting {
            var c = InpaintingCorruption.original.scaled(toSide: side)
            c.placement = settings.inpaintingPlacement
            inpainting = c
        }
        if kind == .contextRestoration {
            var c = ContextRestorationCorruption.original.scaled(toSide: side)
            c.swaps = settings.contextSwaps
            contextRestoration = c
        }
        self.seed = seed
        self.dataset = dataset
        self.scale = scale
        self.settings = settings
        self.poolKey = poolKey
        self.pool = pool
        self.probe = probe
    }
}

struct ConfigShapeError: Error, CustomStringConvertible {
    let description: String
    init(_ d: String) { description = "run config: \(d)" }
}

struct SplitSelection: Codable {
    var sha256: String
    var key: String
    var combination: String
    var train: [String]
    var validation: [String]
    var test: [String]
    /// The unlabelled volumes self-training pseudo-labels; absent for other methods.
    var unlabelled: [String]?
}

struct FinetuneConfig: Codable {
    var schema = 1
    var stage = Stage.finetune
    var method: String
    var globalVariant: GlobalVariant?
    var localVariant: LocalVariant?
    var seed: UInt64
    var dataset: DatasetConfig
    var scale: ScaleSettings
    var settings: FinetuneSettings
    /// What every step's batch went through (spec §5.4); `none` for `-noaug` methods.
    var augmentation: AugmentationConfig
    var selfTrain: SelfTrainSettings?
    var mixup: MixupSettings?
    var split: SplitSelection
    /// The pre-training run whose weights initialise this one, by identity.
    var initialisedFrom: String?
    /// The ablation value its pre-training was made with ("S=2", `Ablation`); absent outside an ablation
    /// and for runs it does not reach, so other configs keep their bytes.
    var ablation: String? = nil
}

/// The kinds of stage a plan contains.
public enum Stage: String, Sendable, Codable {
    case pretrainGlobal = "pretrain-global", pretrainLocal = "pretrain-local", pretrainPretext = "pretrain-pretext", finetune
}

/// Sorted keys, no whitespace, no escaped slashes, snake_case keys: the bytes that are hashed and stored.
enum CanonicalJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Every value here is a finite number, string, bool or array: encoding cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }
}
