import Datasets
import Foundation
import Testing
@testable import Planning
import TestSupport

@Suite("Ablations: one pre-training setting at several values")
struct AblationTests {
    static func plan(_ extra: String, methods: String = "[\"baseline\", \"global\", \"global+local\"]") throws -> [PlannedRun] {
        let e = try ExperimentParser.parse(experimentText(grid: "methods = \(methods)\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]",
                                                          extra: extra), path: "/x/e.toml")
        return try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable)
    }

    static func config(_ r: PlannedRun) throws -> [String: Any] {
        try #require(JSONSerialization.jsonObject(with: Data(r.configJSON.utf8)) as? [String: Any])
    }

    @Test("S at 2 and 4: the global and local stages and their fine-tuning runs are planned per value, with the value in key and config; random init once")
    func partitions() throws {
        let plan = try Self.plan("[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2, 4]")
        #expect(plan.map(\.runKey) == [
            "baseline_tr1_c1_s1",
            "pretrain-global-GD@S=2_s1", "global-GD@S=2_tr1_c1_s1",
            "pretrain-local-GD-LR@S=2_s1", "global-GD+local-LR@S=2_tr1_c1_s1",
            "pretrain-global-GD@S=4_s1", "global-GD@S=4_tr1_c1_s1",
            "pretrain-local-GD-LR@S=4_s1", "global-GD+local-LR@S=4_tr1_c1_s1",
        ])
        #expect(plan.map(\.index) == Array(1...9))
        let byKey = Dictionary(uniqueKeysWithValues: plan.map { ($0.runKey, $0) })
        let s2 = try Self.config(byKey["pretrain-global-GD@S=2_s1"]!), s4 = try Self.config(byKey["pretrain-global-GD@S=4_s1"]!)
        #expect((s2["settings"] as? [String: Any])?["partitions"] as? Int == 2 && (s4["settings"] as? [String: Any])?["partitions"] as? Int == 4)
        #expect(byKey["pretrain-local-GD-LR@S=4_s1"]!.dependencies == ["pretrain-global-GD@S=4_s1"])
        #expect(byKey["global-GD+local-LR@S=2_tr1_c1_s1"]!.dependencies == ["pretrain-local-GD-LR@S=2_s1"])
        #expect(try Self.config(byKey["global-GD@S=4_tr1_c1_s1"]!)["ablation"] as? String == "S=4")
        #expect(try Self.config(byKey["baseline_tr1_c1_s1"]!)["ablation"] == nil)
        #expect(byKey["global-GD@S=2_tr1_c1_s1"]!.output.hasSuffix("/runs/global-GD@S=2_tr1_c1_s1.h5"))
    }

    @Test("S with G^R beside G^D: G^R ignores partitions, so it is planned once at the file's S, with no value in its key; τ reaches G^R")
    func partitionsSkipRandomGlobal() throws {
        let plan = try Self.plan("[grid.variants]\nglobal = [\"GR\", \"GD\"]\n[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2, 4]",
                                 methods: "[\"global\"]")
        #expect(plan.map(\.runKey) == ["pretrain-global-GR_s1", "global-GR_tr1_c1_s1",
                                       "pretrain-global-GD@S=2_s1", "global-GD@S=2_tr1_c1_s1",
                                       "pretrain-global-GD@S=4_s1", "global-GD@S=4_tr1_c1_s1"])
        let gr = try Self.config(plan[0])
        #expect((gr["settings"] as? [String: Any])?["partitions"] as? Int == Preset.quick.settings(for: .acdc).pretrainGlobal.partitions)
        #expect(plan[1].ablation == nil && plan[3].ablation == "S=2")
        let tau = try Self.plan("[grid.variants]\nglobal = [\"GR\"]\n[ablation]\nsetting = \"stage.pretrain-global.temperature\"\nvalues = [0.1, 0.2]",
                                methods: "[\"global\"]")
        #expect(tau.map(\.runKey) == ["pretrain-global-GR@tauG=0.1_s1", "global-GR@tauG=0.1_tr1_c1_s1",
                                      "pretrain-global-GR@tauG=0.2_s1", "global-GR@tauG=0.2_tr1_c1_s1"])
    }

    @Test("l at 1 and 3: the global stage and its fine-tuning runs are shared by both values; only the local stage and what follows it vary")
    func decoderBlocks() throws {
        let plan = try Self.plan("[ablation]\nsetting = \"stage.pretrain-local.decoder_blocks\"\nvalues = [1, 3]")
        #expect(plan.map(\.runKey) == [
            "baseline_tr1_c1_s1", "pretrain-global-GD_s1", "global-GD_tr1_c1_s1",
            "pretrain-local-GD-LR@l=1_s1", "global-GD+local-LR@l=1_tr1_c1_s1",
            "pretrain-local-GD-LR@l=3_s1", "global-GD+local-LR@l=3_tr1_c1_s1",
        ])
        #expect(plan.filter { $0.stage == .pretrainLocal }.allSatisfy { $0.dependencies == ["pretrain-global-GD_s1"] })
    }

    @Test("temperatures take numbers; the ablation leaves a grid without it byte-identical")
    func temperatureAndNoAblation() throws {
        let plan = try Self.plan("[ablation]\nsetting = \"stage.pretrain-global.temperature\"\nvalues = [0.1, 0.5]", methods: "[\"global\"]")
        #expect(plan.map(\.runKey) == ["pretrain-global-GD@tauG=0.1_s1", "global-GD@tauG=0.1_tr1_c1_s1",
                                       "pretrain-global-GD@tauG=0.5_s1", "global-GD@tauG=0.5_tr1_c1_s1"])
        let plain = try Self.plan("")
        #expect(plain.map(\.runKey) == ["baseline_tr1_c1_s1", "pretrain-global-GD_s1", "global-GD_tr1_c1_s1",
                                        "pretrain-local-GD-LR_s1", "global-GD+local-LR_tr1_c1_s1"])
        #expect(!plain.contains { $0.configJSON.contains("ablation") })
    }

    @Test("bad ablations name the file and key: unknown setting (with the nearest), set twice, used by no method, out of range, listed twice")
    func errors() {
        let p = "/x/e.toml"
        func ablation(_ body: String, methods: String = "[\"baseline\", \"global\", \"global+local\"]") -> String {
            parseError(experimentText(grid: "methods = \(methods)\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]", extra: body))
        }
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-global.partition\"\nvalues = [2]") ==
                "\(p): ablation.setting: \"stage.pretrain-global.partition\" is not a setting the harness ablates (valid: \(Ablation.Setting.allCases.map(\.rawValue).joined(separator: ", "))); did you mean \"stage.pretrain-global.partitions\"?")
        #expect(ablation("[stage.pretrain-global]\npartitions = 3\n[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2]") ==
                "\(p): stage.pretrain-global.partitions: is set by [ablation] (ablation.setting); remove it here")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-local.decoder_blocks\"\nvalues = [1, 2]", methods: "[\"baseline\", \"global\"]") ==
                "\(p): ablation.setting: stage.pretrain-local.decoder_blocks is used by no method of grid.methods (it needs a global+local pre-training method)")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-local.region_size\"\nvalues = [0, 2]") ==
                "\(p): ablation.values[1]: 2 is out of range for stage.pretrain-local.region_size (0…1)")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2, 4]",
                         methods: "[\"global\"]\nglobal_variants = [\"GR\"]") ==
                "\(p): ablation.setting: stage.pretrain-global.partitions is used by no method of grid.methods (it needs a global or global+local pre-training method with a G^D- or G^D variant: G^R ignores partitions)")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-local.decoder_blocks\"\nvalues = [1, 6]") ==
                "\(p): ablation.values[1]: 6 is out of range for stage.pretrain-local.decoder_blocks (1…5)")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-local.temperature\"\nvalues = [0.1, -1]") ==
                "\(p): ablation.values[1]: -1.0 is out of range for stage.pretrain-local.temperature (a positive number)")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2, 2]") ==
                "\(p): ablation.values: lists 2 twice")
        #expect(ablation("[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalue = [2]").hasPrefix("\(p): ablation.value: unknown key"))
    }

    @Test("the shipped S ablations take S = 2, 3, 4, 6 (that each fits its batch and pool is ShippedExperimentTests' check)")
    func shippedFilesAreRunnable() throws {
        let files = ["experiments/phantom-ablation-partitions.toml", "experiments/paper/acdc-ablation-partitions.toml"]
        for f in files {
            let e = try ExperimentParser.read("\(repoRoot)/\(f)")
            let a = try #require(e.ablation, "\(f)")
            #expect(a.setting == .partitions && a.variants.map(\.value) == ["2", "3", "4", "6"], "\(f)")
        }
        let phantom = try RunPlanner.plan(try ExperimentParser.read("\(repoRoot)/\(files[0])"),
                                          split: try SplitFileParser.read(phantomSplitPath), data: .unavailable)
        #expect(phantom.count == 24 && phantom.filter { $0.stage == .pretrainGlobal }.count == 4)
    }
}
