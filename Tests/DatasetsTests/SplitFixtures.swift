import Foundation
@testable import Datasets

/// The repository's data-splits/ directory, found from this source file (tests run from any cwd).
enum SplitFiles {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("data-splits")

    static func path(_ name: String) -> String { directory.appendingPathComponent(name).path }
}

/// A small inline split file, clean by construction; each test changes one thing.
/// Dataset 001…010; test 009, 010; pool tr4 = 001…004 (validation 005); benchmark trall = 001…006
/// (validation 007, 008); tr1 c1 = 001 and tr2 c1 = 002, 003, both validated on 007, 008.
struct SplitFixture {
    var layout = "acdc"
    var digits = 3
    var ids = (1...10).map { String(format: "%03d", $0) }
    var test = ["009", "010"]
    var pool: (key: String, ids: [String], validation: [String])? = ("tr4", ["001", "002", "003", "004"], ["005"])
    var benchmark: (key: String, ids: [String], validation: [String])? = ("trall", ["001", "002", "003", "004", "005", "006"], ["007", "008"])
    var labelled: [(key: String, comb: String, ids: [String], validation: [String])] = [
        ("tr1", "c1", ["001"], ["007", "008"]),
        ("tr2", "c1", ["002", "003"], ["007", "008"]),
    ]
    var notes: [String] = []
    var subjects: [(name: String, ids: [String])] = []

    func list(_ ids: [String]) -> String { "[" + ids.map { "\"\($0)\"" }.joined(separator: ", ") + "]" }

    var toml: String {
        var s = """
        format = 1

        [dataset]
        name = "fixture"
        layout = "\(layout)"
        id_digits = \(digits)
        ids = \(list(ids))

        [test]
        ids = \(list(test))

        """
        if !notes.isEmpty { s += "[source]\nnotes = \(list(notes))\n\n" }
        if let pool { s += "[pool]\nkey = \"\(pool.key)\"\nids = \(list(pool.ids))\nvalidation = \(list(pool.validation))\n\n" }
        if let b = benchmark { s += "[benchmark]\nkey = \"\(b.key)\"\nids = \(list(b.ids))\nvalidation = \(list(b.validation))\n\n" }
        for l in labelled { s += "[labelled.\(l.key).\(l.comb)]\nids = \(list(l.ids))\nvalidation = \(list(l.validation))\n\n" }
        if !subjects.isEmpty { s += "[subjects]\n" + subjects.map { "\($0.name) = \(list($0.ids))\n" }.joined() }
        return s
    }

    func file() throws -> SplitFile { try SplitFileParser.parse(toml, path: "fixture.toml") }

    func findings(dataRoot: String? = nil) throws -> [SplitFinding] { SplitAudit.audit(try file(), dataRoot: dataRoot) }
}

/// A finding without its message: what the exact-list comparisons check.
struct FindingKey: Equatable, CustomStringConvertible {
    var severity: FindingSeverity
    var kind: FindingKind
    var ids: [String]
    var lists: [String]

    init(_ severity: FindingSeverity, _ kind: FindingKind, _ ids: [String], _ lists: [String]) {
        self.severity = severity
        self.kind = kind
        self.ids = ids
        self.lists = lists
    }

    init(_ f: SplitFinding) { self.init(f.severity, f.kind, f.ids, f.lists) }

    var description: String { "\(severity) \(kind.rawValue) \(ids) \(lists)" }
}

