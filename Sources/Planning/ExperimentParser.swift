import Datasets
import Foundation
import TOMLKit
import TrainingSettings

/// Reads experiment files strictly: an unknown key, a wrong type or a missing required key is an error
/// naming the file, the key path and the nearest valid key.
public enum ExperimentParser {
    public static let formatVersion = 1
    /// Valid values of the integer settings an ablation can take, shared by the stage tables and `[ablation]`.
    static let partitionsRange = 1...64, decoderBlocksRange = 1...5, regionSizeRange = 0...1

    public static func read(_ path: String) throws -> Experiment {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ExperimentError(path, "cannot read the experiment file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else { throw ExperimentError(path, "is not UTF-8 text") }
        return try parse(text, path: path)
    }

    public static func parse(_ text: String, path: String) throws -> Experiment {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ExperimentError(path, "line \(error.source.begin.line), column \(error.source.begin.column): not valid TOML: \(error.description)")
        }
        let r = TOMLReader(path: path)
        try r.allowOnly(["format", "name", "preset", "output", "archive", "data", "grid", "network", "stage", "augmentation", "method", "ablation"], in: root, at: "")
        let format = try r.int("format", in: root, at: "")
        guard format == formatVersion else {
            throw ExperimentError(path, keyPath: "format", "is \(format); this harness reads format \(formatVersion)")
        }
        let dir = directoryOf(path)
        let presetName = try r.string("preset", in: root, at: "")
        guard let preset = Preset(rawValue: presetName) else {
            let names = Preset.allCases.map(\.rawValue)
            throw ExperimentError(path, keyPath: "preset", "unknown preset \"\(presetName)\" (valid: \(names.joined(separator: ", ")))",
                                  suggestion: EditDistance.nearest(to: presetName, among: names))
        }
        let data = try dataSource(r, try r.table("data", in: root, at: ""), dir)
        var settings = preset.settings(for: data.layout.constants)
        try applyOverrides(r, root, &settings)
        let grid = try grid(r, try r.table("grid", in: root, at: ""))
        return Experiment(path: path, sha256: ContentHash.sha256(Data(text.utf8)), name: try r.string("name", in: root, at: ""),
                          preset: preset, data: data, output: resolve(try r.string("output", in: root, at: ""), against: dir),
                          grid: grid, settings: settings,
                          archive: try archive(r, root, dir, output: resolve(try r.string("output", in: root, at: ""), against: dir)),
                          ablation: try ablation(r, root, settings, grid))
    }

    /// `[ablation]`: `setting` (one of `Ablation.Setting`'s key paths) and `values`, each checked as the
    /// stage table checks that key; the stage table must not set it too, and a method of the grid must
    /// use it.
    static func ablation(_ r: TOMLReader, _ root: TOMLTable, _ base: ExperimentSettings, _ grid: Grid) throws -> Ablation? {
        guard let (t, at) = try r.optionalTable("ablation", in: root, at: "") else { return nil }
        try r.allowOnly(["setting", "values"], in: t, at: at)
        let name = try r.string("setting", in: t, at: at)
        let names = Ablation.Setting.allCases.map(\.rawValue)
        guard let setting = Ablation.Setting(rawValue: name) else {
            throw ExperimentError(r.path, keyPath: "ablation.setting", "\"\(name)\" is not a setting the harness ablates (valid: \(names.joined(separator: ", ")))",
                                  suggestion: EditDistance.nearest(to: name, among: names))
        }
        let parts = name.split(separator: ".").map(String.init)
        if root["stage"]?.table?[parts[1]]?.table?[parts[2]] != nil {
            throw ExperimentError(r.path, keyPath: name, "is set by [ablation] (ablation.setting); remove it here")
        }
        let reached: Set<Method.Pretraining> = setting.stage == .pretrainGlobal ? [.global, .globalLocal] : [.globalLocal]
        // G^R draws slices without partitions, so S reaches only the domain-aware variants.
        func uses(_ m: Method) -> Bool {
            guard let p = m.pretraining, reached.contains(p) else { return false }
            return setting != .partitions || grid.globalVariants(for: m).contains { $0 != .GR }
        }
        guard grid.methods.contains(where: uses) else {
            throw ExperimentError(r.path, keyPath: "ablation.setting", "\(name) is used by no method of grid.methods (it needs "
                                  + (setting.stage == .pretrainGlobal ? "a global or global+local" : "a global+local") + " pre-training method"
                                  + (setting == .partitions ? " with a G^D- or G^D variant: G^R ignores partitions" : "") + ")")
        }
        func variant(_ apply: (inout ExperimentSettings) -> String) -> Ablation.Variant {
            var s = base
            let value = apply(&s)
            return Ablation.Variant(value: value, settings: s)
        }
        func outOfRange(_ i: Int, _ v: Any, _ rule: String) -> ExperimentError {
            ExperimentError(r.path, keyPath: "ablation.values[\(i)]", "\(v) is out of range for \(name) (\(rule))")
        }
        var variants: [Ablation.Variant] = []
        switch setting {
        case .partitions, .decoderBlocks, .regionSize:
            let range = setting == .partitions ? Self.partitionsRange : setting == .decoderBlocks ? Self.decoderBlocksRange : Self.regionSizeRange
            for (i, v) in try r.ints("values", in: t, at: at).enumerated() {
                guard range.contains(v) else { throw outOfRange(i, v, "\(range.lowerBound)…\(range.upperBound)") }
                variants.append(variant { s in
                    switch setting {
                    case .partitions: s.pretrainGlobal.partitions = v
                    case .decoderBlocks: s.pretrainLocal.decoderBlocks = v
                    default: s.pretrainLocal.regionSize = v
                    }
                    return "\(v)"
                })
            }
        case .globalTemperature, .localTemperature:
            let values = try r.doubles("values", in: t, at: at)
            if values.isEmpty { throw ExperimentError(r.path, keyPath: "ablation.values", "must not be empty") }
            for (i, v) in values.enumerated() {
                guard v > 0, v.isFinite else { throw outOfRange(i, v, "a positive number") }
                variants.append(variant { s in
                    if setting == .globalTemperature { s.pretrainGlobal.temperature = v } else { s.pretrainLocal.temperature = v }
                    return "\(v)"
                })
            }
        }
        var seen = Set<String>()
        if let twice = variants.map(\.value).first(where: { !seen.insert($0).inserted }) {
            throw ExperimentError(r.path, keyPath: "ablation.values", "lists \(twice) twice")
        }
        return Ablation(setting: setting, variants: variants)
    }

    /// `archive`, resolved; it must not be, or lie inside, `output`, whose stale-file cleanup and
    /// overwrites it would then share.
    static func archive(_ r: TOMLReader, _ root: TOMLTable, _ dir: String, output: String) throws -> String? {
        guard let text = try r.optionalString("archive", in: root, at: "") else { return nil }
        let archive = resolve(text, against: dir)
        if archiveOverlaps(archive, output: output) {
            throw ExperimentError(r.path, keyPath: "archive", "\"\(text)\" overlaps output \"\(output)\": the archive needs a directory of its own")
        }
        return archive
    }

    /// Whether `archive` is, contains or lies inside `output` (paths as the parser resolves them, or as
    /// given on a command line), by components of the absolute paths they name from the working
    /// directory, with "." and ".." removed and existing symbolic links followed: `runs/x` and
    /// `/abs/cwd/runs/x/archive` overlap. A link whose target does not exist yet is taken as named, and
    /// ".." is removed from the text before links are followed (the parser's paths hold none).
    public static func archiveOverlaps(_ archive: String, output: String) -> Bool {
        let cwd = FileManager.default.currentDirectoryPath
        // Foundation resolves links only in a path that exists: the longest existing prefix is resolved
        // and the rest (an archive not yet created) appended.
        func parts(_ p: String) -> [Substring] {
            var head = URL(fileURLWithPath: p.hasPrefix("/") ? p : cwd + "/" + p).standardizedFileURL.path.split(separator: "/")
            var tail: [Substring] = []
            while let last = head.last, !FileManager.default.fileExists(atPath: "/" + head.joined(separator: "/")) {
                tail.insert(last, at: 0)
                head.removeLast()
            }
            let resolved = URL(fileURLWithPath: "/" + head.joined(separator: "/")).resolvingSymlinksInPath().path
            return resolved.split(separator: "/") + tail
        }
        let a = parts(archive), o = parts(output)
        return a.starts(with: o) || o.starts(with: a)
    }

    static func dataSource(_ r: TOMLReader, _ t: (TOMLTable, String), _ dir: String) throws -> DataSource {
        let (table, at) = t
        try r.allowOnly(["kind", "root", "split", "phantom_volumes", "phantom_seed", "class_names", "class_labels"], in: table, at: at)
        let kindName = try r.string("kind", in: table, at: at)
        let kinds = DataSource.Kind.allCases.map(\.rawValue)
        guard let kind = DataSource.Kind(rawValue: kindName) else {
            throw ExperimentError(r.path, keyPath: "data.kind", "unknown dataset kind \"\(kindName)\" (valid: \(kinds.joined(separator: ", ")))",
                                  suggestion: EditDistance.nearest(to: kindName, among: kinds))
        }
        var source = DataSource(kind: kind, root: resolve(try r.string("root", in: table, at: at), against: dir),
                                split: resolve(try r.string("split", in: table, at: at), against: dir))
        for key in ["phantom_volumes", "phantom_seed"] where table[key] != nil && kind != .phantom {
            throw ExperimentError(r.path, keyPath: "data.\(key)", "applies only to kind = \"phantom\", not \"\(kindName)\"")
        }
        source.declaredClasses = try r.classes(table, at: at)
        if kind == .phantom {
            source.phantomVolumes = try r.optionalInt("phantom_volumes", in: table, at: at, range: 1...999) ?? 40
            source.phantomSeed = UInt64(try r.optionalInt("phantom_seed", in: table, at: at, range: 0...Int.max) ?? 1)
        }
        return source
    }

    static func grid(_ r: TOMLReader, _ t: (TOMLTable, String)) throws -> Grid {
        let (table, at) = t
        try r.allowOnly(["methods", "budgets", "combinations", "seeds", "global_variants", "local_variants", "variants"], in: table, at: at)
        let methods = try r.strings("methods", in: table, at: at, unique: true).enumerated().map { i, name in
            if name == "augment" || name.hasSuffix("+augment") {
                let now = name == "augment" ? "baseline" : String(name.dropLast("+augment".count))
                throw ExperimentError(r.path, keyPath: "grid.methods[\(i)]",
                                      "\"\(name)\" is gone: every run now trains with the original's augmentation (affine + elastic, "
                                      + "[augmentation]), so \"\(now)\" is what it was; \"\(now)-noaug\" trains without it and "
                                      + "\"\(name.dropLast("augment".count))intensity\" adds random contrast and brightness")
            }
            guard let m = Method(name: name) else {
                throw ExperimentError(r.path, keyPath: "grid.methods[\(i)]",
                                      "unknown method \"\(name)\" (valid: \(Method.allNames.joined(separator: ", ")))",
                                      suggestion: EditDistance.nearest(to: name, among: Method.allNames))
            }
            return m
        }
        let budgets = try r.strings("budgets", in: table, at: at, unique: true)
        for (i, b) in budgets.enumerated() where splitKeyCount(b) == nil {
            throw ExperimentError(r.path, keyPath: "grid.budgets[\(i)]", "\"\(b)\" is not a label budget (tr1, tr2, tr8 …)")
        }
        // `combinations = "all"`: every combination the split file lists for each budget (the original's grids
        // run 5, 5 and 3 combinations at tr1, tr2 and tr8), resolved against the split when the grid is planned.
        let allCombinations = table["combinations"]?.string != nil
        if allCombinations, try r.string("combinations", in: table, at: at) != "all" {
            throw ExperimentError(r.path, keyPath: "grid.combinations", "must be a list of combination keys or \"all\"")
        }
        let combinations = allCombinations ? [] : try r.strings("combinations", in: table, at: at, unique: true)
        let seedValues = try r.ints("seeds", in: table, at: at)
        for (i, s) in seedValues.enumerated() where s < 0 {
            throw ExperimentError(r.path, keyPath: "grid.seeds[\(i)]", "seeds are non-negative integers, got \(s)")
        }
        if Set(seedValues).count != seedValues.count { throw ExperimentError(r.path, keyPath: "grid.seeds", "lists a seed twice") }
        func variants<V: RawRepresentable & CaseIterable>(_ key: String, _ defaults: [V], in table: TOMLTable, at: String) throws -> [V]
            where V.RawValue == String {
            guard table[key] != nil else { return defaults }
            let valid = V.allCases.map(\.rawValue)
            return try r.strings(key, in: table, at: at, unique: true).enumerated().map { i, name in
                guard let v = V(rawValue: name) else {
                    throw ExperimentError(r.path, keyPath: "\(at).\(key)[\(i)]", "unknown variant \"\(name)\" (valid: \(valid.joined(separator: ", ")))",
                                          suggestion: EditDistance.nearest(to: name, among: valid))
                }
                return v
            }
        }
        var grid = Grid(methods: methods, budgets: budgets, combinations: combinations, allCombinations: allCombinations,
                        seeds: seedValues.map { UInt64($0) },
                        globalVariants: try variants("global_variants", [GlobalVariant.GD], in: table, at: at),
                        localVariants: try variants("local_variants", [LocalVariant.LR], in: table, at: at))
        // [grid.variants]: method name = [global variants], for pre-training methods of the grid only.
        if let (v, vAt) = try r.optionalTable("variants", in: table, at: at) {
            let pretraining = methods.filter { $0.pretraining?.isContrastive == true }.map(\.name)
            for key in v.keys.sorted() {
                guard pretraining.contains(key) else {
                    throw ExperimentError(r.path, keyPath: "\(vAt).\(key)",
                                          "not a pre-training method of grid.methods (\(pretraining.joined(separator: ", ")))",
                                          suggestion: EditDistance.nearest(to: key, among: pretraining))
                }
                grid.methodGlobalVariants.append(MethodGlobalVariants(method: key, variants: try variants(key, [], in: v, at: vAt)))
            }
        }
        return grid
    }

    static func applyOverrides(_ r: TOMLReader, _ root: TOMLTable, _ s: inout ExperimentSettings) throws {
        if let (t, at) = try r.optionalTable("network", in: root, at: "") {
            try r.allowOnly(["input_size", "channel_multiplier", "target_spacing"], in: t, at: at)
            if let v = try r.optionalInt("input_size", in: t, at: at, range: 32...1024) {
                guard v % 32 == 0 else { throw ExperimentError(r.path, keyPath: "network.input_size", "must be divisible by 32 (five poolings), got \(v)") }
                s.scale.inputSize = v
            }
            if let v = try r.optionalDouble("channel_multiplier", in: t, at: at, positive: true) { s.scale.channelMultiplier = v }
            if t["target_spacing"] != nil {
                let v = try r.doubles("target_spacing", in: t, at: at)
                guard v.count == 2, v.allSatisfy({ $0 > 0 }) else {
                    throw ExperimentError(r.path, keyPath: "network.target_spacing", "must be two positive numbers (mm, rows and columns)")
                }
                s.scale.targetSpacing = v
            }
        }
        if let (stages, stagesAt) = try r.optionalTable("stage", in: root, at: "") {
            try r.allowOnly(["pretrain-global", "pretrain-local", "pretrain-pretext", "finetune"], in: stages, at: stagesAt)
            if let (t, at) = try r.optionalTable("pretrain-global", in: stages, at: stagesAt) {
                try r.allowOnly(["iterations", "batch_size", "learning_rate", "temperature", "partitions", "faithful_2020"], in: t, at: at)
                var g = s.pretrainGlobal
                g.iterations = try r.optionalInt("iterations", in: t, at: at, range: 1...Int.max) ?? g.iterations
                g.batchSize = try r.optionalInt("batch_size", in: t, at: at, range: 2...Int.max) ?? g.batchSize
                g.learningRate = try r.optionalDouble("learning_rate", in: t, at: at, positive: true) ?? g.learningRate
                g.temperature = try r.optionalDouble("temperature", in: t, at: at, positive: true) ?? g.temperature
                g.partitions = try r.optionalInt("partitions", in: t, at: at, range: Self.partitionsRange) ?? g.partitions
                g.faithful2020 = try r.optionalBool("faithful_2020", in: t, at: at) ?? g.faithful2020
                s.pretrainGlobal = g
            }
            if let (t, at) = try r.optionalTable("pretrain-local", in: stages, at: stagesAt) {
                try r.allowOnly(["iterations", "batch_size", "lr_slices", "learning_rate", "temperature", "decoder_blocks",
                                 "region_size", "faithful_2020"], in: t, at: at)
                var l = s.pretrainLocal
                l.iterations = try r.optionalInt("iterations", in: t, at: at, range: 1...Int.max) ?? l.iterations
                l.batchSize = try r.optionalInt("batch_size", in: t, at: at, range: 2...Int.max) ?? l.batchSize
                l.lrSlices = try r.optionalInt("lr_slices", in: t, at: at, range: 1...Int.max) ?? l.lrSlices
                l.learningRate = try r.optionalDouble("learning_rate", in: t, at: at, positive: true) ?? l.learningRate
                l.temperature = try r.optionalDouble("temperature", in: t, at: at, positive: true) ?? l.temperature
                l.decoderBlocks = try r.optionalInt("decoder_blocks", in: t, at: at, range: Self.decoderBlocksRange) ?? l.decoderBlocks
                l.regionSize = try r.optionalInt("region_size", in: t, at: at, range: Self.regionSizeRange) ?? l.regionSize
                l.faithful2020 = try r.optionalBool("faithful_2020", in: t, at: at) ?? l.faithful2020
                s.pretrainLocal = l
            }
            if let (t, at) = try r.optionalTable("pretrain-pretext", in: stages, at: stagesAt) {
                try r.allowOnly(["iterations", "batch_size", "learning_rate", "inpainting_placement", "context_swaps"], in: t, at: at)
                var p = s.pretrainPretext
                p.iterations = try r.optionalInt("iterations", in: t, at: at, range: 1...Int.max) ?? p.iterations
                p.batchSize = try r.optionalInt("batch_size", in: t, at: at, range: 1...Int.max) ?? p.batchSize
                p.learningRate = try r.optionalDouble("learning_rate", in: t, at: at, positive: true) ?? p.learningRate
                if t["inpainting_placement"] != nil {
                    let name = try r.string("inpainting_placement", in: t, at: at)
                    let valid = InpaintingCorruption.Placement.allCases.map(\.rawValue)
                    guard let v = InpaintingCorruption.Placement(rawValue: name) else {
                        throw ExperimentError(r.path, keyPath: "\(at).inpainting_placement", "unknown value \"\(name)\" (valid: \(valid.joined(separator: ", ")))",
                                              suggestion: EditDistance.nearest(to: name, among: valid))
                    }
                    p.inpaintingPlacement = v
                }
                p.contextSwaps = try r.optionalInt("context_swaps", in: t, at: at, range: 1...1000) ?? p.contextSwaps
                s.pretrainPretext = p
            }
            if let (t, at) = try r.optionalTable("finetune", in: stages, at: stagesAt) {
                try r.allowOnly(["iterations", "batch_size", "learning_rate", "validate_every"], in: t, at: at)
                var f = s.finetune
                f.iterations = try r.optionalInt("iterations", in: t, at: at, range: 1...Int.max) ?? f.iterations
                f.batchSize = try r.optionalInt("batch_size", in: t, at: at, range: 1...Int.max) ?? f.batchSize
                f.learningRate = try r.optionalDouble("learning_rate", in: t, at: at, positive: true) ?? f.learningRate
                f.validateEvery = try r.optionalInt("validate_every", in: t, at: at, range: 1...Int.max) ?? f.validateEvery
                s.finetune = f
            }
        }
        if let (t, at) = try r.optionalTable("augmentation", in: root, at: "") {
            try r.allowOnly(["affine", "elastic", "elastic_sigma", "intensity", "intensity_draws"], in: t, at: at)
            var a = s.augmentation
            a.affine = try r.optionalBool("affine", in: t, at: at) ?? a.affine
            a.elastic = try r.optionalBool("elastic", in: t, at: at) ?? a.elastic
            a.elasticSigma = try r.optionalDouble("elastic_sigma", in: t, at: at, positive: true) ?? a.elasticSigma
            if t["intensity_draws"] != nil {
                let names = ["per-image": IntensityDraws.perImage, "per-half": .perHalf]
                let name = try r.string("intensity_draws", in: t, at: at)
                guard let draws = names[name] else {
                    throw ExperimentError(r.path, keyPath: "augmentation.intensity_draws", "unknown value \"\(name)\" (valid: per-image, per-half)",
                                          suggestion: EditDistance.nearest(to: name, among: names.keys.sorted()))
                }
                a.intensityDraws = draws
            }
            a.setIntensity(try r.optionalBool("intensity", in: t, at: at) ?? a.intensity)
            s.augmentation = a
        }
        if let (methods, methodsAt) = try r.optionalTable("method", in: root, at: "") {
            if methods["augment"] != nil {
                throw ExperimentError(r.path, keyPath: "method.augment",
                                      "there is no augment method any more: every run trains with the original's augmentation, "
                                      + "set in [augmentation] (affine, elastic, elastic_sigma, intensity, intensity_draws)")
            }
            try r.allowOnly(["self-train", "mixup"], in: methods, at: methodsAt)
            if let (t, at) = try r.optionalTable("self-train", in: methods, at: methodsAt) {
                try r.allowOnly(["threshold", "rounds"], in: t, at: at)
                if let v = try r.optionalDouble("threshold", in: t, at: at, positive: true) {
                    guard v <= 1 else { throw ExperimentError(r.path, keyPath: "\(at).threshold", "must be in (0, 1], got \(v)") }
                    s.selfTrain.threshold = v
                }
                s.selfTrain.rounds = try r.optionalInt("rounds", in: t, at: at, range: 1...100) ?? s.selfTrain.rounds
            }
            if let (t, at) = try r.optionalTable("mixup", in: methods, at: methodsAt) {
                try r.allowOnly(["alpha"], in: t, at: at)
                s.mixup.alpha = try r.optionalDouble("alpha", in: t, at: at, positive: true) ?? s.mixup.alpha
            }
        }
    }
}
