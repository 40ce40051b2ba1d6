/// A data_cfg-style split file (method-spec §1.3) as typed roles. Ids are strings, as written in
/// the file ("002", "1003"): never integers, so that "002" and "2" stay different and a malformed
/// id such as "000001" survives parsing for the audit to name.
///
/// Roles, each with the list names used in findings (the TOML key paths):
/// - labelled sets `labelled.<key>.<comb>.ids`, keyed by budget (`tr1`, `tr2`, `tr8`) × combination
///   (`c1`…`c5`), each with its own model-selection list `labelled.<key>.<comb>.validation`;
/// - the unlabelled pre-training pool `pool.ids` (key `tr52`, `pool26`, …) and `pool.validation`;
/// - the benchmark (upper bound) `benchmark.ids` (key `trall`) and `benchmark.validation`;
/// - the fixed test set `test.ids`;
/// - optionally, subject groups `subjects.<name>`: ids cut from one subject, which must not be split
///   across roles (the audit reports it).
///
/// Roles are looked up by role, never by key: a budget key names a labelled set and nothing else, so
/// a pool keyed like a budget can never be trained on as one (the parser refuses such keys anyway).
public struct SplitFile: Sendable, Equatable {
    /// Where the file was read from (for messages), and the SHA-256 of its bytes (for provenance).
    public var path: String
    public var sha256: String

    public var dataset: SplitDataset
    public var source: SplitSource?
    public var test: [String]
    public var pool: KeyedSplit?
    public var benchmark: KeyedSplit?
    /// Sorted by budget (numerically: tr1 < tr2 < tr8 < tr52), then combination (c1 < c2 …).
    public var labelled: [LabelledSplit]
    /// Sorted by name.
    public var subjects: [SubjectGroup]

    public init(path: String, sha256: String, dataset: SplitDataset, source: SplitSource?, test: [String],
                pool: KeyedSplit?, benchmark: KeyedSplit?, labelled: [LabelledSplit], subjects: [SubjectGroup] = []) {
        self.path = path
        self.sha256 = sha256
        self.dataset = dataset
        self.source = source
        self.test = test
        self.pool = pool
        self.benchmark = benchmark
        self.labelled = labelled
        self.subjects = subjects
    }
}

/// Volumes cut from one subject (two scans of one patient, two frames, a left and a right half): a
/// model trained on one of them has seen the others, so they belong to one role.
public struct SubjectGroup: Sendable, Equatable {
    public var name: String
    public var ids: [String]

    public init(name: String, ids: [String]) {
        self.name = name
        self.ids = ids
    }
}

/// The dataset the ids refer to: every case it has, how an id is written, where its files live.
public struct SplitDataset: Sendable, Equatable {
    public var name: String
    /// The id → path rule used by `--data` (ACDC: `patientNNN/`; Prostate MSD: `imagesTr/prostate_NN.nii.gz`;
    /// MMWHS: `mr_train_NNNN_image.nii.gz`).
    public var layout: DatasetLayoutKind
    /// Every id is exactly this many decimal digits ("001": 3, "1001": 4).
    public var idDigits: Int
    /// Every case of the dataset, in file order.
    public var ids: [String]
    /// The classes declared by `class_names` / `class_labels`; nil: the layout's (spec §1.2).
    public var declaredClasses: ClassSet?

    public init(name: String, layout: DatasetLayoutKind, idDigits: Int, ids: [String], declaredClasses: ClassSet? = nil) {
        self.name = name
        self.layout = layout
        self.idDigits = idDigits
        self.ids = ids
        self.declaredClasses = declaredClasses
    }

    /// The classes runs on this dataset use: the declared ones, else the layout's.
    public var classes: ClassSet { declaredClasses ?? .layoutDefault(layout) }

    /// Whether `id` has the dataset's form: `idDigits` ASCII digits.
    public func isWellFormed(_ id: String) -> Bool {
        id.utf8.count == idDigits && id.utf8.allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}

/// Where a transcribed file came from, and defects of the source that the lists cannot show.
public struct SplitSource: Sendable, Equatable {
    public var repository: String?
    public var path: String?
    public var commit: String?
    public var notes: [String]

    public init(repository: String?, path: String?, commit: String?, notes: [String]) {
        self.repository = repository
        self.path = path
        self.commit = commit
        self.notes = notes
    }
}

/// A role that has one key and one validation list: the pre-training pool or the benchmark.
public struct KeyedSplit: Sendable, Equatable {
    public var key: String
    public var ids: [String]
    public var validation: [String]

    public init(key: String, ids: [String], validation: [String]) {
        self.key = key
        self.ids = ids
        self.validation = validation
    }
}

/// One labelled fine-tuning set: budget key × combination, with its model-selection list.
public struct LabelledSplit: Sendable, Equatable {
    public var key: String
    public var combination: String
    public var ids: [String]
    public var validation: [String]

    public init(key: String, combination: String, ids: [String], validation: [String]) {
        self.key = key
        self.combination = combination
        self.ids = ids
        self.validation = validation
    }

    /// (training ids, validation ids).
    public var pair: ([String], [String]) { (ids, validation) }
}

/// The budget a key names: "tr22" → 22; nil for keys without one ("trall").
public func splitKeyCount(_ key: String) -> Int? {
    guard key.hasPrefix("tr"), let n = Int(key.dropFirst(2)), n > 0, key.dropFirst(2).allSatisfy(\.isNumber) else {
        return nil
    }
    return n
}

extension SplitFile {
    /// Every list of the file with its key path, in file order: the names findings use.
    public var namedLists: [(name: String, ids: [String])] {
        var lists: [(String, [String])] = [("test.ids", test)]
        if let pool {
            lists.append(("pool.ids", pool.ids))
            lists.append(("pool.validation", pool.validation))
        }
        if let benchmark {
            lists.append(("benchmark.ids", benchmark.ids))
            lists.append(("benchmark.validation", benchmark.validation))
        }
        for set in labelled {
            lists.append(("labelled.\(set.key).\(set.combination).ids", set.ids))
            lists.append(("labelled.\(set.key).\(set.combination).validation", set.validation))
        }
        return lists
    }

    /// The labelled set of a budget key and combination, as the original's `train_data(key, comb)` and
    /// `val_data(key, comb)` for labelled keys. Only labelled keys are looked up: the pool and the
    /// benchmark are their own roles (`pool`, `benchmark`), so the pool's key, whatever it is, never
    /// resolves to a training set here. An unknown key or combination is an error naming the nearest
    /// valid one (the original's `val_data` raised `UnboundLocalError` instead).
    public func labelledSet(key: String, combination: String) throws -> LabelledSplit {
        let keys = orderedUnique(labelled.map(\.key))
        guard keys.contains(key) else {
            var problem = "is not a labelled key of this split file (labelled keys: \(keys.joined(separator: ", ")))"
            if key == pool?.key { problem += "; it is the pre-training pool's key, and the pool is not a labelled budget" }
            if key == benchmark?.key { problem += "; it is the benchmark's key (use the benchmark method)" }
            throw SplitFileError(path, keyPath: key, problem, suggestion: EditDistance.nearest(to: key, among: keys))
        }
        let combinations = labelled.filter { $0.key == key }.map(\.combination)
        guard let set = labelled.first(where: { $0.key == key && $0.combination == combination }) else {
            throw SplitFileError(path, keyPath: "\(key).\(combination)",
                                 "is not a combination of \(key) (combinations: \(combinations.joined(separator: ", ")))",
                                 suggestion: EditDistance.nearest(to: combination, among: combinations))
        }
        return set
    }
}

func orderedUnique(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}

/// The form two spellings of one key share: lower case, and a trailing number without leading zeros
/// ("tr01", "TR1" and "tr1" → "tr1"; "c01" → "c1"). Two keys with one canonical form alias each other.
public func canonicalSplitKey(_ key: String) -> String {
    let lower = key.lowercased()
    let digits = lower.reversed().prefix { $0.isASCII && $0.isNumber }.count
    guard digits > 0 else { return lower }
    let stem = lower.dropLast(digits)
    let number = lower.suffix(digits).drop { $0 == "0" }
    return stem + (number.isEmpty ? "0" : String(number))
}
