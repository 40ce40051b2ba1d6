/// The role-aware audit of a split file (anchors §3): overlaps between roles, exposure of validation
/// volumes to the pre-training pool, malformed, unknown, duplicate and missing ids, counts that
/// contradict key names, and ids that no role uses. Pure: the same file (and data directory) gives
/// the same findings in the same order.
public enum SplitAudit {
    /// Findings sorted by severity, then by kind (`FindingKind` order), then ids in file order.
    /// `dataRoot`: when given, every id must have its files there by the file's `dataset.layout`.
    public static func audit(_ file: SplitFile, dataRoot: String? = nil) -> [SplitFinding] {
        let checks = Checks(file: file)
        var findings = checks.overlaps() + checks.exposure() + checks.subjects() + checks.idForms() + checks.counts()
            + checks.coverage() + checks.sourceNotes()
        if let dataRoot { findings += checks.onDisk(root: dataRoot) }
        // Stable sort: within a kind the emission order (file order of ids and lists) is kept.
        let kindRank = Dictionary(uniqueKeysWithValues: FindingKind.allCases.enumerated().map { ($1, $0) })
        return findings.enumerated().sorted {
            ($0.element.severity.rank, kindRank[$0.element.kind]!, $0.offset)
                < ($1.element.severity.rank, kindRank[$1.element.kind]!, $1.offset)
        }.map(\.element)
    }
}

private struct Checks {
    let file: SplitFile
    let lists: [(name: String, ids: [String])]
    /// Key paths of the lists containing each id, in file order.
    let listsByID: [String: [String]]

    init(file: SplitFile) {
        self.file = file
        lists = file.namedLists
        var by: [String: [String]] = [:]
        for (name, ids) in lists {
            for id in orderedUnique(ids) { by[id, default: []].append(name) }
        }
        listsByID = by
    }

    /// Every id used by any list, in first-appearance order.
    var usedIDs: [String] { orderedUnique(lists.flatMap(\.ids)) }

    func role(_ list: String) -> String {
        let parts = list.split(separator: ".").map(String.init)
        switch parts.first {
        case "test": return "the test set"
        case "pool": return parts.last == "validation" ? "the validation list of pool \(file.pool!.key)" : "pre-training pool \(file.pool!.key)"
        case "benchmark":
            return parts.last == "validation" ? "the validation list of benchmark \(file.benchmark!.key)" : "benchmark \(file.benchmark!.key)"
        default: return parts.last == "validation" ? "\(parts[1]) \(parts[2]) validation" : "\(parts[1]) \(parts[2])"
        }
    }

    /// The role a validation list belongs to: "tr1 c2", "benchmark trall".
    func owner(_ validationList: String) -> String {
        let parts = validationList.split(separator: ".").map(String.init)
        switch parts.first {
        case "pool": return "pool \(file.pool!.key)"
        case "benchmark": return "benchmark \(file.benchmark!.key)"
        default: return "\(parts[1]) \(parts[2])"
        }
    }

    func phrase(_ items: [String]) -> String {
        items.count <= 1 ? items.joined() : items.dropLast().joined(separator: ", ") + " and " + items.last!
    }

    func intersection(_ a: [String], _ b: [String]) -> [String] {
        let bs = Set(b)
        return orderedUnique(a.filter { bs.contains($0) })
    }

    // MARK: overlaps between roles (errors) and pool exposure (warnings)

    func overlaps() -> [SplitFinding] {
        var out: [SplitFinding] = []
        for id in orderedUnique(file.test) {
            let others = listsByID[id, default: []].filter { $0 != "test.ids" }
            if others.isEmpty { continue }
            out.append(SplitFinding(.error, .testOverlap, ids: [id], lists: ["test.ids"] + others,
                                    "test id \(id) is also in \(phrase(others.map(role)))"))
        }
        for set in file.labelled {
            let common = intersection(set.ids, set.validation)
            if common.isEmpty { continue }
            let base = "labelled.\(set.key).\(set.combination)"
            out.append(SplitFinding(.error, .labelledValidationOverlap, ids: common, lists: ["\(base).ids", "\(base).validation"],
                                    "\(set.key) \(set.combination) trains on \(phrase(common)), also in its own validation list"))
        }
        if let b = file.benchmark {
            let common = intersection(b.ids, b.validation)
            if !common.isEmpty {
                out.append(SplitFinding(.error, .benchmarkValidationOverlap, ids: common,
                                        lists: ["benchmark.ids", "benchmark.validation"],
                                        "benchmark \(b.key) trains on \(phrase(common)), also in its own validation list \(b.validation.joined(separator: ", ")) (train/validation leak in the upper bound)"))
            }
        }
        return out
    }

    func exposure() -> [SplitFinding] {
        guard let pool = file.pool else { return [] }
        var out: [SplitFinding] = []
        let own = intersection(pool.ids, pool.validation)
        if !own.isEmpty {
            out.append(SplitFinding(.warning, .poolValidationOverlap, ids: own, lists: ["pool.ids", "pool.validation"],
                                    "pre-training pool \(pool.key) contains \(own.count) of its own validation ids: \(own.joined(separator: ", "))"))
        }
        let poolIDs = Set(pool.ids)
        let validationLists = lists.map(\.name).filter { $0.hasSuffix(".validation") && $0 != "pool.validation" }
        for id in usedIDs where poolIDs.contains(id) {
            let asValidation = listsByID[id, default: []].filter { validationLists.contains($0) }
            if asValidation.isEmpty { continue }
            out.append(SplitFinding(.warning, .validationInPool, ids: [id], lists: ["pool.ids"] + asValidation,
                                    "\(id), a validation volume of \(phrase(asValidation.map(owner))), is in the unlabelled pre-training pool \(pool.key): model selection on a volume seen in pre-training"))
        }
        return out
    }

    // MARK: subjects: one subject's volumes in conflicting roles

    /// How much it matters that lists `a` and `b` hold volumes of one subject: the severity the same id
    /// in both would get (`overlaps`, `exposure`), nil when the two lists may share a subject (two
    /// labelled sets, a labelled set and the pool).
    func conflict(_ a: String, _ b: String) -> FindingSeverity? {
        if a == b { return nil }
        if a == "test.ids" || b == "test.ids" { return .error }
        let pa = a.split(separator: "."), pb = b.split(separator: ".")
        let sameOwner = pa.dropLast() == pb.dropLast()
        if sameOwner && pa.first != "pool" { return .error }  // a training set and its own validation list
        if (a == "pool.ids" && b.hasSuffix(".validation")) || (b == "pool.ids" && a.hasSuffix(".validation")) { return .warning }
        return nil
    }

    func subjects() -> [SplitFinding] {
        var out: [SplitFinding] = []
        let names = lists.map(\.name)
        for group in file.subjects {
            let members = orderedUnique(group.ids)
            for (i, a) in names.enumerated() {
                for b in names[(i + 1)...] {
                    guard let severity = conflict(a, b) else { continue }
                    let inA = members.filter { listsByID[$0, default: []].contains(a) }
                    let inB = members.filter { listsByID[$0, default: []].contains(b) }
                    // Pairs of *different* ids only: one id in both lists is already an overlap finding.
                    guard inA.contains(where: { x in inB.contains { $0 != x } }) else { continue }
                    let ids = orderedUnique(inA + inB)
                    out.append(SplitFinding(severity, .subjectAcrossRoles, ids: ids, lists: [a, b, "subjects.\(group.name)"],
                                            "subject \(group.name) is split across roles: \(phrase(inA)) in \(role(a)), \(phrase(inB)) in \(role(b)) "
                                            + "(volumes of one subject; \(severity == .error ? "a leak" : "exposure") as if one volume were in both)"))
                }
            }
        }
        return out
    }

    // MARK: the ids themselves

    func idForms() -> [SplitFinding] {
        var out: [SplitFinding] = []
        let allLists = [("dataset.ids", file.dataset.ids)] + lists
        for (name, ids) in allLists {
            var counts: [String: Int] = [:]
            for id in ids { counts[id, default: 0] += 1 }
            for id in orderedUnique(ids) where counts[id]! > 1 {
                out.append(SplitFinding(.error, .duplicateID, ids: [id], lists: [name], "\(id) appears \(counts[id]!) times in \(name)"))
            }
        }
        let digits = file.dataset.idDigits
        let known = Set(file.dataset.ids)
        for id in orderedUnique(file.dataset.ids + usedIDs) where !file.dataset.isWellFormed(id) {
            let inLists = (file.dataset.ids.contains(id) ? ["dataset.ids"] : []) + listsByID[id, default: []]
            var message = "\"\(id)\" is not a \(digits)-digit id of \(file.dataset.name)"
            if id.count > digits, id.count % digits == 0, id.allSatisfy(\.isNumber) {
                let parts = stride(from: 0, to: id.count, by: digits).map {
                    String(id.dropFirst($0).prefix(digits))
                }
                message += ": it reads as \(parts.count) ids run together (\(parts.joined(separator: ", "))), as a missing comma between string literals does in Python"
                let absent = parts.filter { part in !(listsByID[part] ?? []).contains { inLists.contains($0) } }
                if !absent.isEmpty { message += "; \(phrase(absent)) \(absent.count == 1 ? "is" : "are") thereby missing from \(phrase(inLists))" }
            }
            out.append(SplitFinding(.error, .malformedID, ids: [id], lists: inLists, message))
        }
        for id in usedIDs where file.dataset.isWellFormed(id) && !known.contains(id) {
            let inLists = listsByID[id, default: []]
            out.append(SplitFinding(.error, .unknownID, ids: [id], lists: inLists,
                                    "\(id) (in \(phrase(inLists))) is not one of the \(file.dataset.ids.count) ids in dataset.ids"))
        }
        for group in file.subjects {
            for id in orderedUnique(group.ids) where !known.contains(id) {
                out.append(SplitFinding(.error, .unknownID, ids: [id], lists: ["subjects.\(group.name)"],
                                        "\(id) (in subjects.\(group.name)) is not one of the \(file.dataset.ids.count) ids in dataset.ids"))
            }
        }
        return out
    }

    func counts() -> [SplitFinding] {
        var out: [SplitFinding] = []
        func check(_ key: String, _ ids: [String], _ list: String, _ what: String) {
            guard let n = splitKeyCount(key), n != ids.count else { return }
            out.append(SplitFinding(.warning, .countMismatch, ids: [], lists: [list],
                                    "\(what) key \(key) names \(n) volume\(n == 1 ? "" : "s") but \(list) has \(ids.count)"))
        }
        if let pool = file.pool { check(pool.key, pool.ids, "pool.ids", "pool") }
        if let b = file.benchmark { check(b.key, b.ids, "benchmark.ids", "benchmark") }
        for set in file.labelled { check(set.key, set.ids, "labelled.\(set.key).\(set.combination).ids", "labelled") }
        return out
    }

    // MARK: coverage

    func coverage() -> [SplitFinding] {
        var out: [SplitFinding] = []
        if let pool = file.pool {
            let poolIDs = Set(pool.ids)
            let labelledIDs = orderedUnique(file.labelled.flatMap(\.ids))
            for id in labelledIDs.sorted() where !poolIDs.contains(id) {
                let inLists = listsByID[id, default: []].filter { $0.hasPrefix("labelled.") && $0.hasSuffix(".ids") }
                out.append(SplitFinding(.info, .labelledOutsidePool, ids: [id], lists: inLists,
                                        "labelled id \(id) (\(phrase(inLists.map(role)))) is not in pre-training pool \(pool.key)"))
            }
        }
        // With a benchmark, the full-data split is benchmark + its validation + test: an id outside all
        // three is excluded from the upper bound without a stated reason. Without one, an id no list uses.
        let covered: Set<String>
        let scope: String
        if let b = file.benchmark {
            covered = Set(file.test + b.ids + b.validation)
            scope = "neither in the test set, nor in benchmark \(b.key), nor in its validation list"
        } else {
            covered = Set(usedIDs)
            scope = "in no list of the file"
        }
        for id in file.dataset.ids where !covered.contains(id) {
            let elsewhere = listsByID[id, default: []]
            let note = elsewhere.isEmpty ? "" : " (it is only in \(phrase(elsewhere.map(role))))"
            out.append(SplitFinding(.info, .noRole, ids: [id], lists: elsewhere,
                                    "dataset id \(id) is \(scope)\(note)"))
        }
        return out
    }

    func sourceNotes() -> [SplitFinding] {
        (file.source?.notes ?? []).map {
            SplitFinding(.info, .sourceNote, ids: [], lists: ["source.notes"], "recorded in the file (not checked): \($0)")
        }
    }

    // MARK: data on disk

    func onDisk(root: String) -> [SplitFinding] {
        let dataset: Dataset
        do {
            dataset = try Dataset(kind: file.dataset.layout, root: root)
        } catch {
            return [SplitFinding(.error, .missingOnDisk, ids: [], lists: [], "\(error)")]
        }
        var out: [SplitFinding] = []
        for id in orderedUnique(file.dataset.ids + usedIDs) where file.dataset.isWellFormed(id) {
            do {
                _ = try dataset.files(for: id)
            } catch {
                let inLists = (file.dataset.ids.contains(id) ? ["dataset.ids"] : []) + listsByID[id, default: []]
                out.append(SplitFinding(.error, .missingOnDisk, ids: [id], lists: inLists,
                                        "\(id) has no files by the \(file.dataset.layout.rawValue) layout: \(error)"))
            }
        }
        return out
    }
}
