import Foundation
import RunStore
import Testing
@testable import Planning
@testable import Running

/// `cseg audit seeds` in process: re-execution into a scratch directory, the verdicts, the sample.
@Suite("Audit: seeds", .serialized)
struct SeedAuditTests {
    /// A case with a whole grid stored: baseline, the global pre-training, the fine-tuning from it, mixup.
    static func gridCase(_ name: String) throws -> CaseDirectory { try AuditFixture.makeCase(name, grid: true) }

    static func audit(_ c: CaseDirectory, sample: Int? = nil, steps: Int? = nil) throws -> SeedAudit.Report {
        try SeedAudit(experiment: try c.experiment(), sample: sample, steps: steps, scratch: "\(c.path)/scratch-\(UUID().uuidString)",
                      current: AuditFixture.provenance).run()
    }

    static func verdicts(_ r: SeedAudit.Report) -> [String: SeedAudit.Verdict] {
        Dictionary(uniqueKeysWithValues: r.results.map { ($0.runKey, $0.verdict) })
    }

    /// Rewrites a stored run file with `edit` applied (the writer recomputes the hash: the file verifies).
    static func tamper(_ path: String, _ edit: (inout RunRecord) -> Void) throws {
        var record = try RunFileReader.read(path)
        edit(&record)
        try RunFileWriter.write(record, to: path)
        try RunFileVerifier.verify(path)
    }

    @Test("every stored run of a grid (pre-training, fine-tuning from it, baseline, mixup) re-executes to the same content hash; stored files are untouched")
    func reexecutionIdentical() throws {
        let c = try Self.gridCase("seeds-identical")
        let before = try c.snapshot()
        let report = try Self.audit(c)
        #expect(report.results.map(\.runKey) == ["baseline_tr1_c1_s7", "pretrain-global-GD_s7", "global-GD_tr1_c1_s7", "mixup_tr1_c1_s7"])
        for r in report.results {
            guard case .identical(let why) = r.verdict else { Issue.record("\(r.runKey): \(r.verdict)"); continue }
            #expect(why.hasPrefix("content hash ") && why.hasSuffix("reproduced"))
            #expect(r.notes == [])
        }
        #expect(!report.hasDifferences && report.damaged == [] && report.stale == [] && report.missing == 0)
        #expect(try c.snapshot() == before)
    }

    @Test("a stored weight and a stored loss changed: the first step and the first tensor that differ are named")
    func firstStepAndTensor() throws {
        let c = try Self.gridCase("seeds-differ")
        let path = "\(c.output)/runs/mixup_tr1_c1_s7.h5"
        try Self.tamper(path) { r in
            let w = r.finalWeights.firstIndex { $0.name == "enc_c2_b/W" }!
            r.finalWeights[w].values[5] += 1e-3
            // A later variable too: the first in network order must be named.
            let later = r.finalWeights.firstIndex { $0.name == "dec_c4_a/W" }!
            r.finalWeights[later].values[0] += 1
            r.curves.losses[0].values[1] += 1e-12
        }
        let report = try Self.audit(c)
        guard case .differs(let what) = Self.verdicts(report)["mixup_tr1_c1_s7"] else {
            Issue.record("no difference found")
            return
        }
        #expect(what.hasPrefix("first at step 1 (loss 'dice': stored "), "\(what)")
        #expect(what.contains("first tensor weights/final/enc_c2_b/W (element 5: stored "), "\(what)")
        #expect(what.contains("1 of "), "\(what)")
        #expect(what.hasSuffix("3 datasets differ"), "\(what)")
        #expect(report.hasDifferences)
        guard case .identical = Self.verdicts(report)["baseline_tr1_c1_s7"] else { Issue.record("baseline"); return }
    }

    @Test("--steps N compares the first N logged steps bit for bit, and only those")
    func stepsMode() throws {
        let c = try Self.gridCase("seeds-steps")
        var report = try Self.audit(c, steps: 2)
        #expect(report.results.count == 4)
        for r in report.results {
            guard case .identical(let why) = r.verdict else { Issue.record("\(r.runKey): \(r.verdict)"); continue }
            #expect(why.hasPrefix("steps 0…1 reproduced bit for bit"), "\(why)")
        }
        // The stored loss of step 1 of the baseline, changed in its last bit.
        try Self.tamper("\(c.output)/runs/baseline_tr1_c1_s7.h5") { r in
            let v = r.curves.losses[0].values[1]
            r.curves.losses[0].values[1] = Double(bitPattern: v.bitPattern ^ 1)
        }
        report = try Self.audit(c, steps: 2)
        guard case .differs(let what) = Self.verdicts(report)["baseline_tr1_c1_s7"] else { Issue.record("not found"); return }
        #expect(what.hasPrefix("first at step 1 (loss 'dice'"), "\(what)")
        report = try Self.audit(c, steps: 1)
        guard case .identical = Self.verdicts(report)["baseline_tr1_c1_s7"] else { Issue.record("step 1 is outside --steps 1"); return }
        // A validation point before N counts too (validation at step 0).
        try Self.tamper("\(c.output)/runs/mixup_tr1_c1_s7.h5") { r in r.curves.validationDice[0] += 0.5 }
        report = try Self.audit(c, steps: 1)
        guard case .differs(let v) = Self.verdicts(report)["mixup_tr1_c1_s7"] else { Issue.record("validation"); return }
        #expect(v.hasPrefix("first at step 0 (validation Dice"), "\(v)")
    }

    @Test("a damaged stored file is reported and fails the audit; a stale one (another config) is listed, not audited")
    func damagedAndStale() throws {
        let c = try Self.gridCase("seeds-damaged")
        let path = "\(c.output)/runs/mixup_tr1_c1_s7.h5"
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        try bytes.prefix(bytes.count - 100).write(to: URL(fileURLWithPath: path))
        var report = try Self.audit(c)
        #expect(report.damaged.count == 1 && report.damaged[0].hasPrefix(path))
        #expect(report.results.count == 3 && report.hasDifferences)
        try FileManager.default.removeItem(atPath: path)
        var config = TinyConfig.grid
        config.finetuneIterations = 4
        try c.writeExperiment(config)
        // Every fine-tuning file now holds the old config; only the pre-training run is complete.
        report = try Self.audit(c)
        #expect(report.results.map(\.runKey) == ["pretrain-global-GD_s7"] && report.stale.count == 2 && report.missing == 1)
        #expect(!report.hasDifferences)
    }

    @Test("the sample: K distinct complete runs in plan order, the same every time, seeded by the experiment's name")
    func sample() throws {
        let runs = (1...9).map { i in
            PlannedRun(index: i, runKey: "r\(i)", stage: .finetune, method: "baseline", dependencies: [], seed: 1, output: "r\(i).h5",
                       identity: "", configJSON: "{}", provisional: false)
        }
        let a = SeedAudit.sample(runs, k: 3, experimentName: "phantom-quick")
        #expect(a.count == 3 && Set(a.map(\.index)).count == 3 && a.map(\.index) == a.map(\.index).sorted())
        #expect(SeedAudit.sample(runs, k: 3, experimentName: "phantom-quick") == a)
        #expect(SeedAudit.sample(runs, k: 9, experimentName: "x") == runs && SeedAudit.sample(runs, k: nil, experimentName: "x") == runs)
        let samples = Set((0..<12).map { SeedAudit.sample(runs, k: 3, experimentName: "experiment \($0)").map(\.index) })
        #expect(samples.count > 1, "the name must seed the sample")
    }

    @Test("--steps edits only the iteration count of the canonical config")
    func limitedConfig() throws {
        let c = try AuditFixture.makeCase("seeds-limit")
        let r = try c.plan()[0]
        let (short, n) = try SeedAudit.limited(r, steps: 2)
        #expect(n == 2 && short.configJSON == r.configJSON.replacingOccurrences(of: "\"iterations\":3", with: "\"iterations\":2"))
        #expect(try SeedAudit.limited(r, steps: 50).steps == 3)
    }

    @Test("the scratch directory may not be inside the experiment's output")
    func scratchOutsideOutput() throws {
        let c = try AuditFixture.makeCase("seeds-scratch")
        let audit = SeedAudit(experiment: try c.experiment(), sample: 1, steps: nil, scratch: "\(c.output)/audit", current: AuditFixture.provenance)
        #expect(throws: RunnerError.self) { try audit.run() }
    }
}
