import Datasets

/// An experiment file, parsed and resolved (format: docs/experiments.md).
public struct Experiment: Sendable, Equatable {
    /// The file as given (messages) and the SHA-256 of its bytes.
    public var path: String
    public var sha256: String
    public var name: String
    public var preset: Preset
    public var data: DataSource
    /// Where run files go, resolved against the experiment file's directory.
    public var output: String
    public var grid: Grid
    /// The preset with the file's overrides applied.
    public var settings: ExperimentSettings
    /// `archive`: where archived runs (`RunArchive`) live, mirroring `output`'s layout, resolved like it;
    /// nil when the file names none. An archived run whose config matches counts as done.
    public var archive: String? = nil
    /// `[ablation]`: one pre-training setting taken at several values (`Ablation`); nil for a plain grid.
    public var ablation: Ablation? = nil

    /// The settings the grid is planned with, once per ablation value: (nil, `settings`) without one.
    public var settingVariants: [(label: String?, settings: ExperimentSettings)] {
        guard let a = ablation else { return [(nil, settings)] }
        return a.variants.map { ($0.label(a.setting), $0.settings) }
    }
}

/// Which dataset, where, and with which split file. Relative paths in the file are resolved against the
/// experiment file's directory (lexically, so the same invocation always prints the same paths).
public struct DataSource: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable, Codable { case acdc, prostate, mmwhs, phantom }
    public var kind: Kind
    public var root: String
    public var split: String
    /// For `phantom`: the generator's recipe (the runner generates the data root on first use).
    public var phantomVolumes: Int?
    public var phantomSeed: UInt64?
    /// `class_names` / `class_labels` in `[data]`: the classes, when the experiment declares them rather
    /// than the split file (one of the two may; see `Experiment.classes`).
    public var declaredClasses: ClassSet?

    public var layout: DatasetLayoutKind {
        switch kind {
        case .acdc, .phantom: .acdc
        case .prostate: .prostate
        case .mmwhs: .mmwhs
        }
    }
}

/// The grid: methods (each with the variants that apply to it) × budgets × combinations × seeds.
public struct Grid: Sendable, Equatable {
    public var methods: [Method]
    public var budgets: [String]
    /// The combinations every budget runs, unless `allCombinations`.
    public var combinations: [String]
    /// `combinations = "all"`: each budget runs every combination the split file lists for it.
    public var allCombinations: Bool = false
    public var seeds: [UInt64]
    public var globalVariants: [GlobalVariant]
    public var localVariants: [LocalVariant]
    /// Methods that expand over other global variants than `globalVariants` (`[grid.variants]`), e.g. G^R
    /// and G^D for `global` alone, without multiplying every combination method.
    public var methodGlobalVariants: [MethodGlobalVariants] = []

    public init(methods: [Method], budgets: [String], combinations: [String], allCombinations: Bool = false, seeds: [UInt64],
                globalVariants: [GlobalVariant], localVariants: [LocalVariant], methodGlobalVariants: [MethodGlobalVariants] = []) {
        self.methods = methods
        self.budgets = budgets
        self.combinations = combinations
        self.allCombinations = allCombinations
        self.seeds = seeds
        self.globalVariants = globalVariants
        self.localVariants = localVariants
        self.methodGlobalVariants = methodGlobalVariants
    }

    /// The combinations `budget` runs: the grid's list, or with `allCombinations` the split file's, in its order.
    public func combinations(for budget: String, in split: SplitFile) -> [String] {
        allCombinations ? split.labelled.filter { $0.key == budget }.map(\.combination) : combinations
    }

    /// The global variants `method` expands over.
    public func globalVariants(for method: Method) -> [GlobalVariant] {
        methodGlobalVariants.first { $0.method == method.name }?.variants ?? globalVariants
    }
}

public struct MethodGlobalVariants: Sendable, Equatable {
    public var method: String
    public var variants: [GlobalVariant]
}

/// Lexical path resolution: `base/../x` → `x`, never touching the file system (no symlinks, no cwd).
package func resolve(_ path: String, against directory: String) -> String {
    let joined = path.hasPrefix("/") || directory.isEmpty ? path : directory + "/" + path
    var parts: [Substring] = []
    for part in joined.split(separator: "/", omittingEmptySubsequences: true) {
        if part == "." { continue }
        if part == "..", let last = parts.last, last != ".." { parts.removeLast(); continue }
        if part == "..", joined.hasPrefix("/") { continue }
        parts.append(part)
    }
    let body = parts.joined(separator: "/")
    return joined.hasPrefix("/") ? "/" + body : (body.isEmpty ? "." : body)
}

func directoryOf(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "" }
    return slash == path.startIndex ? "/" : String(path[..<slash])
}
