import Datasets
import Foundation
import RunStore
import Testing
@testable import Planning
import TestSupport

func parseError(_ text: String, path: String = "/x/e.toml") -> String {
    do {
        _ = try ExperimentParser.parse(text, path: path)
        return "no error"
    } catch {
        return "\(error)"
    }
}

func planError(_ text: String) -> String {
    do {
        let e = try ExperimentParser.parse(text, path: "/x/e.toml")
        _ = try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable)
        return "no error"
    } catch {
        return "\(error)"
    }
}

@Suite struct ExperimentParsingTests {
    @Test func theShippedPhantomExperimentParses() throws {
        let e = try ExperimentParser.read(repoRoot + "/experiments/phantom-quick.toml")
        #expect(e.name == "phantom-quick")
        #expect(e.preset == .quick)
        #expect(e.data.kind == .phantom && e.data.layout == .acdc)
        #expect(e.data.root == repoRoot + "/data/phantom")
        #expect(e.data.split == phantomSplitPath)
        let science = try ExperimentParser.read(repoRoot + "/experiments/phantom-science.toml")
        #expect(science.output == e.output && science.archive == repoRoot + "/results/phantom-quick", "the science grid grows across sessions")
        #expect(e.output == repoRoot + "/runs/phantom-quick" && e.archive == nil, "the demo trains end to end in a fresh clone")
        // Its committed report is rendered from the science grid's archive (`cseg report --archive`), which
        // holds every demo run only if the demo's runs are the science grid's: same keys, configs and files.
        let data = DataHashes.unavailable
        let phantomSplit = try SplitFileParser.read(e.data.split)
        let demo = try RunPlanner.plan(e, split: phantomSplit, data: data), grid = try RunPlanner.plan(science, split: phantomSplit, data: data)
        let byKey = Dictionary(uniqueKeysWithValues: grid.map { ($0.runKey, $0) })
        for r in demo {
            let s = try #require(byKey[r.runKey], "\(r.runKey) is not in the science grid")
            #expect(s.configJSON == r.configJSON && s.output == r.output, "\(r.runKey) differs from the science grid's")
        }
        // The convergence check (issue 13 item 3) adds seed 3 to the science grid's baseline and
        // benchmark: its seed-1 and seed-2 runs must be the science grid's, the others its own.
        let convergence = try ExperimentParser.read(repoRoot + "/experiments/phantom-convergence.toml")
        #expect(convergence.output == science.output && convergence.archive == science.archive)
        let check = try RunPlanner.plan(convergence, split: phantomSplit, data: data)
        #expect(check.count == 9)
        for r in check {
            if let s = byKey[r.runKey] {
                #expect(s.configJSON == r.configJSON && s.output == r.output, "\(r.runKey) differs from the science grid's")
            } else {
                #expect(r.seed == 3, "\(r.runKey) is neither the science grid's nor a seed-3 run")
            }
        }
        #expect(e.data.phantomVolumes == 40 && e.data.phantomSeed == 1)
        #expect(e.grid.methods.map(\.name) == ["baseline", "self-train", "mixup", "global", "global+local", "benchmark"])
        #expect(e.settings.finetune.validateEvery == 100)
        let split = try SplitFileParser.read(e.data.split)
        #expect(try RunPlanner.plan(e, split: split, data: .unavailable).count > 0)
    }

    @Test("every experiments/paper grid plans without data; combinations = \"all\" runs each budget over the split's own combinations")
    func thePaperGridsPlan() throws {
        let dir = repoRoot + "/experiments/paper"
        let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".toml") }.sorted()
        #expect(files.count == 21)
        for f in files {
            let e = try ExperimentParser.read("\(dir)/\(f)")
            #expect(e.preset == .paper && e.grid.allCombinations, "\(f)")
            let split = try SplitFileParser.read(e.data.split)
            let plan = try RunPlanner.plan(e, split: split, data: .unavailable)
            let baselines = plan.filter { $0.method == "baseline" }.map(\.runKey)
            let expected = e.grid.budgets.flatMap { b in split.labelled.filter { $0.key == b }.map { "baseline_\(b)_\($0.combination)_s1" } }
            #expect(baselines == expected, "\(f)")
            if let a = e.ablation {
                // An ablation: random init once, every value's runs under its own keys.
                // tr1 and tr2 over the original's combinations: 5 + 5 (MM-WHS has no tr2 c5).
                #expect(f.contains("-ablation-") && baselines.count == (f.hasPrefix("mmwhs") ? 9 : 10), "\(f)")
                for v in a.variants { #expect(plan.contains { $0.runKey.contains("@\(v.label(a.setting))_") }, "\(f): \(v.value)") }
                continue
            }
            // The original's combinations: 5, 5 and 3 (MM-WHS has no tr2 c5).
            #expect(baselines.count == (f.hasPrefix("mmwhs") ? 12 : 13), "\(f)")
        }
        #expect(parseError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = \"some\"\nseeds = [1]")) ==
                "/x/e.toml: grid.combinations: must be a list of combination keys or \"all\"")
    }

    @Test func presetsAndOverrides() throws {
        let paper = Preset.paper.settings(for: .acdc)
        #expect(paper.scale == ScaleSettings(inputSize: 192, targetSpacing: [1.36719, 1.36719], channelMultiplier: 1))
        #expect(paper.pretrainGlobal.iterations == 10001 && paper.pretrainGlobal.batchSize == 12)
        #expect(paper.pretrainLocal.lrSlices == 10 && paper.pretrainLocal.decoderBlocks == 3)
        #expect(paper.finetune == FinetuneSettings(iterations: 10001, batchSize: 20, learningRate: 1e-3, validateEvery: 50))
        #expect(Preset.paper.settings(for: .mmwhs).scale.inputSize == 160)
        let quick = Preset.quick.settings(for: .mmwhs)
        // Same field of view: 160 × 1.5 mm = 96 × 2.5 mm.
        #expect(quick.scale.inputSize == 96 && quick.scale.targetSpacing == [2.5, 2.5] && quick.scale.channelMultiplier == 0.5)
        let e = try ExperimentParser.parse(experimentText(extra: """
            [network]
            channel_multiplier = 0.75
            [stage.pretrain-global]
            iterations = 7
            faithful_2020 = true
            learning_rate = 1
            [stage.pretrain-pretext]
            iterations = 9
            inpainting_placement = "centre"
            [stage.finetune]
            batch_size = 3
            [method.mixup]
            alpha = 0.4
            """), path: "e.toml")
        #expect(e.settings.scale.channelMultiplier == 0.75)
        #expect(e.settings.pretrainGlobal.iterations == 7 && e.settings.pretrainGlobal.faithful2020)
        #expect(e.settings.pretrainGlobal.learningRate == 1.0)
        #expect(e.settings.finetune.batchSize == 3 && e.settings.finetune.iterations == 3000)
        #expect(e.settings.mixup.alpha == 0.4)
        #expect(e.settings.pretrainPretext.iterations == 9 && e.settings.pretrainPretext.inpaintingPlacement == .centre)
        #expect(e.settings.pretrainPretext.batchSize == 12 && quick.pretrainPretext.contextSwaps == 10)
        #expect(paper.pretrainPretext.iterations == 10001 && paper.pretrainPretext.batchSize == 20)
        #expect(e.data.root == "data/none" && e.output == "out")
    }

    @Test func methodNamesRoundTrip() {
        for name in Method.allNames { #expect(Method(name: name)?.name == name) }
        // 16 methods (13 + the three pretext baselines), and the 12 of them that can drop their augmentation
        // (not intensity, not the benchmark).
        #expect(Method.allNames.count == 28)
        #expect(Method(name: "rotation") == Method(pretraining: .rotation, addition: nil, benchmark: false))
        #expect(Method(name: "context-restoration-noaug") == Method(pretraining: .contextRestoration, addition: nil, benchmark: false, augmented: false))
        #expect(Method(name: "inpainting+mixup") == nil && Method(name: "rotation+local") == nil)
        #expect(Method(name: "inpainting")!.runKeyPrefix(global: nil, local: nil) == "inpainting")
        #expect(Method(name: "global")!.runKeyPrefix(global: .GD, local: nil) == "global-GD")
        #expect(Method(name: "global+local+self-train") == Method(pretraining: .globalLocal, addition: .selfTrain, benchmark: false))
        #expect(Method(name: "global+local+mixup-noaug") == Method(pretraining: .globalLocal, addition: .mixup, benchmark: false, augmented: false))
        #expect(Method(name: "baseline-noaug")?.augmented == false && Method(name: "baseline")?.augmented == true)
        #expect(Method(name: "intensity-noaug") == nil && Method(name: "benchmark-noaug") == nil)
        #expect(Method(name: "local") == nil)
        #expect(Method(name: "augment+global") == nil)
        #expect(Method(name: "augment") == nil)
    }

    @Test("an archive overlaps output by the directories the paths name, however they are spelled")
    func archiveOverlapIsByAbsolutePath() throws {
        let cwd = FileManager.default.currentDirectoryPath
        #expect(ExperimentParser.archiveOverlaps("runs/x", output: "runs/x"))
        #expect(ExperimentParser.archiveOverlaps("runs/x/archive", output: "runs/x"))
        #expect(ExperimentParser.archiveOverlaps("runs", output: "runs/x"), "an archive containing output")
        #expect(ExperimentParser.archiveOverlaps("\(cwd)/runs/x/archive", output: "runs/x"), "absolute against relative")
        #expect(ExperimentParser.archiveOverlaps("runs/y/../x/", output: "./runs/x"))
        #expect(ExperimentParser.archiveOverlaps(".", output: "runs/x"), "the working directory holds every relative path")
        #expect(!ExperimentParser.archiveOverlaps("runs/x-archive", output: "runs/x"), "a shared name prefix is not a shared directory")
        #expect(!ExperimentParser.archiveOverlaps("results/x", output: "runs/x"))
        #expect(!ExperimentParser.archiveOverlaps("/elsewhere/x", output: "runs/x"))

        // A symbolic link to output is output.
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-overlap-\(getpid())").path
        try FileManager.default.createDirectory(atPath: "\(dir)/runs", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: "\(dir)/link", withDestinationPath: "\(dir)/runs")
        #expect(ExperimentParser.archiveOverlaps("\(dir)/link/archive", output: "\(dir)/runs"))
        #expect(!ExperimentParser.archiveOverlaps("\(dir)/other", output: "\(dir)/runs"))
    }

    @Test func everyErrorNamesFileKeyAndNearestKey() {
        let p = "/x/e.toml"
        #expect(parseError(experimentText(extra: "[stage.finetune]\niteratons = 5")) ==
                "\(p): stage.finetune.iteratons: unknown key (valid here: iterations, batch_size, learning_rate, validate_every); did you mean \"stage.finetune.iterations\"?")
        #expect(parseError(experimentText(extra: "[stage.finetune]\niterations = \"5\"")) ==
                "\(p): stage.finetune.iterations: must be an integer, found a string")
        #expect(parseError(experimentText(extra: "[stage.finetune]\niterations = 0")) ==
                "\(p): stage.finetune.iterations: must be at least 1, got 0")
        #expect(parseError(experimentText(extra: "[stage.fine-tune]\niterations = 5")) ==
                "\(p): stage.fine-tune: unknown key (valid here: pretrain-global, pretrain-local, pretrain-pretext, finetune); did you mean \"stage.finetune\"?")
        #expect(parseError(experimentText(extra: "[stage.pretrain-pretext]\ninpainting_placement = \"center\"")) ==
                "\(p): stage.pretrain-pretext.inpainting_placement: unknown value \"center\" (valid: random, centre, variable); did you mean \"centre\"?")
        #expect(parseError(experimentText(extra: "[augmentation]\nintensity_draws = \"per-imag\"")) ==
                "\(p): augmentation.intensity_draws: unknown value \"per-imag\" (valid: per-image, per-half); did you mean \"per-image\"?")
        #expect(parseError(experimentText(extra: "[augmentation]\nelastc = false")).contains("did you mean \"augmentation.elastic\"?"))
        #expect(parseError(experimentText(extra: "[method.augment]\nintensity = true")).hasPrefix("\(p): method.augment: there is no augment method any more"))
        #expect(parseError(experimentText(grid: "methods = [\"global+augment\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.methods[0]: \"global+augment\" is gone: every run now trains with the original's augmentation (affine + elastic, "
                + "[augmentation]), so \"global\" is what it was; \"global-noaug\" trains without it and \"global+intensity\" adds random contrast and brightness")
        #expect(parseError(experimentText(extra: "[method.mixup]\nalpha = true")) ==
                "\(p): method.mixup.alpha: must be a number, found a bool")
        #expect(parseError(experimentText(extra: "[stage.pretrain-global]\nfaithful_2020 = 1")) ==
                "\(p): stage.pretrain-global.faithful_2020: must be true or false, found an integer")
        #expect(parseError(experimentText(extra: "[network]\ninput_size = 100")) ==
                "\(p): network.input_size: must be divisible by 32 (five poolings), got 100")
        #expect(parseError(experimentText(grid: "methods = [\"baselin\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.methods[0]: unknown method \"baselin\" (valid: \(Method.allNames.joined(separator: ", "))); did you mean \"baseline\"?")
        #expect(parseError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]\nglobal_variants = [\"GDminu\"]")) ==
                "\(p): grid.global_variants[0]: unknown variant \"GDminu\" (valid: GR, GDminus, GD); did you mean \"GDminus\"?")
        #expect(parseError(experimentText(grid: "methods = [\"baseline\", \"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.methods[1]: \"baseline\" is listed twice")
        #expect(parseError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [-1]")) ==
                "\(p): grid.seeds[0]: seeds are non-negative integers, got -1")
        #expect(parseError(experimentText(grid: "methods = []\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.methods: must not be empty")
        #expect(parseError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"all\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.budgets[0]: \"all\" is not a label budget (tr1, tr2, tr8 …)")
        #expect(parseError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]")) ==
                "\(p): grid.seeds: missing required key")
        #expect(parseError(experimentText().replacingOccurrences(of: "preset = \"quick\"", with: "preset = \"quik\"")) ==
                "\(p): preset: unknown preset \"quik\" (valid: paper, quick); did you mean \"quick\"?")
        #expect(parseError(experimentText().replacingOccurrences(of: "kind = \"phantom\"", with: "kind = \"acdcc\"")) ==
                "\(p): data.kind: unknown dataset kind \"acdcc\" (valid: acdc, prostate, mmwhs, phantom); did you mean \"acdc\"?")
        #expect(parseError(experimentText().replacingOccurrences(of: "kind = \"phantom\"", with: "kind = \"acdc\"\nphantom_seed = 2")) ==
                "\(p): data.phantom_seed: applies only to kind = \"phantom\", not \"acdc\"")
        #expect(parseError(experimentText().replacingOccurrences(of: "format = 1", with: "format = 2")) ==
                "\(p): format: is 2; this harness reads format 1")
        #expect(parseError(experimentText(extra: "outptu = \"x\"")).hasPrefix("\(p): grid.outptu: unknown key"))
        #expect(parseError("format = 1\nname = ") .hasPrefix("\(p): line 2, column"))
        #expect(planError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr3\"]\ncombinations = [\"c1\"]\nseeds = [1]")) ==
                "\(p): grid.budgets[0]: \"tr3\" is not a labelled key of \(phantomSplitPath) (keys: tr1, tr2, tr8); did you mean \"tr1\"?")
        #expect(planError(experimentText(grid: "methods = [\"baseline\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c9\"]\nseeds = [1]")) ==
                "\(p): grid.combinations[0]: \"c9\" is not a combination of tr1 in \(phantomSplitPath) (combinations: c1, c2, c3, c4, c5); did you mean \"c1\"?")
    }
}
