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
        #expect(try f.trainingIDs(key: "tr8", combination: "c2") == ["002", "022", "042", "062", "095", "063", "094", "043"])
        #expect(try f.validationIDs(key: "tr8", combination: "c2") == ["031", "072"])
        // Pool and benchmark keys ignore the combination, as the original's train_data does.
        #expect(try f.trainingIDs(key: "tr52", combination: "c1").count == 52)
        #expect(try f.validationIDs(key: "trall", combination: "c3") == ["011", "071"])
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
        #expect(throws: SplitFileError(f.path, keyPath: "tr20", "is not a key of this split file (keys: tr1, tr2, tr8, tr10)", suggestion: "tr2")) {
            try f.trainingIDs(key: "tr20", combination: "c1")
        }
        #expect(throws: SplitFileError(f.path, keyPath: "tr2.c5", "is not a combination of tr2 (combinations: c1, c2, c3, c4)", suggestion: "c1")) {
            try f.validationIDs(key: "tr2", combination: "c5")
        }
    }

    @Test("an unknown key names file, key path and nearest valid key")
    func unknownKeys() throws {
        var fixture = SplitFixture()
        let cases: [(String, String, String)] = [
            // (text replaced, by, expected description)
            ("[benchmark]", "[benchmarks]",
             "fixture.toml: benchmarks: unknown key (valid here: format, dataset, source, test, pool, benchmark, labelled); did you mean \"benchmark\"?"),
            ("[labelled.tr1.c1]\nids = [\"001\"]\nvalidation", "[labelled.tr1.c1]\nids = [\"001\"]\nvalidaton",
             "fixture.toml: labelled.tr1.c1.validaton: unknown key (valid here: ids, validation); did you mean \"labelled.tr1.c1.validation\"?"),
            ("id_digits", "id_digit",
             "fixture.toml: dataset.id_digit: unknown key (valid here: name, layout, id_digits, ids); did you mean \"dataset.id_digits\"?"),
            ("layout = \"acdc\"", "layout = \"acdc\"\nzzzzzzzz = 1",
             "fixture.toml: dataset.zzzzzzzz: unknown key (valid here: name, layout, id_digits, ids)"),
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
            ("key = \"tr4\"", "key = \"pool\"", "fixture.toml: pool.key: \"pool\" is not a run key (tr<N> or trall)"),
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
}
