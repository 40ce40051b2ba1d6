import Datasets
import Foundation
import RunStore
import Testing
@testable import Planning
import TestSupport

func plan(_ text: String, data: DataHashes = .unavailable) throws -> [PlannedRun] {
    let e = try ExperimentParser.parse(text, path: "e.toml")
    return try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: data)
}

@Suite struct RunPlanTests {
    @Test func gridExpandsInAStableDocumentedOrder() throws {
        let runs = try plan(experimentText(grid: """
            methods = ["baseline", "global+local", "benchmark"]
            budgets = ["tr2", "tr1"]
            combinations = ["c1"]
            seeds = [3, 1]
            """))
        #expect(runs.map(\.runKey) == [
            "baseline_tr2_c1_s3", "baseline_tr2_c1_s1", "baseline_tr1_c1_s3", "baseline_tr1_c1_s1",
            "pretrain-global-GD_s3", "pretrain-local-GD-LR_s3", "global-GD+local-LR_tr2_c1_s3",
            "pretrain-global-GD_s1", "pretrain-local-GD-LR_s1", "global-GD+local-LR_tr2_c1_s1",
            "global-GD+local-LR_tr1_c1_s3", "global-GD+local-LR_tr1_c1_s1",
            "benchmark_trall_s3", "benchmark_trall_s1",
        ])
        #expect(runs.map(\.index) == Array(1...14))
        #expect(runs[0].output == "out/runs/baseline_tr2_c1_s3.h5")
        #expect(runs[5].dependencies == ["pretrain-global-GD_s3"])
        #expect(runs[6].dependencies == ["pretrain-local-GD-LR_s3"])
        #expect(runs[4].output.hasPrefix("out/pretrain/global-GD_s3-") && runs[4].output.hasSuffix(".h5"))
        // Stability: the same experiment gives the same list, configs and identities.
        #expect(try plan(experimentText(grid: """
            methods = ["baseline", "global+local", "benchmark"]
            budgets = ["tr2", "tr1"]
            combinations = ["c1"]
            seeds = [3, 1]
            """)) == runs)
        // Every dependency comes earlier.
        for r in runs {
            for d in r.dependencies { #expect(runs.firstIndex { $0.runKey == d }! < r.index - 1) }
        }
    }

    @Test func preTrainingIsSharedAndIdentifiedByItsOwnConfig() throws {
        let runs = try plan(experimentText())
        let global1 = runs.filter { $0.runKey == "pretrain-global-GD_s1" }
        #expect(global1.count == 1)
        let users = runs.filter { $0.dependencies == ["pretrain-global-GD_s1"] }
        #expect(users.map(\.runKey) == ["global-GD_tr1_c1_s1", "global-GD_tr1_c2_s1", "global-GD_tr2_c1_s1",
                                        "global-GD_tr2_c2_s1", "pretrain-local-GD-LR_s1"])
        let key = { (runs: [PlannedRun], name: String) in runs.first { $0.runKey == name }!.identity }

        // A fine-tuning parameter leaves pre-training identities alone.
        let ft = try plan(experimentText(extra: "[stage.finetune]\niterations = 77"))
        #expect(key(ft, "pretrain-global-GD_s1") == key(runs, "pretrain-global-GD_s1"))
        #expect(key(ft, "pretrain-local-GD-LR_s1") == key(runs, "pretrain-local-GD-LR_s1"))
        #expect(key(ft, "global-GD_tr1_c1_s1") != key(runs, "global-GD_tr1_c1_s1"))
        // A pre-training parameter changes that stage's identity, and everything downstream.
        let pre = try plan(experimentText(extra: "[stage.pretrain-global]\ntemperature = 0.5"))
        #expect(key(pre, "pretrain-global-GD_s1") != key(runs, "pretrain-global-GD_s1"))
        #expect(key(pre, "pretrain-local-GD-LR_s1") != key(runs, "pretrain-local-GD-LR_s1"))
        #expect(key(pre, "global-GD_tr1_c1_s1") != key(runs, "global-GD_tr1_c1_s1"))
        #expect(key(pre, "baseline_tr1_c1_s1") == key(runs, "baseline_tr1_c1_s1"))
        #expect(pre.first { $0.runKey == "pretrain-global-GD_s1" }!.output != runs.first { $0.runKey == "pretrain-global-GD_s1" }!.output)
        // A local parameter leaves the global stage alone.
        let loc = try plan(experimentText(extra: "[stage.pretrain-local]\ndecoder_blocks = 2"))
        #expect(key(loc, "pretrain-global-GD_s1") == key(runs, "pretrain-global-GD_s1"))
        #expect(key(loc, "pretrain-local-GD-LR_s1") != key(runs, "pretrain-local-GD-LR_s1"))
        // The seed is part of the identity.
        #expect(key(runs, "pretrain-global-GD_s1") != key(runs, "pretrain-global-GD_s3"))
    }

    @Test func dataHashesEnterTheIdentity() throws {
        let split = try SplitFileParser.read(phantomSplitPath)
        var hashes: [String: (image: String, label: String)] = [:]
        for id in split.dataset.ids { hashes[id] = (String(repeating: "a", count: 64), String(repeating: "b", count: 64)) }
        let a = try plan(experimentText(), data: DataHashes(byID: hashes))
        #expect(a.allSatisfy { !$0.provisional })
        let pooled = split.pool!.ids[0]
        hashes[pooled] = (String(repeating: "c", count: 64), hashes[pooled]!.label)
        let b = try plan(experimentText(), data: DataHashes(byID: hashes))
        #expect(a.first { $0.runKey == "pretrain-global-GD_s1" }!.identity != b.first { $0.runKey == "pretrain-global-GD_s1" }!.identity)
        let u = try plan(experimentText())
        #expect(u.allSatisfy { $0.provisional })
        #expect(u.first!.identity != a.first!.identity)
    }

    @Test func anUnfinishedPhantomLeavesTheIdentitiesProvisional() throws {
        // A generation stopped part way: some volumes written, phantom.json (written last) missing. The
        // plan must not fail on the volumes that are not there; it is provisional until `cseg run` regenerates.
        let (root, text) = try unfinishedPhantom("plan")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let e = try ExperimentParser.parse(text, path: "e.toml")
        let split = try SplitFileParser.read(e.data.split)
        let hashes = try DataHashes.compute(for: e, ids: split.dataset.ids)
        #expect(hashes == .unavailable)
        let plan = try RunPlanner.plan(e, split: split, data: hashes)
        #expect(plan.allSatisfy { $0.provisional })
    }

    @Test func augmentationFollowsTheMethodAndTheExperiment() throws {
        func augmentation(_ method: String, extra: String = "") throws -> [String: Any] {
            let runs = try plan(experimentText(grid: """
                methods = ["\(method)"]
                budgets = ["tr1"]
                combinations = ["c1"]
                seeds = [1]
                """, extra: extra))
            let object = try #require(try JSONSerialization.jsonObject(with: Data(runs.last!.configJSON.utf8)) as? [String: Any])
            return try #require(object["augmentation"] as? [String: Any])
        }
        let off = try augmentation("global+local-noaug")
        #expect(off["affine"] as? Bool == false && off["elastic"] as? Bool == false && off["intensity"] as? Bool == false)
        let intensity = try augmentation("intensity")
        #expect(intensity["affine"] as? Bool == true && intensity["intensity"] as? Bool == true)
        #expect(intensity["intensity_draws"] as? String == "perImage")
        let custom = try augmentation("baseline", extra: """
            [augmentation]
            elastic = false
            intensity = true
            intensity_draws = "per-half"
            """)
        #expect(custom["affine"] as? Bool == true && custom["elastic"] as? Bool == false)
        #expect(custom["intensity"] as? Bool == true && custom["intensity_draws"] as? String == "perHalf")
        let keys = try plan(experimentText(grid: """
            methods = ["baseline", "baseline-noaug", "global-noaug", "mixup-noaug"]
            budgets = ["tr1"]
            combinations = ["c1"]
            seeds = [1]
            """)).filter { $0.stage == .finetune }.map(\.runKey)
        #expect(keys == ["baseline_tr1_c1_s1", "baseline-noaug_tr1_c1_s1", "global-GD-noaug_tr1_c1_s1", "mixup-noaug_tr1_c1_s1"])
    }

    @Test func configsAreCanonicalJSONWithOnlyTheirOwnSettings() throws {
        let runs = try plan(experimentText(grid: """
            methods = ["global+mixup"]
            budgets = ["tr1"]
            combinations = ["c2"]
            seeds = [1]
            """))
        let ft = runs.last!
        let object = try #require(try JSONSerialization.jsonObject(with: Data(ft.configJSON.utf8)) as? [String: Any])
        #expect(object["method"] as? String == "global+mixup")
        #expect(object["mixup"] != nil && object["self_train"] == nil)
        // Every run records its augmentation: the original's affine + elastic by default (spec §5.4).
        let augmentation = try #require(object["augmentation"] as? [String: Any])
        #expect(augmentation["affine"] as? Bool == true && augmentation["elastic"] as? Bool == true)
        #expect(augmentation["elastic_sigma"] as? Double == 5 && augmentation["intensity"] as? Bool == false)
        let split = try #require(object["split"] as? [String: Any])
        #expect(split["key"] as? String == "tr1" && split["combination"] as? String == "c2")
        #expect(split["train"] as? [String] == ["015"])
        #expect(object["initialised_from"] as? String == runs[0].identity)
        #expect(!ft.configJSON.contains(" ") && !ft.configJSON.contains("\n"))
        let pre = try #require(try JSONSerialization.jsonObject(with: Data(runs[0].configJSON.utf8)) as? [String: Any])
        #expect(pre["stage"] as? String == "pretrain-global" && pre["finetune"] == nil && pre["split"] == nil)
    }

    @Test func aRunIsCompleteOnlyWithAVerifiedFileHoldingItsConfig() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("PlanTests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir + "/runs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let runs = try plan(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\", \"c2\"]\nseeds = [1]")
            .replacingOccurrences(of: "output = \"out\"", with: "output = \"\(dir)\""))
        #expect(RunPlanner.pending(runs).count == 2)
        func record(_ r: PlannedRun, config: String) -> RunRecord {
            RunRecord(runKey: r.runKey, stage: r.stage.rawValue, configJSON: config,
                      provenance: RunProvenance(harnessVersion: "t", gitCommit: "t", gitDirty: false, toolchain: "t", libraries: [],
                                                openBLASCore: "t", openBLASThreads: 1, engineThreads: 1, cpuModel: "t"),
                      volatile: RunVolatile(host: "h", startedUTC: "", finishedUTC: "", timings: [], dataRoot: ""),
                      seeds: [RunSeed(purpose: "run", value: r.seed)],
                      inputs: RunInputs(splitSHA256: "", volumes: [], dependencies: []),
                      curves: RunCurves(trainSteps: [], losses: [], learningRate: [], validationSteps: [], validationDice: [], bestStep: -1),
                      metrics: nil, bestWeights: nil, finalWeights: [], activations: nil, predictions: [])
        }
        try RunFileWriter.write(record(runs[0], config: runs[0].configJSON), to: runs[0].output)
        try RunFileWriter.write(record(runs[1], config: runs[0].configJSON), to: runs[1].output)  // stale config
        #expect(RunPlanner.pending(runs).map(\.runKey) == ["baseline_tr1_c2_s1"])
    }
}

@Suite struct MethodVariantTests {
    static let grid = """
        methods = ["baseline", "global", "global+local"]
        budgets = ["tr1"]
        combinations = ["c1"]
        seeds = [1]
        """

    @Test("[grid.variants] expands one method over other global variants and leaves the rest on global_variants")
    func perMethodVariants() throws {
        let runs = try plan(experimentText(grid: Self.grid, extra: """

            [grid.variants]
            global = ["GR", "GD"]
            """))
        #expect(runs.map(\.runKey) == [
            "baseline_tr1_c1_s1",
            "pretrain-global-GR_s1", "global-GR_tr1_c1_s1", "pretrain-global-GD_s1", "global-GD_tr1_c1_s1",
            "pretrain-local-GD-LR_s1", "global-GD+local-LR_tr1_c1_s1",
        ])
    }

    @Test("[grid.variants] names only pre-training methods of the grid, and only known variants")
    func perMethodVariantErrors() {
        #expect(parseError(experimentText(grid: Self.grid, extra: "\n[grid.variants]\nbaseline = [\"GR\"]"))
            == "/x/e.toml: grid.variants.baseline: not a pre-training method of grid.methods (global, global+local)")
        #expect(parseError(experimentText(grid: Self.grid, extra: "\n[grid.variants]\nglobl = [\"GR\"]"))
            == "/x/e.toml: grid.variants.globl: not a pre-training method of grid.methods (global, global+local); did you mean \"global\"?")
        #expect(parseError(experimentText(grid: Self.grid, extra: "\n[grid.variants]\nglobal = [\"GX\"]"))
            == "/x/e.toml: grid.variants.global[0]: unknown variant \"GX\" (valid: GR, GDminus, GD); did you mean \"GR\"?")
    }
}
