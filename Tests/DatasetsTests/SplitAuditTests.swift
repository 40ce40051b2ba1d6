import Foundation
import Testing
import TestSupport
@testable import Datasets

@Suite("Split audit: each rule on small fixtures, the exact findings on the originals, the command")
struct SplitAuditTests {
    func keys(_ f: [SplitFinding]) -> [FindingKey] { f.map(FindingKey.init) }

    // MARK: each kind on a fixture that is clean but for one change

    @Test("test-overlap: a test id used anywhere else is an error listing every list")
    func testOverlap() throws {
        var x = SplitFixture()
        x.labelled[0].ids = ["009"]
        x.pool!.validation = ["005", "010"]
        #expect(keys(try x.findings()) == [
            FindingKey(.error, .testOverlap, ["009"], ["test.ids", "labelled.tr1.c1.ids"]),
            FindingKey(.error, .testOverlap, ["010"], ["test.ids", "pool.validation"]),
            FindingKey(.info, .labelledOutsidePool, ["009"], ["labelled.tr1.c1.ids"]),
        ])
    }

    @Test("labelled-validation-overlap: per key/combination, an error")
    func labelledValidationOverlap() throws {
        var x = SplitFixture()
        x.labelled[1].validation = ["003", "007", "002"]
        let f = try x.findings()
        #expect(keys(f) == [
            FindingKey(.error, .labelledValidationOverlap, ["002", "003"], ["labelled.tr2.c1.ids", "labelled.tr2.c1.validation"]),
            // Both are pool volumes too, so selecting on them is also pool exposure.
            FindingKey(.warning, .validationInPool, ["002"], ["pool.ids", "labelled.tr2.c1.validation"]),
            FindingKey(.warning, .validationInPool, ["003"], ["pool.ids", "labelled.tr2.c1.validation"]),
        ])
        #expect(f[0].message == "tr2 c1 trains on 002 and 003, also in its own validation list")
    }

    @Test("benchmark-validation-overlap: an error")
    func benchmarkValidationOverlap() throws {
        var x = SplitFixture()
        x.benchmark!.validation = ["006", "007"]
        #expect(keys(try x.findings()) == [
            FindingKey(.error, .benchmarkValidationOverlap, ["006"], ["benchmark.ids", "benchmark.validation"]),
            // 008 left the benchmark's validation list and is in no other role.
            FindingKey(.info, .noRole, ["008"], ["labelled.tr1.c1.validation", "labelled.tr2.c1.validation"]),
        ])
    }

    @Test("pool-validation-overlap and validation-in-pool: warnings, one per id for exposure")
    func poolExposure() throws {
        var x = SplitFixture()
        x.pool = ("tr6", ["001", "002", "003", "004", "005", "007"], ["005"])
        let f = try x.findings()
        #expect(keys(f) == [
            FindingKey(.warning, .poolValidationOverlap, ["005"], ["pool.ids", "pool.validation"]),
            FindingKey(.warning, .validationInPool, ["007"],
                       ["pool.ids", "benchmark.validation", "labelled.tr1.c1.validation", "labelled.tr2.c1.validation"]),
        ])
        #expect(f[1].message.hasPrefix("007, a validation volume of benchmark trall, tr1 c1 and tr2 c1, is in the unlabelled pre-training pool tr6"))
    }

    @Test("subject-across-roles: volumes of one subject group in lists that must not share one")
    func subjectAcrossRoles() throws {
        var x = SplitFixture()
        // s1: 009 (test) and 001 (pool, benchmark, tr1 c1) are one subject; s2: 002 (trains) and 007 (validates).
        x.subjects = [("s1", ["001", "009"]), ("s2", ["002", "007"])]
        let f = try x.findings()
        #expect(keys(f) == [
            FindingKey(.error, .subjectAcrossRoles, ["009", "001"], ["test.ids", "pool.ids", "subjects.s1"]),
            FindingKey(.error, .subjectAcrossRoles, ["009", "001"], ["test.ids", "benchmark.ids", "subjects.s1"]),
            FindingKey(.error, .subjectAcrossRoles, ["009", "001"], ["test.ids", "labelled.tr1.c1.ids", "subjects.s1"]),
            FindingKey(.error, .subjectAcrossRoles, ["002", "007"], ["benchmark.ids", "benchmark.validation", "subjects.s2"]),
            FindingKey(.error, .subjectAcrossRoles, ["002", "007"], ["labelled.tr2.c1.ids", "labelled.tr2.c1.validation", "subjects.s2"]),
            FindingKey(.warning, .subjectAcrossRoles, ["002", "007"], ["pool.ids", "benchmark.validation", "subjects.s2"]),
            FindingKey(.warning, .subjectAcrossRoles, ["002", "007"], ["pool.ids", "labelled.tr1.c1.validation", "subjects.s2"]),
            FindingKey(.warning, .subjectAcrossRoles, ["002", "007"], ["pool.ids", "labelled.tr2.c1.validation", "subjects.s2"]),
        ])
        #expect(f[0].message == "subject s1 is split across roles: 009 in the test set, 001 in pre-training pool tr4 (volumes of one subject; a leak as if one volume were in both)")
        // A group inside one role (two labelled sets, or a labelled set and the pool) is fine.
        x.subjects = [("s3", ["001", "002", "003"])]
        #expect(try x.findings().isEmpty)
        // Ids of a group must be dataset ids; a group needs two different ids.
        x.subjects = [("s4", ["001", "011"])]
        #expect(keys(try x.findings()) == [FindingKey(.error, .unknownID, ["011"], ["subjects.s4"])])
        x.subjects = [("s5", ["001", "001"])]
        let error = #expect(throws: SplitFileError.self) { try x.file() }
        #expect(error?.description == "fixture.toml: subjects.s5: a subject group needs at least two different ids, found one id repeated")
        x.subjects = [("s6", ["001", "002"]), ("s7", ["003", "002"])]
        let twice = #expect(throws: SplitFileError.self) { try x.file() }
        #expect(twice?.description == "fixture.toml: subjects.s7: 002 is also in subjects.s6; a volume belongs to one subject (merge the groups)")
    }

    @Test("duplicate-id: an error per list, dataset.ids included")
    func duplicates() throws {
        var x = SplitFixture()
        x.test = ["009", "010", "009"]
        x.ids.append("001")
        #expect(keys(try x.findings()) == [
            FindingKey(.error, .duplicateID, ["001"], ["dataset.ids"]),
            FindingKey(.error, .duplicateID, ["009"], ["test.ids"]),
        ])
    }

    @Test("malformed-id: wrong width or characters; ids run together are spelled out")
    func malformed() throws {
        var x = SplitFixture()
        x.benchmark!.ids = ["001002", "003", "004", "005", "006"]
        x.labelled[0].ids = ["1"]
        x.labelled[1].ids = ["00a", "003"]
        let f = try x.findings()
        #expect(keys(f) == [
            FindingKey(.error, .malformedID, ["001002"], ["benchmark.ids"]),
            FindingKey(.error, .malformedID, ["1"], ["labelled.tr1.c1.ids"]),
            FindingKey(.error, .malformedID, ["00a"], ["labelled.tr2.c1.ids"]),
            FindingKey(.info, .labelledOutsidePool, ["00a"], ["labelled.tr2.c1.ids"]),
            FindingKey(.info, .labelledOutsidePool, ["1"], ["labelled.tr1.c1.ids"]),
            FindingKey(.info, .noRole, ["001"], ["pool.ids"]),
            FindingKey(.info, .noRole, ["002"], ["pool.ids"]),
        ])
        #expect(f[0].message == "\"001002\" is not a 3-digit id of fixture: it reads as 2 ids run together (001, 002), as a missing comma between string literals does in Python; 001 and 002 are thereby missing from benchmark.ids")
        #expect(f[1].message == "\"1\" is not a 3-digit id of fixture")
    }

    @Test("unknown-id: a well-formed id outside dataset.ids is an error")
    func unknownID() throws {
        var x = SplitFixture()
        x.test = ["009", "010", "011"]
        #expect(keys(try x.findings()) == [FindingKey(.error, .unknownID, ["011"], ["test.ids"])])
    }

    @Test("count-mismatch: a key trN whose list has not N ids, for labelled sets and the pool")
    func countMismatch() throws {
        var x = SplitFixture()
        x.pool!.key = "tr22"
        x.labelled[1].ids = ["002", "003", "004"]
        let f = try x.findings()
        #expect(keys(f) == [
            FindingKey(.warning, .countMismatch, [], ["pool.ids"]),
            FindingKey(.warning, .countMismatch, [], ["labelled.tr2.c1.ids"]),
        ])
        #expect(f[0].message == "pool key tr22 names 22 volumes but pool.ids has 4")
    }

    @Test("labelled-outside-pool and no-role: info; without a benchmark, no-role means in no list")
    func coverage() throws {
        var x = SplitFixture()
        x.labelled[0].ids = ["006"]
        #expect(keys(try x.findings()) == [FindingKey(.info, .labelledOutsidePool, ["006"], ["labelled.tr1.c1.ids"])])
        x = SplitFixture()
        x.benchmark = nil
        #expect(keys(try x.findings()) == [FindingKey(.info, .noRole, ["006"], [])])
        x.pool = nil
        // Without a pool there is nothing for labelled ids to be outside of.
        #expect(keys(try x.findings()) == [
            FindingKey(.info, .noRole, ["004"], []), FindingKey(.info, .noRole, ["005"], []), FindingKey(.info, .noRole, ["006"], []),
        ])
    }

    @Test("source-note: each note is reported as info, marked as not checked")
    func sourceNotes() throws {
        var x = SplitFixture()
        x.notes = ["first", "second"]
        let f = try x.findings()
        #expect(keys(f) == [FindingKey(.info, .sourceNote, [], ["source.notes"]), FindingKey(.info, .sourceNote, [], ["source.notes"])])
        #expect(f.map(\.message) == ["recorded in the file (not checked): first", "recorded in the file (not checked): second"])
    }

    @Test("missing-on-disk: with --data, each id without its files by the layout; a missing root is one error")
    func missingOnDisk() throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("split-audit-\(getpid())")
        try? FileManager.default.removeItem(at: root)
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: root) }
        var x = SplitFixture()
        x.layout = "mmwhs"
        x.digits = 4
        x.ids = ["1001", "1002", "1003"]
        x.test = ["1003"]
        x.pool = ("pool1", ["1001"], ["1002"])
        x.benchmark = nil
        x.labelled = [("tr1", "c1", ["1001"], ["1002"])]
        for id in ["1001", "1003"] {
            for part in ["image", "label"] {
                #expect(FileManager.default.createFile(atPath: root.appendingPathComponent("mr_train_\(id)_\(part).nii.gz").path, contents: Data()))
            }
        }
        #expect(keys(try x.findings()) == [])
        let f = try x.findings(dataRoot: root.path)
        #expect(keys(f) == [FindingKey(.error, .missingOnDisk, ["1002"], ["dataset.ids", "pool.validation", "labelled.tr1.c1.validation"])])
        #expect(f[0].message == "1002 has no files by the mmwhs layout: \(root.path)/mr_train_1002_image.nii.gz: image is missing")
        let none = try x.findings(dataRoot: root.path + "/absent")
        #expect(keys(none) == [FindingKey(.error, .missingOnDisk, [], [])])
        #expect(none[0].message == "\(root.path)/absent: data root does not exist or is not a directory")
    }

    // MARK: the shipped files

    @Test("acdc.toml: exactly the findings of anchors §3")
    func acdcOriginal() throws {
        let r = SplitAuditReport.audit(path: SplitFiles.path("acdc.toml"))
        #expect(keys(r.findings) == [
            FindingKey(.error, .benchmarkValidationOverlap, ["011"], ["benchmark.ids", "benchmark.validation"]),
            FindingKey(.warning, .validationInPool, ["072"], ["pool.ids", "labelled.tr1.c2.validation", "labelled.tr2.c1.validation",
                                                              "labelled.tr2.c3.validation", "labelled.tr8.c2.validation"]),
            FindingKey(.info, .labelledOutsidePool, ["094"], ["labelled.tr8.c2.ids", "labelled.tr8.c3.ids"]),
            FindingKey(.info, .labelledOutsidePool, ["095"], ["labelled.tr1.c3.ids", "labelled.tr2.c3.ids", "labelled.tr2.c5.ids",
                                                              "labelled.tr8.c1.ids", "labelled.tr8.c2.ids", "labelled.tr8.c3.ids"]),
            FindingKey(.info, .noRole, ["031"], ["labelled.tr1.c2.validation", "labelled.tr2.c1.validation",
                                                 "labelled.tr2.c3.validation", "labelled.tr8.c2.validation"]),
            FindingKey(.info, .sourceNote, [], ["source.notes"]),
        ])
        #expect(r.findings.last?.message.contains("UnboundLocalError") == true)
    }

    @Test("prostate.toml: exactly the findings of anchors §3")
    func prostateOriginal() throws {
        let r = SplitAuditReport.audit(path: SplitFiles.path("prostate.toml"))
        let c1 = ["labelled.tr1.c1.validation", "labelled.tr1.c4.validation", "labelled.tr2.c1.validation",
                  "labelled.tr2.c4.validation", "labelled.tr8.c1.validation"]
        let c2 = ["labelled.tr1.c2.validation", "labelled.tr2.c2.validation", "labelled.tr8.c2.validation"]
        let c3 = ["labelled.tr1.c3.validation", "labelled.tr1.c5.validation", "labelled.tr2.c3.validation",
                  "labelled.tr2.c5.validation", "labelled.tr8.c3.validation"]
        #expect(keys(r.findings) == [
            FindingKey(.error, .malformedID, ["000001"], ["benchmark.ids"]),
            FindingKey(.warning, .poolValidationOverlap, ["013", "014", "020", "028"], ["pool.ids", "pool.validation"]),
            FindingKey(.warning, .validationInPool, ["013"], ["pool.ids", "benchmark.validation"] + c1),
            FindingKey(.warning, .validationInPool, ["014"], ["pool.ids", "benchmark.validation"] + c1),
            FindingKey(.warning, .validationInPool, ["017"], ["pool.ids"] + c2),
            FindingKey(.warning, .validationInPool, ["020"], ["pool.ids"] + c2),
            FindingKey(.warning, .validationInPool, ["025"], ["pool.ids"] + c3),
            FindingKey(.warning, .validationInPool, ["028"], ["pool.ids"] + c3),
            FindingKey(.warning, .countMismatch, [], ["pool.ids"]),
            FindingKey(.info, .noRole, ["000"], ["pool.ids", "labelled.tr1.c4.ids", "labelled.tr2.c1.ids", "labelled.tr2.c5.ids",
                                                 "labelled.tr8.c1.ids", "labelled.tr8.c3.ids"]),
            FindingKey(.info, .noRole, ["001"], ["pool.ids", "labelled.tr1.c1.ids", "labelled.tr2.c1.ids", "labelled.tr2.c3.ids",
                                                 "labelled.tr8.c1.ids", "labelled.tr8.c3.ids"]),
            FindingKey(.info, .sourceNote, [], ["source.notes"]),
        ])
        #expect(r.findings[0].message.contains("000 and 001 are thereby missing from benchmark.ids"))
        #expect(r.findings[8].message == "pool key tr22 names 22 volumes but pool.ids has 17")
    }

    @Test("mmwhs.toml: exactly the findings of anchors §3")
    func mmwhsOriginal() throws {
        let r = SplitAuditReport.audit(path: SplitFiles.path("mmwhs.toml"))
        #expect(keys(r.findings) == [
            FindingKey(.warning, .poolValidationOverlap, ["1002", "1005", "1008", "1010"], ["pool.ids", "pool.validation"]),
            FindingKey(.warning, .validationInPool, ["1001"], ["pool.ids", "labelled.tr1.c2.validation", "labelled.tr2.c3.validation",
                                                               "labelled.tr8.c2.validation"]),
            FindingKey(.warning, .validationInPool, ["1002"], ["pool.ids", "labelled.tr1.c1.validation", "labelled.tr1.c3.validation",
                                                               "labelled.tr1.c4.validation", "labelled.tr1.c5.validation",
                                                               "labelled.tr2.c1.validation", "labelled.tr2.c2.validation",
                                                               "labelled.tr8.c1.validation", "labelled.tr8.c3.validation"]),
            FindingKey(.warning, .validationInPool, ["1004"], ["pool.ids", "labelled.tr2.c4.validation"]),
            FindingKey(.warning, .validationInPool, ["1005"], ["pool.ids", "labelled.tr1.c1.validation", "labelled.tr1.c4.validation",
                                                               "labelled.tr2.c1.validation", "labelled.tr8.c1.validation"]),
            FindingKey(.warning, .validationInPool, ["1007"], ["pool.ids", "labelled.tr1.c3.validation", "labelled.tr1.c5.validation",
                                                               "labelled.tr2.c2.validation", "labelled.tr8.c3.validation"]),
            FindingKey(.warning, .validationInPool, ["1008"], ["pool.ids", "labelled.tr1.c2.validation", "labelled.tr2.c3.validation",
                                                               "labelled.tr2.c4.validation", "labelled.tr8.c2.validation"]),
            FindingKey(.info, .sourceNote, [], ["source.notes"]),
            FindingKey(.info, .sourceNote, [], ["source.notes"]),
        ])
    }

    @Test("corrected files: no error, no warning; phantom.toml: no finding at all",
          arguments: ["acdc-corrected.toml", "prostate-corrected.toml", "mmwhs-corrected.toml", "phantom.toml"])
    func cleanFiles(name: String) throws {
        let r = SplitAuditReport.audit(path: SplitFiles.path(name))
        #expect(r.sha256 != nil)
        #expect(r.findings.filter { $0.severity != .info }.map(FindingKey.init) == [])
        #expect(r.findings.allSatisfy { [.labelledOutsidePool, .sourceNote].contains($0.kind) })
        if name == "phantom.toml" {
            #expect(r.findings.isEmpty)
            let f = try SplitFileParser.read(SplitFiles.path(name))
            #expect(f.dataset.ids == (1...40).map { String(format: "%03d", $0) })
            #expect(f.labelled.count == 15)
            #expect(Set(f.labelled.flatMap(\.ids)).isSubset(of: Set(f.pool!.ids)))
        }
    }

    // MARK: output and the command

    @Test("JSON: one object per file with sorted keys, counts and findings in audit order")
    func jsonShape() throws {
        let reports = [SplitAuditReport.audit(path: SplitFiles.path("acdc.toml")), SplitAuditReport.audit(path: "/nonexistent.toml")]
        let text = try SplitAuditReport.json(reports)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(Set(array[0].keys) == ["file", "sha256", "dataset", "counts", "findings"])
        #expect(array[0]["counts"] as? [String: Int] == ["error": 1, "warning": 1, "info": 4])
        #expect(array[0]["sha256"] as? String == (try ContentHash.sha256(fileAt: SplitFiles.path("acdc.toml"))))
        let findings = try #require(array[0]["findings"] as? [[String: Any]])
        #expect(Set(findings[0].keys) == ["severity", "kind", "ids", "lists", "message"])
        #expect(findings[0]["kind"] as? String == "benchmark-validation-overlap")
        #expect(findings[0]["ids"] as? [String] == ["011"])
        #expect(array[1]["sha256"] is NSNull)
        #expect(array[1]["dataset"] is NSNull)
        #expect((array[1]["findings"] as? [[String: Any]])?.first?["kind"] as? String == "unreadable")
        // Stable key order: keys appear sorted in the text, and two renderings are identical.
        let order = ["\"counts\"", "\"dataset\"", "\"file\"", "\"findings\"", "\"sha256\""].map { text.range(of: $0)!.lowerBound }
        #expect(order == order.sorted())
        #expect(try SplitAuditReport.json(reports) == text)
    }

    @Test("text: header with the file's SHA-256, one line per finding, a tally")
    func textShape() throws {
        let r = SplitAuditReport.audit(path: SplitFiles.path("mmwhs.toml"))
        let lines = r.text.split(separator: "\n").map(String.init)
        #expect(lines[0] == SplitFiles.path("mmwhs.toml"))
        #expect(lines[1] == "  sha256  \(try ContentHash.sha256(fileAt: SplitFiles.path("mmwhs.toml")))")
        #expect(lines[2] == "  dataset MMWHS MR")
        #expect(lines.count == 3 + r.findings.count + 1)
        #expect(lines[3].hasPrefix("  warning pool-validation-overlap: "))
        #expect(lines.last == "  0 errors, 7 warnings, 2 info")
    }

    @Test("cseg audit splits: exit 1 on any error, 0 on warnings only or a clean file")
    func commandExitStatus() throws {
        let (bad, badOut) = try CSegExecutable.run(["audit", "splits", SplitFiles.path("acdc.toml")])
        #expect(bad == 1)
        #expect(badOut.contains("error   benchmark-validation-overlap"))
        #expect(try CSegExecutable.run(["audit", "splits", SplitFiles.path("mmwhs.toml")]).0 == 0)
        let (clean, cleanOut) = try CSegExecutable.run(["audit", "splits", SplitFiles.path("phantom.toml"), "--json"])
        #expect(clean == 0)
        let array = try JSONSerialization.jsonObject(with: Data(cleanOut.utf8)) as? [[String: Any]]
        #expect(array?.first?["counts"] as? [String: Int] == ["error": 0, "warning": 0, "info": 0])
        #expect(try CSegExecutable.run(["audit", "splits", SplitFiles.path("phantom.toml"), "/nonexistent.toml"]).0 == 1)
    }
}
