import Datasets
import Foundation
import RunStore

/// One run of an experiment, in the order the runner executes them.
public struct PlannedRun: Sendable, Equatable {
    /// 1-based position in the plan.
    public var index: Int
    public var runKey: String
    public var stage: Stage
    /// The method name for fine-tuning runs ("global+local+mixup"), nil for pre-training.
    public var method: String?
    /// Run keys of the runs whose output this one starts from (always earlier in the plan).
    public var dependencies: [String]
    public var seed: UInt64
    public var output: String
    /// SHA-256 of the canonical config, the data hashes and the seed: what a pre-training run is shared by.
    public var identity: String
    public var configJSON: String
    /// The data could not be hashed (root missing, or a phantom not yet generated in full): the identities
    /// stand in for the data by the split's ids only and will change once the data exists.
    public var provisional: Bool
    /// Where this run's archived copy (`RunArchive`) lives: `output` with the experiment's output
    /// directory replaced by its `archive`; nil when the experiment names no archive.
    public var archive: String? = nil
    /// The SHA-256 of the image and label file of every volume the run reads, sorted by id, as its run
    /// file records them: a finished run whose recorded volumes differ was made from other data and is
    /// computed again. Nil when the data could not be hashed (`provisional`).
    public var volumes: [VolumeHash]? = nil
    /// The ablation value this run is made with ("S=2", `Ablation`), in its key after the method; nil for
    /// runs the ablation does not reach and outside an ablation.
    public var ablation: String? = nil
}

/// SHA-256 of each volume's image and label files, by id; nil when the data is not there yet (`compute`).
public struct DataHashes: Sendable, Equatable {
    public var byID: [String: (image: String, label: String)]? {
        get { storage.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, (image: $0.value[0], label: $0.value[1])) }) } }
        set { storage = newValue.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, [$0.value.image, $0.value.label]) }) } }
    }
    private var storage: [String: [String]]?

    public init(byID: [String: (image: String, label: String)]?) {
        self.storage = byID.map { Dictionary(uniqueKeysWithValues: $0.map { ($0.key, [$0.value.image, $0.value.label]) }) }
    }

    public static let unavailable = DataHashes(byID: nil)

    /// Why `compute` found no data for `experiment`, for the commands that need it (archive, audit).
    public static func missingData(_ experiment: Experiment) -> String {
        FileManager.default.fileExists(atPath: experiment.data.root)
            ? "holds a phantom whose generation did not finish (no phantom.json); `cseg run` generates it again"
            : "does not exist" + (experiment.data.kind == .phantom ? "; `cseg run` generates the phantom" : "")
    }

    /// Hashes the files of `ids` under the experiment's data root, or `.unavailable` if the root is missing
    /// or holds a phantom that is not whole: its `phantom.json` is written last, so without it the
    /// generation never ran or was stopped part way, and `cseg run` generates it again.
    public static func compute(for experiment: Experiment, ids: [String]) throws -> DataHashes {
        guard FileManager.default.fileExists(atPath: experiment.data.root) else { return .unavailable }
        if experiment.data.kind == .phantom, !FileManager.default.fileExists(atPath: "\(experiment.data.root)/phantom.json") {
            return .unavailable
        }
        let dataset = try Dataset(kind: experiment.data.layout, root: experiment.data.root)
        var hashes: [String: (image: String, label: String)] = [:]
        for id in Set(ids).sorted() {
            let files = try dataset.files(for: id)
            hashes[id] = (try ContentHash.sha256(fileAt: files.image), try ContentHash.sha256(fileAt: files.label))
        }
        return DataHashes(byID: hashes)
    }

    /// The hashes of `ids`, sorted by id and each listed once, as run files record them; nil when unavailable.
    func volumes(_ ids: [String]) -> [VolumeHash]? {
        guard let storage else { return nil }
        return Set(ids).sorted().compactMap { id in storage[id].map { VolumeHash(id: id, imageSHA256: $0[0], labelSHA256: $0[1]) } }
    }

    /// `[[id, image sha, label sha]…]` for `ids` in sorted order, or the ids alone when unavailable.
    func entries(_ ids: [String]) -> [[String]] {
        ids.sorted().map { id in
            guard let h = storage?[id] else { return [id, "unavailable", "unavailable"] }
            return [id] + h
        }
    }
}

/// Expands an experiment's grid into the ordered list of runs, with the stage graph: each fine-tuning
/// run after the pre-training runs it needs, each pre-training run listed once however many runs share it.
public enum RunPlanner {
    public static func plan(_ experiment: Experiment, split: SplitFile, data: DataHashes) throws -> [PlannedRun] {
        let e = experiment, g = experiment.grid
        // Set per ablation value below (`Experiment.settingVariants`); the nested planners read them.
        var s = experiment.settings, label: String?
        try check(e, split)
        let dataset = DatasetConfig(kind: e.data.kind, layout: e.data.layout, classNames: e.classes(split).names,
                                    classLabels: e.declaredClasses(split)?.classes.labels,
                                    phantomVolumes: e.data.phantomVolumes, phantomSeed: e.data.phantomSeed)
        let provisional = data.byID == nil
        var runs: [PlannedRun] = []
        var listed: [String: PlannedRun] = [:]  // by identity
        var keys: [String: String] = [:]  // identity by run key

        func identity(_ configJSON: String, _ ids: [String], _ seed: UInt64) -> String {
            struct Identity: Encodable { var config: String; var data: [[String]]; var seed: UInt64 }
            return ContentHash.sha256(Data(CanonicalJSON.encode(Identity(config: configJSON, data: data.entries(ids), seed: seed)).utf8))
        }
        func add(_ run: PlannedRun) throws -> PlannedRun {
            if let existing = listed[run.identity] { return existing }
            // Two runs under one key would share one output file; an ablation value missing from a key does that.
            if let other = keys[run.runKey] {
                throw ExperimentError(e.path, "plans two different runs under the key \(run.runKey) (identities \(other.prefix(12)), \(run.identity.prefix(12))): a planner bug")
            }
            keys[run.runKey] = run.identity
            var r = run
            r.index = runs.count + 1
            r.archive = e.archive.map { $0 + r.output.dropFirst(e.output.count) }
            runs.append(r)
            listed[r.identity] = r
            return r
        }
        func pretrainOutput(_ name: String, _ id: String) -> String { "\(e.output)/pretrain/\(name)-\(id.prefix(16)).h5" }
        /// "@S=2" in the key of a run the current ablation value reaches; "" otherwise.
        func suffix(_ ablation: String?) -> String { ablation.map { "@\($0)" } ?? "" }

        /// A pre-training run named `name` (key `pretrain-<name>`): it reads the pool and probes the test set.
        func pretraining(_ name: String, _ stage: Stage, _ json: String, _ seed: UInt64, after parents: [String] = [],
                         ablation: String?) throws -> PlannedRun {
            let id = identity(json, split.pool!.ids + split.test, seed)
            return try add(PlannedRun(index: 0, runKey: "pretrain-\(name)", stage: stage, method: nil, dependencies: parents, seed: seed,
                                  output: pretrainOutput(name, id), identity: id, configJSON: json, provisional: provisional,
                                  volumes: data.volumes(split.pool!.ids + split.test), ablation: ablation))
        }
        func global(_ v: GlobalVariant, _ seed: UInt64) throws -> PlannedRun {
            let pool = split.pool!
            var settings = s.pretrainGlobal, ablation = label
            if let a = e.ablation, a.setting.stage != .pretrainGlobal {
                ablation = nil
            } else if e.ablation?.setting == .partitions && v == .GR {
                // G^R draws slices without partitions: every S would be the same run, so it is planned
                // once, at the file's own S.
                settings.partitions = e.settings.pretrainGlobal.partitions
                ablation = nil
            }
            let json = CanonicalJSON.encode(GlobalPretrainingConfig(variant: v, seed: seed, dataset: dataset, scale: s.scale,
                                                                    settings: settings, poolKey: pool.key, pool: pool.ids,
                                                                    probe: split.test))
            return try pretraining("global-\(v.rawValue)\(suffix(ablation))_s\(seed)", .pretrainGlobal, json, seed, ablation: ablation)
        }
        func local(_ gv: GlobalVariant, _ lv: LocalVariant, _ seed: UInt64) throws -> PlannedRun {
            let parent = try global(gv, seed)
            let pool = split.pool!
            // Reached by a local setting, or through its global stage by a global one.
            let ablation = e.ablation?.setting.stage == .pretrainLocal ? label : parent.ablation
            let json = CanonicalJSON.encode(LocalPretrainingConfig(variant: lv, seed: seed, dataset: dataset, scale: s.scale,
                                                                   settings: s.pretrainLocal, poolKey: pool.key, pool: pool.ids,
                                                                   probe: split.test, globalIdentity: parent.identity))
            return try pretraining("local-\(gv.rawValue)-\(lv.rawValue)\(suffix(ablation))_s\(seed)", .pretrainLocal, json, seed,
                                   after: [parent.runKey], ablation: ablation)
        }
        func pretext(_ kind: Method.Pretraining, _ seed: UInt64) throws -> PlannedRun {
            let pool = split.pool!
            let json = CanonicalJSON.encode(PretextPretrainingConfig(kind: kind, seed: seed, dataset: dataset, scale: s.scale,
                                                                     settings: s.pretrainPretext, poolKey: pool.key, pool: pool.ids,
                                                                     probe: split.test))
            return try pretraining("\(kind.rawValue)_s\(seed)", .pretrainPretext, json, seed, ablation: nil)
        }

        /// The grid's runs at the current settings, in method, variant, cell, seed order.
        func planMethods() throws {
            for method in g.methods {
                let variantPairs: [(GlobalVariant?, LocalVariant?)]
                switch method.pretraining {
                case nil, .rotation, .inpainting, .contextRestoration: variantPairs = [(nil, nil)]
                case .global: variantPairs = g.globalVariants(for: method).map { ($0, nil) }
                case .globalLocal: variantPairs = g.globalVariants(for: method).flatMap { gv in g.localVariants.map { (gv, $0) } }
                }
                for (gv, lv) in variantPairs {
                    let cells: [(String, String)] = method.benchmark
                        ? [(split.benchmark!.key, "c0")]
                        : g.budgets.flatMap { b in g.combinations(for: b, in: split).map { (b, $0) } }
                    for (budget, comb) in cells {
                        for seed in g.seeds {
                            var parent: PlannedRun?
                            if let gv { parent = try lv.map { try local(gv, $0, seed) } ?? global(gv, seed) }
                            if let p = method.pretraining, !p.isContrastive { parent = try pretext(p, seed) }
                            // The ablation reaches this run through its pre-training (random init never).
                            let ablation = parent?.ablation
                            // By role, never by key: the benchmark is its own role, and a budget is always a labelled set.
                            let selected = method.benchmark ? (split.benchmark!.ids, split.benchmark!.validation)
                                : try split.labelledSet(key: budget, combination: comb).pair
                            let (train, validation) = selected
                            let unlabelled = method.addition == .selfTrain ? split.pool!.ids.filter { !train.contains($0) } : nil
                            let config = FinetuneConfig(
                                method: method.name, globalVariant: gv, localVariant: lv, seed: seed, dataset: dataset, scale: s.scale,
                                settings: s.finetune, augmentation: method.augmentation(s.augmentation),
                                selfTrain: method.addition == .selfTrain ? s.selfTrain : nil,
                                mixup: method.addition == .mixup ? s.mixup : nil,
                                split: SplitSelection(sha256: split.sha256, key: budget, combination: comb, train: train,
                                                      validation: validation, test: split.test, unlabelled: unlabelled),
                                initialisedFrom: parent?.identity, ablation: ablation)
                            let json = CanonicalJSON.encode(config)
                            let methodID = method.runKeyPrefix(global: gv, local: lv) + (ablation.map { "@\($0)" } ?? "")
                            let cell = method.benchmark ? budget : "\(budget)_\(comb)"
                            let key = "\(methodID)_\(cell)_s\(seed)"
                            let ids = train + validation + split.test + (unlabelled ?? [])
                            _ = try add(PlannedRun(index: 0, runKey: key, stage: .finetune, method: method.name,
                                               dependencies: parent.map { [$0.runKey] } ?? [], seed: seed,
                                               output: "\(e.output)/runs/\(key).h5", identity: identity(json, ids, seed),
                                               configJSON: json, provisional: provisional, volumes: data.volumes(ids), ablation: ablation))
                        }
                    }
                }
            }
        }

        for variant in e.settingVariants {
            (s, label) = (variant.settings, variant.label)
            try planMethods()
        }
        return runs
    }

    /// The grid against the split file: every budget and combination exists, the pool and benchmark exist
    /// when a method needs them.
    static func check(_ e: Experiment, _ split: SplitFile) throws {
        try e.checkClassDeclarations(split)
        let g = e.grid
        let needsLabelled = g.methods.contains { !$0.benchmark }
        if needsLabelled {
            let keys = orderedKeys(split)
            for (i, b) in g.budgets.enumerated() where !keys.contains(b) {
                throw ExperimentError(e.path, keyPath: "grid.budgets[\(i)]",
                                      "\"\(b)\" is not a labelled key of \(split.path) (keys: \(keys.joined(separator: ", ")))",
                                      suggestion: EditDistance.nearest(to: b, among: keys))
            }
            for b in g.budgets {
                let combs = split.labelled.filter { $0.key == b }.map(\.combination)
                for (i, c) in g.combinations(for: b, in: split).enumerated() where !combs.contains(c) {
                    throw ExperimentError(e.path, keyPath: "grid.combinations[\(i)]",
                                          "\"\(c)\" is not a combination of \(b) in \(split.path) (combinations: \(combs.joined(separator: ", ")))",
                                          suggestion: EditDistance.nearest(to: c, among: combs))
                }
            }
        }
        for (i, m) in g.methods.enumerated() {
            if m.pretraining != nil || m.addition == .selfTrain, split.pool == nil {
                throw ExperimentError(e.path, keyPath: "grid.methods[\(i)]", "\"\(m.name)\" needs an unlabelled pool, and \(split.path) has no [pool]")
            }
            if m.benchmark, split.benchmark == nil {
                throw ExperimentError(e.path, keyPath: "grid.methods[\(i)]", "\"benchmark\" needs a [benchmark] set, and \(split.path) has none")
            }
        }
    }

    static func orderedKeys(_ split: SplitFile) -> [String] {
        var seen = Set<String>()
        return split.labelled.map(\.key).filter { seen.insert($0).inserted }
    }

    /// The runs the runner still has to do (`RunCompletion.toCompute`); with `recomputeArchived`, archived
    /// copies count for nothing, as in `cseg run --recompute-archived`.
    public static func pending(_ runs: [PlannedRun], recomputeArchived: Bool = false) -> [PlannedRun] {
        RunCompletion.toCompute(runs, isArchived: archivedCountsAsDone(recomputeArchived: recomputeArchived))
    }

    /// The test of whether a run's archived copy counts as done, for `cseg plan --estimate` and `cseg
    /// submit`: never with `--recompute-archived`. (`cseg run` applies the same rule with the split audit's
    /// findings, `ExperimentRunner.toCompute`.)
    public static func archivedCountsAsDone(recomputeArchived: Bool) -> (PlannedRun) -> Bool {
        { !recomputeArchived && RunCompletion.isArchived($0) }
    }
}
