import Datasets

/// A training method of the grid, by its stable name (used in run keys, files and reports).
///
/// Every supervised run trains with the original's default augmentation (spec §5.4: the affine step,
/// then random deformations, `rd_en = 1`; the intensity result discarded, Q4), as `tr_baseline.py` and
/// both fine-tuning scripts do by default. Names:
/// - `baseline`, `benchmark`, `global`, `global+local`: random init, the benchmark set, or fine-tuning
///   from a stage-1 encoder or stage-2 encoder + decoder blocks;
/// - `rotation`, `inpainting`, `context-restoration`: fine-tuning from a pretext pre-training, the other
///   self-supervised methods the paper compares with (spec §6; no additions);
/// - an addition after `+`: `intensity` (random contrast and brightness after the deformation: the
///   original's intensity step made effective, the harness's "+ augmentation" arm, docs/experiments.md),
///   `self-train` or `mixup`; alone (`mixup`) or after a pre-training (`global+local+mixup`);
/// - the suffix `-noaug` on any of them except `intensity` and `benchmark`: no augmentation at all, the
///   original's `--data_aug 0` (`baseline-noaug`, `global+local+mixup-noaug`).
public struct Method: Sendable, Hashable, Codable {
    public enum Pretraining: String, Sendable, Codable, CaseIterable {
        case global, globalLocal = "global+local", rotation, inpainting, contextRestoration = "context-restoration"

        /// The paper's proposed stages, as opposed to the pretext baselines it compares them with.
        public var isContrastive: Bool { self == .global || self == .globalLocal }
        public static let pretext: [Pretraining] = [.rotation, .inpainting, .contextRestoration]
    }
    public enum Addition: String, Sendable, Codable, CaseIterable { case intensity, selfTrain = "self-train", mixup }

    /// nil: random initialisation.
    public var pretraining: Pretraining?
    public var addition: Addition?
    /// The baseline trained on the benchmark (upper-bound) set.
    public var benchmark: Bool
    /// false: `-noaug`, trained on the sampled slices as they are.
    public var augmented: Bool

    public static let baseline = Method(pretraining: nil, addition: nil, benchmark: false)
    public static let noAugmentationSuffix = "-noaug"

    /// Every valid name, in the order documentation and suggestions list them.
    public static let allNames: [String] = {
        var names = ["baseline", "intensity", "self-train", "mixup", "benchmark", "global", "global+local"]
        for p in ["global", "global+local"] { for a in Addition.allCases { names.append("\(p)+\(a.rawValue)") } }
        names += Pretraining.pretext.map(\.rawValue)
        // No `benchmark-noaug`: the report has one upper bound per grid (an experiment whose `[augmentation]`
        // is all off benchmarks without augmentation), and `intensity` is an augmentation.
        return names + names.filter { !$0.hasSuffix(Addition.intensity.rawValue) && $0 != "benchmark" }.map { $0 + noAugmentationSuffix }
    }()

    public init(pretraining: Pretraining?, addition: Addition?, benchmark: Bool, augmented: Bool = true) {
        self.pretraining = pretraining
        self.addition = addition
        self.benchmark = benchmark
        self.augmented = augmented
    }

    /// Parses a name from `allNames`; nil otherwise.
    public init?(name: String) {
        guard Self.allNames.contains(name) else { return nil }
        var rest = name
        let augmented = !rest.hasSuffix(Self.noAugmentationSuffix)
        if !augmented { rest = String(rest.dropLast(Self.noAugmentationSuffix.count)) }
        if rest == "benchmark" { self.init(pretraining: nil, addition: nil, benchmark: true); return }
        if let p = Pretraining(rawValue: rest), !p.isContrastive {
            self.init(pretraining: p, addition: nil, benchmark: false, augmented: augmented)
            return
        }
        var pretraining: Pretraining?
        if rest.hasPrefix("global+local") {
            pretraining = .globalLocal
            rest = String(rest.dropFirst("global+local".count))
        } else if rest.hasPrefix("global") {
            pretraining = .global
            rest = String(rest.dropFirst("global".count))
        }
        if pretraining != nil { rest = rest.hasPrefix("+") ? String(rest.dropFirst()) : rest }
        let addition: Addition? = rest.isEmpty || rest == "baseline" ? nil : Addition(rawValue: rest)
        self.init(pretraining: pretraining, addition: addition, benchmark: false, augmented: augmented)
    }

    public var name: String {
        let suffix = augmented ? "" : Self.noAugmentationSuffix
        if benchmark { return "benchmark" + suffix }
        let parts = [pretraining?.rawValue, addition?.rawValue].compactMap { $0 }
        return (parts.isEmpty ? "baseline" : parts.joined(separator: "+")) + suffix
    }

    /// The run-key prefix of this method with its pre-training variants: the variants, then the
    /// addition, or the method's name without pre-training or with a pretext one; `-noaug` last
    /// ("global-GD+local-LR+mixup", "baseline-noaug", "global-GD-noaug", "rotation").
    public func runKeyPrefix(global: GlobalVariant?, local: LocalVariant?) -> String {
        let tail: String? = if let addition { addition.rawValue }
            else if let pretraining { pretraining.isContrastive ? nil : pretraining.rawValue }
            else { Method(pretraining: nil, addition: nil, benchmark: benchmark).name }
        let head = [global.map { "global-\($0.rawValue)" }, local.map { "local-\($0.rawValue)" }, tail]
            .compactMap { $0 }.joined(separator: "+")
        return head + (augmented ? "" : Self.noAugmentationSuffix)
    }

    /// The supervised augmentation this method trains with, given the experiment's `[augmentation]`
    /// settings: none for `-noaug`; the intensity step switched on for `intensity`.
    public func augmentation(_ defaults: AugmentationConfig) -> AugmentationConfig {
        guard augmented else { return .none }
        var a = defaults
        if addition == .intensity { a.setIntensity(true) }
        return a
    }
}

/// G^R (SimCLR-like), G^D- and G^D (spec §3.3–3.5).
public enum GlobalVariant: String, Sendable, Codable, CaseIterable { case GR, GDminus, GD }
/// L^R and L^D (spec §4.3–4.4).
public enum LocalVariant: String, Sendable, Codable, CaseIterable { case LR, LD }
