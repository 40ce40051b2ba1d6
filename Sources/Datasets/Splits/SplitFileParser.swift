import Foundation
import TOMLKit

/// Reads split files (format described in data-splits/README.md). Strict: an unknown key, a value of
/// the wrong type or a missing required key is an error naming the file and the key path, with the
/// nearest valid key for a misspelling. Content problems (overlaps, malformed ids, counts) are not
/// parse errors: they are left for `SplitAudit` so that a defective original can be transcribed as is.
/// What makes the file ambiguous is a parse error, though: a key that aliases another (`tr01` beside
/// `tr1`, a pool keyed like a labelled budget) or an empty list a run would read, since no run could
/// be what such a file says.
public enum SplitFileParser {
    public static let formatVersion = 1

    public static func read(_ path: String) throws -> SplitFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SplitFileError(path, "cannot read the split file (missing or unreadable)")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SplitFileError(path, "is not UTF-8 text")
        }
        return try parse(text, path: path, sha256: ContentHash.sha256(data))
    }

    /// `sha256` defaults to the digest of `text`'s UTF-8 bytes (what `read` computes from the file).
    public static func parse(_ text: String, path: String, sha256: String? = nil) throws -> SplitFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw SplitFileError(path, "line \(error.source.begin.line), column \(error.source.begin.column): "
                                 + "not valid TOML: \(error.description)")
        }
        let reader = TOMLReader(path: path)
        try reader.allowOnly(["format", "dataset", "source", "test", "pool", "benchmark", "labelled", "subjects"], in: root, at: "")

        let format = try reader.int("format", in: root, at: "")
        guard format == formatVersion else {
            throw SplitFileError(path, keyPath: "format", "is \(format); this harness reads format \(formatVersion)")
        }
        let file = SplitFile(
            path: path, sha256: sha256 ?? ContentHash.sha256(Data(text.utf8)),
            dataset: try reader.dataset(try reader.table("dataset", in: root, at: "")),
            source: try reader.optionalTable("source", in: root, at: "").map(reader.source),
            test: try reader.testSet(try reader.table("test", in: root, at: "")),
            pool: try reader.optionalTable("pool", in: root, at: "").map { try reader.keyed($0, at: "pool") },
            benchmark: try reader.optionalTable("benchmark", in: root, at: "").map { try reader.keyed($0, at: "benchmark") },
            labelled: try reader.labelled(try reader.table("labelled", in: root, at: "")),
            subjects: try reader.optionalTable("subjects", in: root, at: "").map(reader.subjects) ?? [])
        try checkRoleKeys(file)
        return file
    }

    /// The pool's and the benchmark's keys name their role only: neither may equal, or alias, a labelled
    /// key or each other. (The original resolved `train_data(key, comb)` by key, so a pool keyed `tr1`
    /// beside a labelled `tr1` would have trained `tr1 c1` on the pool.)
    static func checkRoleKeys(_ file: SplitFile) throws {
        let labelledKeys = orderedUnique(file.labelled.map(\.key))
        var named: [(role: String, key: String)] = []
        if let pool = file.pool { named.append(("pool", pool.key)) }
        if let b = file.benchmark { named.append(("benchmark", b.key)) }
        for (role, key) in named {
            if let clash = labelledKeys.first(where: { canonicalSplitKey($0) == canonicalSplitKey(key) }) {
                let how = clash == key ? "is also a labelled key" : "aliases the labelled key \(clash)"
                throw SplitFileError(file.path, keyPath: "\(role).key",
                                     "\"\(key)\" \(how) (labelled.\(clash)); the \(role) is its own role and its key must differ "
                                     + "from every labelled budget key (e.g. \(role == "pool" ? "pool\(file.pool!.ids.count)" : "trall"))")
            }
        }
        if named.count == 2, canonicalSplitKey(named[0].key) == canonicalSplitKey(named[1].key) {
            throw SplitFileError(file.path, keyPath: "benchmark.key",
                                 "\"\(named[1].key)\" \(named[0].key == named[1].key ? "is also" : "aliases") the pool's key \"\(named[0].key)\"; "
                                 + "the pool and the benchmark need different keys")
        }
    }
}

/// The split file's sections, read through the shared `TOMLReader`.
private extension TOMLReader {
    /// Id lists (and class names): an empty list only where a run reads it (`nonEmpty`), named then.
    func ids(_ key: String, in table: TOMLTable, at parent: String, nonEmpty: Bool = false) throws -> [String] {
        try strings(key, in: table, at: parent, ifEmpty: nonEmpty ? "is empty; a run needs at least one id here" : nil,
                    element: "a string (ids are quoted: \"002\")")
    }

    func dataset(_ t: (TOMLTable, String)) throws -> SplitDataset {
        let (table, at) = t
        try allowOnly(["name", "layout", "id_digits", "ids", "class_names", "class_labels"], in: table, at: at)
        let layoutName = try string("layout", in: table, at: at)
        let layouts = DatasetLayoutKind.allCases.map(\.rawValue)
        guard let layout = DatasetLayoutKind(rawValue: layoutName) else {
            throw SplitFileError(path, keyPath: join(at, "layout"),
                                 "unknown layout \"\(layoutName)\" (valid: \(layouts.joined(separator: ", ")))",
                                 suggestion: EditDistance.nearest(to: layoutName, among: layouts))
        }
        let digits = try int("id_digits", in: table, at: at)
        guard digits >= 1 else { throw SplitFileError(path, keyPath: join(at, "id_digits"), "must be at least 1, got \(digits)") }
        return SplitDataset(name: try string("name", in: table, at: at), layout: layout, idDigits: digits,
                            ids: try ids("ids", in: table, at: at, nonEmpty: true),
                            declaredClasses: try classes(table, at: at))
    }

    func source(_ t: (TOMLTable, String)) throws -> SplitSource {
        let (table, at) = t
        try allowOnly(["repository", "path", "commit", "notes"], in: table, at: at)
        return SplitSource(repository: try optionalString("repository", in: table, at: at),
                           path: try optionalString("path", in: table, at: at),
                           commit: try optionalString("commit", in: table, at: at),
                           notes: table["notes"] == nil ? [] : try ids("notes", in: table, at: at))
    }

    func testSet(_ t: (TOMLTable, String)) throws -> [String] {
        let (table, at) = t
        try allowOnly(["ids"], in: table, at: at)
        return try ids("ids", in: table, at: at, nonEmpty: true)
    }

    /// `[subjects]`: `name = ["003", "004"]`, each group at least two ids (a group of one says nothing).
    func subjects(_ t: (TOMLTable, String)) throws -> [SubjectGroup] {
        let (table, at) = t
        var owner: [String: String] = [:]
        return try table.keys.sorted().map { name in
            let members = try self.ids(name, in: table, at: at, nonEmpty: true)
            guard Set(members).count >= 2 else {
                throw SplitFileError(path, keyPath: join(at, name), "a subject group needs at least two different ids, found \(members.count == 1 ? "one" : "one id repeated")")
            }
            // A volume is cut from one subject: an id in two groups means the groups are one subject.
            for id in members {
                if let other = owner[id], other != name {
                    throw SplitFileError(path, keyPath: join(at, name), "\(id) is also in \(join(at, other)); a volume belongs to one subject (merge the groups)")
                }
                owner[id] = name
            }
            return SubjectGroup(name: name, ids: members)
        }
    }

    func keyed(_ t: (TOMLTable, String), at role: String) throws -> KeyedSplit {
        let (table, at) = t
        try allowOnly(["key", "ids", "validation"], in: table, at: at)
        let key = try string("key", in: table, at: at)
        // Any name (tr52, pool26, trall): the key labels the role in run keys and messages, and is never
        // looked up as a budget. It must be usable in a run key and a file name.
        guard let first = key.unicodeScalars.first, first.properties.isAlphabetic, first.isASCII,
              key.unicodeScalars.allSatisfy({ $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") })
        else {
            throw SplitFileError(path, keyPath: join(at, "key"), "\"\(key)\" is not a key name (letters, digits and '-', starting with a letter: tr52, pool26, trall)")
        }
        // The pool's own validation list is read by no run (pre-training selects nothing), so it may be
        // empty; the benchmark's selects its checkpoint.
        return KeyedSplit(key: key, ids: try ids("ids", in: table, at: at, nonEmpty: true),
                          validation: try ids("validation", in: table, at: at, nonEmpty: role == "benchmark"))
    }

    /// `[labelled.trN.cK]` tables, returned sorted by N then K (TOML table order is not meaningful).
    func labelled(_ t: (TOMLTable, String)) throws -> [LabelledSplit] {
        let (table, at) = t
        var sets: [LabelledSplit] = []
        for key in table.keys {
            let keyPath = join(at, key)
            guard let n = splitKeyCount(key) else {
                throw SplitFileError(path, keyPath: keyPath, "a labelled key must be tr<N> with N ≥ 1 labelled volumes (tr1, tr2, tr8)")
            }
            // One spelling per budget: "tr01" and "tr1" would be two keys for one budget.
            guard key == "tr\(n)" else {
                throw SplitFileError(path, keyPath: keyPath, "\"\(key)\" aliases tr\(n) (leading zero); write tr\(n)")
            }
            let (combTable, combAt) = try self.table(key, in: table, at: at)
            for comb in combTable.keys {
                guard let k = combinationNumber(comb) else {
                    throw SplitFileError(path, keyPath: join(combAt, comb), "a combination must be c<K> with K ≥ 1 (c1 … c5)")
                }
                guard comb == "c\(k)" else {
                    throw SplitFileError(path, keyPath: join(combAt, comb), "\"\(comb)\" aliases c\(k) (leading zero); write c\(k)")
                }
                let (setTable, setAt) = try self.table(comb, in: combTable, at: combAt)
                try allowOnly(["ids", "validation"], in: setTable, at: setAt)
                sets.append(LabelledSplit(key: key, combination: comb, ids: try ids("ids", in: setTable, at: setAt, nonEmpty: true),
                                          validation: try ids("validation", in: setTable, at: setAt, nonEmpty: true)))
            }
            if combTable.isEmpty { throw SplitFileError(path, keyPath: keyPath, "has no combinations (c1 …)") }
        }
        return sets.sorted {
            (splitKeyCount($0.key)!, combinationNumber($0.combination)!) < (splitKeyCount($1.key)!, combinationNumber($1.combination)!)
        }
    }

    func combinationNumber(_ comb: String) -> Int? {
        guard comb.hasPrefix("c"), comb.count > 1, comb.dropFirst().allSatisfy(\.isNumber), let n = Int(comb.dropFirst()), n >= 1
        else { return nil }
        return n
    }
}
