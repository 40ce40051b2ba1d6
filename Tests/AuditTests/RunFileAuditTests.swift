import Foundation
import Imaging
import RunStore
import Testing
@testable import Planning
@testable import Running

/// `cseg audit run` in process: each check on a stored file of the fixture, then broken one at a time.
@Suite("Audit: run files", .serialized)
struct RunFileAuditTests {
    static func audit(_ c: CaseDirectory, _ file: String = "runs/baseline_tr1_c1_s7.h5", split: Bool = true,
                      data: String? = nil, current: RunProvenance = AuditFixture.provenance) -> RunFileAudit.Report {
        RunFileAudit.audit("\(c.output)/\(file)", splitPath: split ? c.splitPath : nil, dataRoot: data ?? c.data, current: current)
    }

    static func messages(_ r: RunFileAudit.Report, _ level: RunFileAudit.Level) -> [String] {
        r.lines.filter { $0.level == level }.map(\.message)
    }

    @Test("a stored run with its split and data unchanged, made by this harness: only ok lines (the baseline read 002, 004, 005, 006)")
    func clean() throws {
        let c = try AuditFixture.makeCase("audit-clean")
        let report = Self.audit(c)
        #expect(report.lines.allSatisfy { $0.level == .ok }, "\(report.text)")
        #expect(report.lines.count == 4 && !report.hasErrors)
        #expect(report.lines[0].message.hasPrefix("schema version 1, content hash ") && report.lines[0].message.hasSuffix("verifies (finetune run baseline_tr1_c1_s7)"))
        #expect(report.lines[1].message.hasPrefix("results hash ") && report.lines[1].message.hasSuffix("(weights, curves, metrics, predictions, activations; provenance and timings excluded)"))
        #expect(report.lines[3].message == "data: the 8 files of 4 volumes under \(c.data) match the recorded sha256")
    }

    @Test("several files: the same numbers under another commit, host and run key are recognised; a changed weight is not")
    func sameNumbers() throws {
        let c = try AuditFixture.makeCase("audit-same-numbers")
        let original = "runs/baseline_tr1_c1_s7.h5"
        var moved = try RunFileReader.read("\(c.output)/\(original)")
        moved.provenance.gitCommit = "1111111111111111111111111111111111111111"
        moved.volatile.host = "another-host"
        moved.runKey = "baseline_tr1_c1_s7_copy"
        try RunFileWriter.write(moved, to: "\(c.output)/runs/copy.h5")
        var changed = moved
        changed.finalWeights[0].values[0] = changed.finalWeights[0].values[0].nextUp
        try RunFileWriter.write(changed, to: "\(c.output)/runs/changed.h5")
        let reports = RunFileAudit.compareResults([original, "runs/copy.h5", "runs/changed.h5"].map { Self.audit(c, $0) })
        #expect(reports[0].resultsSHA256 == reports[1].resultsSHA256 && reports[0].resultsSHA256 != reports[2].resultsSHA256)
        let hash = try #require(reports[0].resultsSHA256)
        #expect(reports[0].lines.last == RunFileAudit.Line(level: .ok, message: "same numbers as \(c.output)/runs/copy.h5 (results hash \(hash.prefix(16))…)"))
        #expect(reports[1].lines.last == RunFileAudit.Line(level: .ok, message: "same numbers as \(c.output)/\(original) (results hash \(hash.prefix(16))…)"))
        #expect(reports[2].lines.last == RunFileAudit.Line(level: .note, message: "no other file of this audit holds the same numbers"))
    }

    @Test("the split file changed since the run: an error naming it and both hashes")
    func changedSplit() throws {
        let c = try AuditFixture.makeCase("audit-split")
        let recorded = try RunFileReader.read("\(c.output)/runs/baseline_tr1_c1_s7.h5").inputs.splitSHA256
        try (try String(contentsOfFile: c.splitPath, encoding: .utf8) + "# edited\n").write(toFile: c.splitPath, atomically: true, encoding: .utf8)
        let report = Self.audit(c)
        #expect(report.hasErrors)
        #expect(Self.messages(report, .error) == ["\(c.splitPath): sha256 \(try ContentHash.sha256(fileAt: c.splitPath)), the run recorded \(recorded) (the split file changed since the run)"])
    }

    @Test("a data file changed since the run: an error naming the file")
    func changedData() throws {
        let c = try AuditFixture.makeCase("audit-data")
        let label = try c.label("005")
        try c.rewrite(label, as: .uint8) { v in v.voxels[0] = 1 }
        let errors = Self.messages(Self.audit(c), .error)
        #expect(errors.count == 1 && errors[0].hasPrefix("\(label): sha256 ") && errors[0].hasSuffix("(volume 005 changed since the run)"), "\(errors)")
    }

    @Test("a data file missing, and a data root that does not exist")
    func missingData() throws {
        let c = try AuditFixture.makeCase("audit-missing")
        try FileManager.default.removeItem(atPath: try c.image("006"))
        let errors = Self.messages(Self.audit(c), .error)
        #expect(errors.count == 1 && errors[0].hasPrefix("volume 006: ") && errors[0].contains("ED image (frame 01) is missing"), "\(errors)")
        let gone = Self.messages(Self.audit(c, data: "\(c.path)/nowhere"), .error)
        #expect(gone == ["\(c.path)/nowhere: data root does not exist or is not a directory"])
    }

    @Test("without --split or --experiment the split is a note; without --data the recorded root is used")
    func defaults() throws {
        let c = try AuditFixture.makeCase("audit-defaults")
        let r = RunFileAudit.audit("\(c.output)/runs/baseline_tr1_c1_s7.h5", splitPath: nil, dataRoot: nil, current: AuditFixture.provenance)
        #expect(Self.messages(r, .note).first?.hasPrefix("split file not checked (give --experiment or --split)") == true)
        // The base run recorded the base's data root, which still holds the same files.
        #expect(Self.messages(r, .ok).last == "data: the 8 files of 4 volumes under \(AuditFixture.base)/data match the recorded sha256")
    }

    @Test("a damaged run file: one error, no further checks")
    func damaged() throws {
        let c = try AuditFixture.makeCase("audit-damaged")
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count / 3).write(to: URL(fileURLWithPath: path))
        let report = Self.audit(c)
        #expect(report.lines.count == 1 && report.lines[0].level == .error && report.lines[0].message.hasPrefix("does not verify: \(path): "))
    }

    @Test("provenance: dirty tree, another OpenBLAS core, thread count, library and harness version are warnings; another commit a note")
    func provenanceFlags() throws {
        let c = try AuditFixture.makeCase("audit-provenance")
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        var record = try RunFileReader.read(path)
        record.provenance = RunProvenance(harnessVersion: "0.9.0", gitCommit: "abc123", gitDirty: true, toolchain: "test",
                                          libraries: [LibraryVersion(name: "OpenBLAS", version: "0.3.20")], openBLASCore: "Haswell",
                                          openBLASThreads: 2, engineThreads: 4, cpuModel: "other", matrixKernels: "openblas:Haswell")
        try RunFileWriter.write(record, to: path)
        var current = AuditFixture.provenance
        current.libraries = [LibraryVersion(name: "OpenBLAS", version: "0.3.21")]
        current.openBLASCore = "SkylakeX"
        current.matrixKernels = "openblas:SkylakeX"
        let report = Self.audit(c, current: current)
        #expect(!report.hasErrors)
        #expect(Self.messages(report, .warning) == [
            "made from a dirty tree: commit abc123 had uncommitted changes, so the commit does not identify the code",
            "made by cseg 0.9.0; this is cseg test",
            "made with OpenBLAS core Haswell; this process uses SkylakeX (kernels round differently: a rerun here is not bit-identical)",
            "made with 2 OpenBLAS thread(s); this process uses 1 (some kernels round differently with another count)",
            "made with OpenBLAS 0.3.20; this process links 0.3.21",
        ])
        #expect(Self.messages(report, .note) == ["made from commit abc123; this binary was built from unknown"])
    }

    @Test("a run made from a leaking split carries the finding as a warning")
    func leakWarning() throws {
        let c = try AuditFixture.makeCase("audit-leak")
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        var record = try RunFileReader.read(path)
        record.inputs.splitAuditFindings = ["test-overlap: test id 005 is also in tr1 c1 [test.ids, labelled.tr1.c1.ids]"]
        try RunFileWriter.write(record, to: path)
        #expect(Self.messages(Self.audit(c), .warning) == ["made from a leaking split (allowed by --allow-leaks): test-overlap: test id 005 is also in tr1 c1 [test.ids, labelled.tr1.c1.ids]"])
    }

    @Test("a fine-tuning run's pre-training file: found by key and hash; redone since is a warning")
    func dependencies() throws {
        let c = try AuditFixture.makeCase("audit-dependency", grid: true)
        let file = "runs/global-GD_tr1_c1_s7.h5"
        let pretrain = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(c.output)/pretrain").first { $0.hasSuffix(".h5") })
        #expect(Self.messages(Self.audit(c, file), .ok).contains("started from pretrain-global-GD_s7: \(c.output)/pretrain/\(pretrain) has the recorded content hash"))
        #expect(try RunFileReader.read("\(c.output)/\(file)").inputs.dependencies.map(\.resultsSHA256)
                == [try RunFileReader.header("\(c.output)/pretrain/\(pretrain)").resultsSHA256], "the dependant records its results hash")
        // Recomputed elsewhere: other provenance, the same numbers.
        var record = try RunFileReader.read("\(c.output)/pretrain/\(pretrain)")
        record.provenance.gitCommit = String(repeating: "e", count: 40)
        try RunFileWriter.write(record, to: "\(c.output)/pretrain/\(pretrain)")
        let recomputed = Self.audit(c, file)
        #expect(Self.messages(recomputed, .warning).isEmpty, "\(Self.messages(recomputed, .warning))")
        #expect(Self.messages(recomputed, .ok).contains { $0.hasPrefix("started from pretrain-global-GD_s7: \(c.output)/pretrain/\(pretrain) is a recomputation with the recorded results hash") })
        // Redone with other numbers.
        record.curves.losses[0].values[0] += 1
        try RunFileWriter.write(record, to: "\(c.output)/pretrain/\(pretrain)")
        let warnings = Self.messages(Self.audit(c, file), .warning)
        #expect(warnings.count == 1 && warnings[0].contains("(the pre-training run was redone since, with other numbers: results hash"), "\(warnings)")
        // A dependant written before results hashes were recorded cannot tell.
        var old = try RunFileReader.read("\(c.output)/\(file)")
        old.inputs.dependencies = old.inputs.dependencies.map { RunDependency(stage: $0.stage, runKey: $0.runKey, contentSHA256: $0.contentSHA256) }
        try RunFileWriter.write(old, to: "\(c.output)/\(file)")
        #expect(try RunFileReader.read("\(c.output)/\(file)").inputs.dependencies.allSatisfy { $0.resultsSHA256 == nil })
        let unknown = Self.messages(Self.audit(c, file), .warning)
        #expect(unknown.count == 1 && unknown[0].contains("this file predates recorded results hashes"), "\(unknown)")
    }

    @Test("an archived grid: the copy says whose copy it is, holds the run file's numbers, and its dependency is found among the archived pre-training runs")
    func archivedCopies() throws {
        let c = try AuditFixture.makeCase("audit-archive", grid: true)
        let archive = "\(c.path)/archive"
        let pretrain = try #require(try FileManager.default.contentsOfDirectory(atPath: "\(c.output)/pretrain").first { $0.hasSuffix(".h5") })
        for file in ["runs/global-GD_tr1_c1_s7.h5", "pretrain/\(pretrain)"] {
            try RunArchive.write(from: "\(c.output)/\(file)", to: "\(archive)/\(file)")
        }
        let source = try RunFileReader.header("\(c.output)/runs/global-GD_tr1_c1_s7.h5")
        let reports = RunFileAudit.compareResults([
            Self.audit(c, "runs/global-GD_tr1_c1_s7.h5"),
            RunFileAudit.audit("\(archive)/runs/global-GD_tr1_c1_s7.h5", splitPath: c.splitPath, dataRoot: c.data, current: AuditFixture.provenance),
        ])
        #expect(!reports[1].hasErrors, "\(reports[1].text)")
        #expect(reports[1].resultsSHA256 == source.resultsSHA256 && reports[0].resultsSHA256 == source.resultsSHA256)
        let ok = Self.messages(reports[1], .ok)
        #expect(ok.contains { $0.hasPrefix("archived copy (weights as SHA-256 digests) of the run file with content hash \(source.contentSHA256.prefix(16))…") })
        #expect(ok.contains("started from pretrain-global-GD_s7: \(archive)/pretrain/\(pretrain) is the archived copy of the file with the recorded content hash"))
        #expect(ok.last == "same numbers as \(c.output)/runs/global-GD_tr1_c1_s7.h5 (results hash \(source.resultsSHA256!.prefix(16))…)")
    }
}
