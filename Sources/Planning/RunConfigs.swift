import Datasets
import Foundation
import TrainingSettings

/// The dataset facts a run depends on (not where the data lives: that is a host fact, /volatile).
package struct DatasetConfig: Codable, Hashable {
    package var kind: DataSource.Kind
    package var layout: DatasetLayoutKind
    package var classNames: [String]
    /// The label-file value of each class, when a split file declares the classes (absent otherwise, so
    /// a layout's runs keep their identities).
    package var classLabels: [Int]?
    package var phantomVolumes: Int?
    package var phantomSeed: UInt64?
}

/// The full config of a global pre-training run: its own settings only, so that fine-tuning changes
/// never change its identity.
package struct GlobalPretrainingConfig: Codable {
    package var schema = 1
    package var stage = Stage.pretrainGlobal
    package var variant: GlobalVariant
    package var seed: UInt64
    package var dataset: DatasetConfig
    package var scale: ScaleSettings
    package var settings: GlobalPretrainingSettings
    /// The unlabelled pool it trains on, and the split key naming it.
    package var poolKey: String
    package var pool: [String]
    /// The test volumes whose slices probe the encoder before and after training (`/activations`).
    package var probe: [String]
}

package struct LocalPretrainingConfig: Codable {
    package var schema = 1
    package var stage = Stage.pretrainLocal
    package var variant: LocalVariant
    package var seed: UInt64
    package var dataset: DatasetConfig
    package var scale: ScaleSettings
    package var settings: LocalPretrainingSettings
    package var poolKey: String
    package var pool: [String]
    /// The test volumes whose slices probe the network before and after training (`/activations`).
    package var probe: [String]
    /// The encoder it starts from, by identity.
    package var globalIdentity: String
}

/// A pretext pre-training run's config: the task with its corruption at this experiment's slice size
/// (the original's 192² geometry scaled), so the stored config says exactly what the network saw.
package struct PretextPretrainingConfig: Codable {
    package var schema = 1
    package var stage = Stage.pretrainPretext
    /// `rotation`, `inpainting` or `context-restoration`.
    package var task: String
    package var inpainting: InpaintingCorruption?
    package var contextRestoration: ContextRestorationCorruption?
    package var seed: UInt64
    package var dataset: DatasetConfig
    package var scale: ScaleSettings
    package var settings: PretextPretrainingSettings
    package var poolKey: String
    package var pool: [String]
    /// The test volumes whose slices probe the network before and after training (`/activations`).
    package var probe: [String]

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

package struct ConfigShapeError: Error, CustomStringConvertible {
    package let description: String
    package init(_ d: String) { description = "run config: \(d)" }
}

package struct SplitSelection: Codable {
    package var sha256: String
    package var key: String
    package var combination: String
    package var train: [String]
    package var validation: [String]
    package var test: [String]
    /// The unlabelled volumes self-training pseudo-labels; absent for other methods.
    package var unlabelled: [String]?
}

package struct FinetuneConfig: Codable {
    package var schema = 1
    package var stage = Stage.finetune
    package var method: String
    package var globalVariant: GlobalVariant?
    package var localVariant: LocalVariant?
    package var seed: UInt64
    package var dataset: DatasetConfig
    package var scale: ScaleSettings
    package var settings: FinetuneSettings
    /// What every step's batch went through (spec §5.4); `none` for `-noaug` methods.
    package var augmentation: AugmentationConfig
    package var selfTrain: SelfTrainSettings?
    package var mixup: MixupSettings?
    package var split: SplitSelection
    /// The pre-training run whose weights initialise this one, by identity.
    package var initialisedFrom: String?
    /// The ablation value its pre-training was made with ("S=2", `Ablation`); absent outside an ablation
    /// and for runs it does not reach, so other configs keep their bytes.
    package var ablation: String? = nil
}

/// The kinds of stage a plan contains.
public enum Stage: String, Sendable, Codable {
    case pretrainGlobal = "pretrain-global", pretrainLocal = "pretrain-local", pretrainPretext = "pretrain-pretext", finetune
}

/// Sorted keys, no whitespace, no escaped slashes, snake_case keys: the bytes that are hashed and stored.
package enum CanonicalJSON {
    static func encode<T: Encodable>(_ value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        // Every value here is a finite number, string, bool or array: encoding cannot fail.
        return String(decoding: try! encoder.encode(value), as: UTF8.self)
    }

    /// The inverse: a stored or planned config read back as `type` (what the runner trains from and the
    /// report places in its grid).
    package static func decode<T: Decodable>(_ type: T.Type, from json: String) throws -> T {
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return try decoder.decode(type, from: Data(json.utf8))
    }
}
