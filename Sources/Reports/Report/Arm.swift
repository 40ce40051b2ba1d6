import Planning

/// One row of the report's tables: a method with its pre-training variants ("global-GD+local-LR+augment"),
/// named as in run keys. Several arms share a method when the grid has several variants.
public struct Arm: Sendable, Hashable {
    /// The run-key prefix: "baseline", "global-GD", "global-GD+local-LR+mixup", "benchmark".
    public let id: String
    public let method: Method
    public let globalVariant: GlobalVariant?
    public let localVariant: LocalVariant?
    /// The ablation value its pre-training was made with ("S=2", `Ablation`); nil outside an ablation.
    public let ablation: String?

    public init(method: Method, globalVariant: GlobalVariant?, localVariant: LocalVariant?, ablation: String? = nil) {
        self.method = method
        self.globalVariant = globalVariant
        self.localVariant = localVariant
        self.ablation = ablation
        id = method.runKeyPrefix(global: globalVariant, local: localVariant) + (ablation.map { "@\($0)" } ?? "")
    }

    /// The same arm outside the ablation ("global-GD@S=2" → "global-GD"): the row an ablation table groups by.
    public var withoutAblation: Arm { Arm(method: method, globalVariant: globalVariant, localVariant: localVariant) }

    public var isBaseline: Bool { method == .baseline }
    public var isBenchmark: Bool { method.benchmark }

    /// The same pre-training without the addition ("global-GD+local-LR+augment" → "global-GD+local-LR"); nil
    /// when there is no pre-training or no addition.
    public var withoutAddition: Arm? {
        guard method.pretraining != nil, method.addition != nil else { return nil }
        var m = method
        m.addition = nil
        return Arm(method: m, globalVariant: globalVariant, localVariant: localVariant, ablation: ablation)
    }

    /// The addition alone from random init ("global-GD+mixup" → "mixup"); nil without pre-training or addition.
    public var additionAlone: Arm? {
        guard method.pretraining != nil, method.addition != nil else { return nil }
        var m = method
        m.pretraining = nil
        return Arm(method: m, globalVariant: nil, localVariant: nil)
    }

    /// The same arm trained without augmentation ("global-GD+local-LR" → "global-GD+local-LR-noaug"); nil
    /// for the benchmark, `intensity` arms and arms already without augmentation.
    public var withoutAugmentation: Arm? {
        guard method.augmented, !method.benchmark, method.addition != .intensity else { return nil }
        var m = method
        m.augmented = false
        return Arm(method: m, globalVariant: globalVariant, localVariant: localVariant, ablation: ablation)
    }

    /// The global stage alone ("global-GD+local-LR" → "global-GD"); nil unless the arm is global+local
    /// without an addition.
    public var withoutLocal: Arm? {
        guard method.pretraining == .globalLocal, method.addition == nil else { return nil }
        var m = method
        m.pretraining = .global
        return Arm(method: m, globalVariant: globalVariant, localVariant: nil, ablation: ablation)
    }

    /// What the arm is, in the paper's words, for the glossary under the main table.
    public var meaning: String {
        if isBenchmark { return "the baseline trained on the benchmark set (upper bound, spec §5.7)" }
        var init_ = "random initialisation"
        if let g = globalVariant {
            init_ = "the encoder pre-trained with \(Self.globalName(g))"
            if let l = localVariant { init_ += ", then the decoder blocks with \(Self.localName(l))" }
        }
        switch method.pretraining {
        case .rotation: init_ = "the encoder pre-trained by rotation prediction (0/90/180/270°, spec §6)"
        case .inpainting: init_ = "the U-Net pre-trained by inpainting a zeroed box (spec §6), all but its output layer"
        case .contextRestoration: init_ = "the U-Net pre-trained by context restoration (swapped patches, spec §6), all but its output layer"
        default: break
        }
        var training = method.augmented ? "Dice loss, the original's affine + elastic augmentation" : "Dice loss, no augmentation (-noaug)"
        switch method.addition {
        case nil: break
        case .intensity: training += ", plus random contrast and brightness"
        case .selfTrain: training += ", with self-training on the unlabelled pool (pseudo-labels)"
        case .mixup: training += ", with Mixup"
        }
        return "fine-tuned from \(init_)\(ablation.map { " (pre-trained with \($0))" } ?? ""); \(training)"
    }

    static func globalName(_ g: GlobalVariant) -> String {
        switch g {
        case .GR: "G^R (SimCLR-like, spec §3.3)"
        case .GDminus: "G^D- (spec §3.4)"
        case .GD: "G^D (spec §3.5)"
        }
    }

    static func localName(_ l: LocalVariant) -> String {
        switch l {
        case .LR: "L^R (spec §4.3)"
        case .LD: "L^D (spec §4.4)"
        }
    }
}
