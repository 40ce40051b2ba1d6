import Datasets
import Foundation
import HDF5
import RunStore
import Testing
@testable import Planning
@testable import Running

/// Bad split and experiment files, through the runner on a case that already holds a run file.
@Suite("Bad input: split and experiment files", .serialized)
struct BadInputConfigTests {
    @Test("an unknown id in a split list")
    func unknownID() throws {
        let c = try AuditFixture.makeCase("unknown-id")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"009\"]")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath,
                      says: "unknown-id: 009 (in labelled.tr1.c1.ids) is not one of the 6 ids in dataset.ids")
    }

    @Test("a duplicate id in a split list")
    func duplicateID() throws {
        let c = try AuditFixture.makeCase("duplicate-id")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"002\", \"002\"]")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath, says: "duplicate-id: 002 appears 2 times in labelled.tr1.c1.ids")
    }

    @Test("a duplicate id is refused even with --allow-leaks (it is a defect, not a leak)")
    func duplicateIDNotOverridable() throws {
        let c = try AuditFixture.makeCase("duplicate-id-allow")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"002\", \"002\"]")
        expectMessage(try c.runExpectingFailure(allowLeaks: true), names: c.splitPath, says: "cseg run refuses a split file with errors")
    }

    @Test("a leaking split (a test volume in the labelled set) is refused without --allow-leaks")
    func leakRefused() throws {
        let c = try AuditFixture.makeCase("leak")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"005\"]")
        let message = try c.runExpectingFailure()
        expectMessage(message, names: c.splitPath, says: "test-overlap: test id 005 is also in tr1 c1 [test.ids, labelled.tr1.c1.ids]")
        expectMessage(message, names: c.splitPath, says: "pass --allow-leaks to run anyway")
    }

    @Test("a pool keyed like a labelled budget is refused, not trained on as the budget")
    func poolKeyedLikeBudget() throws {
        let c = try AuditFixture.makeCase("pool-key-alias")
        try c.editSplit("key = \"tr3\"", "key = \"tr1\"")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath,
                      says: "pool.key: \"tr1\" is also a labelled key (labelled.tr1); the pool is its own role")
    }

    @Test("an empty training list is an error naming the split file and the list")
    func emptyTrainingList() throws {
        let c = try AuditFixture.makeCase("empty-list")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = []")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath, says: "labelled.tr1.c1.ids: is empty; a run needs at least one id here")
    }

    @Test("a subject whose volumes are in the test set and a training set is a leak")
    func subjectAcrossRoles() throws {
        let c = try AuditFixture.makeCase("subject-across-roles")
        try c.editSplit("[labelled.tr1.c1]", "[subjects]\npatient-a = [\"002\", \"005\"]\n\n[labelled.tr1.c1]")
        expectMessage(try c.runExpectingFailure(), names: c.splitPath,
                      says: "subject-across-roles: subject patient-a is split across roles: 005 in the test set, 002 in tr1 c1")
    }

    @Test("a leak in a list the experiment does not read does not stop it")
    func leakElsewhereIgnored() throws {
        let c = try AuditFixture.makeCase("leak-elsewhere")
        // The benchmark trains on its validation volume, but the grid has no benchmark run.
        try c.editSplit("[benchmark]\nkey = \"trall\"\nids = [\"001\", \"002\", \"003\"]",
                        "[benchmark]\nkey = \"trall\"\nids = [\"001\", \"002\", \"003\", \"004\"]")
        let e = try c.experiment()
        let split = try SplitFileParser.read(e.data.split)
        #expect(try SplitGate.check(split, experiment: e, allowLeaks: false).recorded == [])
        var withBenchmark = e
        withBenchmark.grid.methods.append(Method(name: "benchmark")!)
        #expect(throws: RunnerError.self) { try SplitGate.check(split, experiment: withBenchmark, allowLeaks: false) }
    }

    @Test("--allow-leaks runs a leaking split and records the finding in every run file; without it the next run is refused")
    func leakAllowedAndRecorded() throws {
        let c = try AuditFixture.makeCase("leak-allowed")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"005\"]")
        let outcomes = try c.runner(allowLeaks: true).run()
        #expect(outcomes.count == 2 && outcomes.allSatisfy { !$0.skipped })
        let expected = ["test-overlap: test id 005 is also in tr1 c1 [test.ids, labelled.tr1.c1.ids]"]
        for r in try c.plan() {
            try RunFileVerifier.verify(r.output)
            #expect(try RunFileReader.read(r.output).inputs.splitAuditFindings == expected)
            // Stored as the documented dataset, readable without our reader.
            let file = try HDF5File.open(r.output)
            defer { file.close() }
            #expect(try file.readStrings("inputs/split_audit_findings").values == expected)
        }
        #expect(throws: RunnerError.self) { try c.runner().run() }
        #expect(try c.runner(allowLeaks: true).run().allSatisfy(\.skipped))
    }

    @Test("a clean split writes no findings dataset")
    func cleanSplitNoFindings() throws {
        let file = try HDF5File.open("\(AuditFixture.base)/out/runs/baseline_tr1_c1_s7.h5")
        defer { file.close() }
        #expect(!file.datasetExists("inputs/split_audit_findings"))
    }

    @Test("a missing split file")
    func missingSplit() throws {
        let c = try AuditFixture.makeCase("missing-split")
        var config = TinyConfig()
        config.split = "splits/tiny.toml"
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: "\(c.path)/splits/tiny.toml", says: "cannot read the split file (missing or unreadable)")
    }

    @Test("a misspelt key in the experiment file")
    func experimentTypo() throws {
        let c = try AuditFixture.makeCase("typo")
        var config = TinyConfig()
        config.extra = "iteratons = 5"
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath,
                      says: "stage.finetune.iteratons: unknown key (valid here: iterations, batch_size, learning_rate, validate_every); did you mean \"stage.finetune.iterations\"?")
    }

    @Test("a misspelt method name")
    func methodTypo() throws {
        let c = try AuditFixture.makeCase("method-typo")
        var config = TinyConfig()
        config.methods = ["baseline", "mixpu"]
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath, says: "grid.methods[1]: unknown method \"mixpu\"")
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath, says: "did you mean \"mixup\"?")
    }

    @Test("a value of the wrong type in the experiment file")
    func experimentWrongType() throws {
        let c = try AuditFixture.makeCase("wrong-type")
        var config = TinyConfig()
        config.extra = "learning_rate = \"1e-3\""
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath, says: "stage.finetune.learning_rate: must be a number, found a string")
    }

    @Test("seeds of the wrong type")
    func seedsWrongType() throws {
        let c = try AuditFixture.makeCase("seeds-type")
        var config = TinyConfig()
        config.seeds = "[\"7\"]"
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath, says: "grid.seeds[0]: must be an integer, found a string")
    }

    @Test("a budget the split file does not have")
    func unknownBudget() throws {
        let c = try AuditFixture.makeCase("budget")
        var config = TinyConfig()
        config.budgets = ["tr2"]
        try c.writeExperiment(config)
        expectMessage(try c.runExpectingFailure(), names: c.experimentPath, says: "grid.budgets[0]: \"tr2\" is not a labelled key of \(c.splitPath) (keys: tr1)")
    }
}

/// The gate on the transcribed original ACDC split (data-splits/acdc.toml): its benchmark trains on a
/// validation volume (011) and validation volume 072 of c2 is in the pre-training pool.
@Suite("Split gate on the original ACDC split")
struct SplitGateOriginalTests {
    static let acdc = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("data-splits/acdc.toml").path

    static func experiment(methods: [String], combinations: [String]) throws -> Experiment {
        try ExperimentParser.parse("""
            format = 1
            name = "acdc"
            preset = "paper"
            output = "/tmp/unused"
            [data]
            kind = "acdc"
            root = "/tmp/unused-data"
            split = "\(acdc)"
            [grid]
            methods = [\(methods.map { "\"\($0)\"" }.joined(separator: ", "))]
            budgets = ["tr1"]
            combinations = [\(combinations.map { "\"\($0)\"" }.joined(separator: ", "))]
            seeds = [1]
            """, path: "/tmp/acdc-experiment.toml")
    }

    @Test("baseline on tr1 c1 reads neither the benchmark nor c2: nothing to refuse or record")
    func baselineClean() throws {
        let split = try SplitFileParser.read(Self.acdc)
        let outcome = try SplitGate.check(split, experiment: try Self.experiment(methods: ["baseline"], combinations: ["c1"]), allowLeaks: false)
        #expect(outcome == SplitGate.Outcome(recorded: [], warnings: []))
        // Without pre-training, the pool is not read: 072's exposure does not apply to c2 either.
        #expect(try SplitGate.check(split, experiment: try Self.experiment(methods: ["baseline"], combinations: ["c2"]), allowLeaks: false).warnings == [])
    }

    @Test("pre-training with c2: the exposure of 072 is a warning, the run goes on")
    func exposureWarning() throws {
        let split = try SplitFileParser.read(Self.acdc)
        let outcome = try SplitGate.check(split, experiment: try Self.experiment(methods: ["global"], combinations: ["c2"]), allowLeaks: false)
        #expect(outcome.recorded == [] && outcome.warnings.count == 1 && outcome.warnings[0].hasPrefix("validation-in-pool: 072, a validation volume of tr1 c2"))
    }

    @Test("the benchmark is refused for its train/validation leak, and recorded with --allow-leaks")
    func benchmarkLeak() throws {
        let split = try SplitFileParser.read(Self.acdc)
        let e = try Self.experiment(methods: ["baseline", "benchmark"], combinations: ["c1"])
        let error = try #require(throws: RunnerError.self) { try SplitGate.check(split, experiment: e, allowLeaks: false) }
        #expect(error.path == Self.acdc && error.problem.hasPrefix("1 leak in lists this experiment reads: benchmark-validation-overlap: benchmark trall trains on 011"))
        #expect(try SplitGate.check(split, experiment: e, allowLeaks: true).recorded
                == ["benchmark-validation-overlap: benchmark trall trains on 011, also in its own validation list 011, 071 (train/validation leak in the upper bound) [benchmark.ids, benchmark.validation]"])
    }
}
