import Foundation
import Testing
@testable import Datasets

@Suite("Split files: parsing and run-key lookup")
struct SplitFileTests {
    @Test("acdc.toml: every role with the counts of method-spec §1.3, sets ordered by budget then combination")
    func acdcRoles() throws {
        let f = try SplitFileParser.read(SplitFiles.path("acdc.toml"))
        #expect(f.dataset.name == "ACDC")
        #expect(f.dataset.layout == .acdc)
        #expect(f.dataset.ids == (1...100).map { String(format: "%03d", $0) })
        #expect(f.test.count == 20)
        #expect(f.pool?.key == "tr52")
        #expect(f.pool?.ids.count == 52)
        #expect(f.pool?.validation == ["013", "014", "033", "034", "053", "054", "073", "074", "093", "094"])
        #expect(f.benchmark?.key == "trall")
        #expect(f.benchmark?.ids.count == 78)
        #expect(f.benchmark?.validation == ["011", "071"])
        #expect(f.labelled.map { "\($0.key).\($0.combination)" } == [
            "tr1.c1", "tr1.c2", "tr1.c3", "tr1.c4", "tr1.c5", "tr2.c1", "tr2.c2", "tr2.c3", "tr2.c4", "tr2.c5",
            "tr8.c1", "tr8.c2", "tr8.c3",
        ])
        #expect(try f.labelledSet(key: "tr8", combination: "c2").ids == ["002", "022", "042", "062", "095", "063", "094", "043"])
        #expect(try f.labelledSet(key: "tr8", combination: "c2").validation == ["031", "072"])
        // The pool and the benchmark are roles, not budgets: their keys do not resolve to a labelled set.
        #expect(throws: SplitFileError.self) { try f.labelledSet(key: "tr52", combination: "c1") }
        #expect(throws: SplitFileError.self) { try f.labelledSet(key: "trall", combination: "c1") }
        #expect(f.source?.commit == "e5aae80")
        #expect(f.sha256 == (try ContentHash.sha256(fileAt: SplitFiles.path("acdc.toml"))))
    }

    @Test("prostate.toml keeps the original's malformed id and 17-id tr22; mmwhs.toml has no benchmark")
    func prostateAndMMWHS() throws {
        let p = try SplitFileParser.read(SplitFiles.path("prostate.toml"))
        #expect(p.benchmark?.ids.first == "000001")
        #expect(p.benchmark?.ids.count == 14)
        #expect(p.pool?.key == "tr22")
        #expect(p.pool?.ids.count == 17)
        #expect(Set(p.pool!.ids + p.test) == Set(p.dataset.ids))
        #expect(p.dataset.ids.count == 32)
        let m = try SplitFileParser.read(SplitFiles.path("mmwhs.toml"))
        #expect(m.benchmark == nil)
        #expect(m.dataset.idDigits == 4)
        #expect(m.labelled.count == 12)
        #expect(m.test == (1011...1020).map(String.init))
    }

    @Test("an unknown run key or combination names the nearest valid one")
    func unknownRunKey() throws {
        let f = try SplitFileParser.read(SplitFiles.path("mmwhs.toml"))
        #expect(throws: SplitFileError(f.path, keyPath: "tr20", "is not a labelled key of this split file (labelled keys: tr1, tr2, tr8)", suggestion: "tr2")) {
            try f.labelledSet(key: "tr20", combination: "c1")
        }
        #expect(throws: SplitFileError(f.path, keyPath: "tr2.c5", "is not a combination of tr2 (combinations: c1, c2, c3, c4)", suggestion: "c1")) {
            try f.labelledSet(key: "tr2", combination: "c5")
        }
        #expect(throws: SplitFileError(f.path, keyPath: "tr10",
                                       "is not a labelled key of this split file (labelled keys: tr1, tr2, tr8); it is the pre-training pool's key, and the pool is not a labelled budget",
                                       suggestion: "tr1")) {
            try f.labelledSet(key: "tr10", combination: "c1")
        }
    }

    @Test("an unknown key names file, key path and nearest valid key")
    func unknownKeys() throws {
        var fixture = SplitFixture()
        let cases: [(String, String, String)] = [
            // (text replaced, by, expected description)
            ("[benchmark]", "[benchmarks]",
             "fixture.toml: benchmarks: unknown key (valid here: format, dataset, source, test, pool, benchmark, labelled, subjects); did you mean \"benchmark\"?"),
            ("[labelled.tr1.c1]\nids = [\"001\"]\nvalidation", "[labelled.tr1.c1]\nids = [\"001\"]\nvalidaton",
             "fixture.toml: labelled.tr1.c1.validaton: unknown key (valid here: ids, validation); did you mean \"labelled.tr1.c1.validation\"?"),
            ("id_digits", "id_digit",
             "fixture.toml: dataset.id_digit: unknown key (valid here: name, layout, id_digits, ids, class_names, class_labels); did you mean \"dataset.id_digits\"?"),
            ("layout = \"acdc\"", "layout = \"acdc\"\nzzzzzzzz = 1",
             "fixture.toml: dataset.zzzzzzzz: unknown key (valid here: name, layout, id_digits, ids, class_names, class_labels)"),
            ("layout = \"acdc\"", "layout = \"prostat\"",
             "fixture.toml: dataset.layout: unknown layout \"prostat\" (valid: acdc, prostate, mmwhs); did you mean \"prostate\"?"),
            ("[labelled.tr1.c1]", "[labelled.t1.c1]",
             "fixture.toml: labelled.t1: a labelled key must be tr<N> with N ≥ 1 labelled volumes (tr1, tr2, tr8)"),
            ("[labelled.tr1.c1]", "[labelled.tr1.k1]",
             "fixture.toml: labelled.tr1.k1: a combination must be c<K> with K ≥ 1 (c1 … c5)"),
        ]
        for (old, new, expected) in cases {
            fixture.notes = []
            let text = fixture.toml.replacingOccurrences(of: old, with: new)
            #expect(text != fixture.toml, "fixture text for \(new) not applied")
            let error = #expect(throws: SplitFileError.self) { try SplitFileParser.parse(text, path: "fixture.toml") }
            #expect(error?.description == expected)
        }
        fixture = SplitFixture()
    }

    @Test("a wrong type or a missing key names the key path and the expected type")
    func wrongTypes() throws {
        let base = SplitFixture().toml
        let cases: [(String, String, String)] = [
            ("[test]\nids = [\"009\", \"010\"]", "[test]\nids = [\"009\", 10]",
             "fixture.toml: test.ids[1]: must be a string (ids are quoted: \"002\"), found an integer"),
            ("[test]\nids = [\"009\", \"010\"]", "[test]\nids = \"009\"",
             "fixture.toml: test.ids: must be an array of strings, found a string"),
            ("format = 1", "format = \"1\"", "fixture.toml: format: must be an integer, found a string"),
            ("format = 1", "format = 2", "fixture.toml: format: is 2; this harness reads format 1"),
            ("id_digits = 3", "id_digits = 3.0", "fixture.toml: dataset.id_digits: must be an integer, found a floating-point number"),
            ("format = 1\n", "format = 1\nsource = 3\n", "fixture.toml: source: must be a table, found an integer"),
            ("[test]\nids = [\"009\", \"010\"]", "[test]", "fixture.toml: test.ids: missing required key"),
            ("key = \"tr4\"", "key = \"pool 4\"",
             "fixture.toml: pool.key: \"pool 4\" is not a key name (letters, digits and '-', starting with a letter: tr52, pool26, trall)"),
        ]
        for (old, new, expected) in cases {
            let text = base.replacingOccurrences(of: old, with: new)
            #expect(text != base, "fixture text for \(new) not applied")
            let error = #expect(throws: SplitFileError.self) { try SplitFileParser.parse(text, path: "fixture.toml") }
            #expect(error?.description == expected)
        }
        let noTest = base.replacingOccurrences(of: "[test]\nids = [\"009\", \"010\"]\n", with: "")
        let error = #expect(throws: SplitFileError.self) { try SplitFileParser.parse(noTest, path: "fixture.toml") }
        #expect(error?.description == "fixture.toml: test: missing required key")
    }

    @Test("a missing file and invalid TOML are errors naming the file")
    func unreadable() throws {
        let missing = "/nonexistent/split.toml"
        #expect(throws: SplitFileError(missing, "cannot read the split file (missing or unreadable)")) {
            try SplitFileParser.read(missing)
        }
        let error = #expect(throws: SplitFileError.self) {
            try SplitFileParser.parse("format = 1\nids = [\"001\" \"002\"]\n", path: "bad.toml")
        }
        #expect(error?.description.hasPrefix("bad.toml: line 2, column ") == true)
        #expect(error?.description.contains("not valid TOML") == true)
    }

    @Test("the fixture parses clean; its SHA-256 is that of its UTF-8 bytes")
    func fixtureParses() throws {
        let fixture = SplitFixture()
        let f = try fixture.file()
        #expect(f.sha256 == ContentHash.sha256(Data(fixture.toml.utf8)))
        #expect(f.labelled.count == 2)
        #expect(SplitAudit.audit(f).isEmpty)
    }

    @Test("edit distance: hand-computed cases; no suggestion when nothing is close")
    func editDistance() {
        #expect(EditDistance.distance("kitten", "sitting") == 3)
        #expect(EditDistance.distance("", "abc") == 3)
        #expect(EditDistance.distance("validaton", "validation") == 1)
        #expect(EditDistance.distance("tr22", "tr2") == 1)
        #expect(EditDistance.nearest(to: "benchmarks", among: ["pool", "benchmark"]) == "benchmark")
        #expect(EditDistance.nearest(to: "xyz", among: ["pool", "benchmark"]) == nil)
        // Ties go to the earlier candidate.
        #expect(EditDistance.nearest(to: "tr3", among: ["tr1", "tr2"]) == "tr1")
    }

    @Test("run-key counts: tr22 → 22, trall → nil")
    func keyCounts() {
        #expect(splitKeyCount("tr22") == 22)
        #expect(splitKeyCount("tr1") == 1)
        #expect(splitKeyCount("trall") == nil)
        #expect(splitKeyCount("tr0") == nil)
        #expect(splitKeyCount("tr-1") == nil)
    }

    // Issue 15 item 1: roles and keys that cannot alias.

    @Test("a pool keyed like a labelled budget, or aliasing one, is an error naming file and key")
    func poolKeyAliasesBudget() throws {
        let cases: [(pool: String, benchmark: String, expected: String)] = [
            ("tr1", "trall", "fixture.toml: pool.key: \"tr1\" is also a labelled key (labelled.tr1); the pool is its own role and its key must differ from every labelled budget key (e.g. pool4)"),
            ("tr01", "trall", "fixture.toml: pool.key: \"tr01\" aliases the labelled key tr1 (labelled.tr1); the pool is its own role and its key must differ from every labelled budget key (e.g. pool4)"),
            ("TR2", "trall", "fixture.toml: pool.key: \"TR2\" aliases the labelled key tr2 (labelled.tr2); the pool is its own role and its key must differ from every labelled budget key (e.g. pool4)"),
            ("pool4", "tr2", "fixture.toml: benchmark.key: \"tr2\" is also a labelled key (labelled.tr2); the benchmark is its own role and its key must differ from every labelled budget key (e.g. trall)"),
            ("pool4", "pool04", "fixture.toml: benchmark.key: \"pool04\" aliases the pool's key \"pool4\"; the pool and the benchmark need different keys"),
        ]
        for c in cases {
            var fixture = SplitFixture()
            fixture.pool!.key = c.pool
            fixture.benchmark!.key = c.benchmark
            let error = #expect(throws: SplitFileError.self) { try fixture.file() }
            #expect(error?.description == c.expected)
        }
        // Any other name is fine, and never resolves as a budget.
        var fixture = SplitFixture()
        fixture.pool!.key = "pool26"
        let f = try fixture.file()
        #expect(f.pool?.key == "pool26")
        #expect(throws: SplitFileError.self) { try f.labelledSet(key: "pool26", combination: "c1") }
        #expect(try f.labelledSet(key: "tr1", combination: "c1").ids == ["001"])
    }

    @Test("tr01 beside tr1, c01 beside c1 and empty lists are errors naming file and key")
    func aliasesAndEmptyLists() throws {
        let cases: [(edit: (inout SplitFixture) -> Void, expected: String)] = [
            ({ $0.labelled.append(("tr01", "c1", ["004"], ["007"])) },
             "fixture.toml: labelled.tr01: \"tr01\" aliases tr1 (leading zero); write tr1"),
            ({ $0.labelled.append(("tr1", "c01", ["004"], ["007"])) },
             "fixture.toml: labelled.tr1.c01: \"c01\" aliases c1 (leading zero); write c1"),
            ({ $0.labelled[0].ids = [] }, "fixture.toml: labelled.tr1.c1.ids: is empty; a run needs at least one id here"),
            ({ $0.labelled[1].validation = [] }, "fixture.toml: labelled.tr2.c1.validation: is empty; a run needs at least one id here"),
            ({ $0.test = [] }, "fixture.toml: test.ids: is empty; a run needs at least one id here"),
            ({ $0.pool!.ids = [] }, "fixture.toml: pool.ids: is empty; a run needs at least one id here"),
            ({ $0.benchmark!.validation = [] }, "fixture.toml: benchmark.validation: is empty; a run needs at least one id here"),
            ({ $0.ids = [] }, "fixture.toml: dataset.ids: is empty; a run needs at least one id here"),
        ]
        for c in cases {
            var fixture = SplitFixture()
            c.edit(&fixture)
            let error = #expect(throws: SplitFileError.self) { try fixture.file() }
            #expect(error?.description == c.expected)
        }
        // The pool's own validation list is read by no run: it may be empty.
        var fixture = SplitFixture()
        fixture.pool!.validation = []
        #expect(try fixture.file().pool?.validation == [])
    }

    @Test("canonical key forms")
    func canonicalKeys() {
        #expect(canonicalSplitKey("tr01") == "tr1")
        #expect(canonicalSplitKey("TR1") == "tr1")
        #expect(canonicalSplitKey("c001") == "c1")
        #expect(canonicalSplitKey("trall") == "trall")
        #expect(canonicalSplitKey("pool26") == "pool26")
        #expect(canonicalSplitKey("tr0") == "tr0")
        #expect(canonicalSplitKey("tr00") == "tr0")
    }
}
