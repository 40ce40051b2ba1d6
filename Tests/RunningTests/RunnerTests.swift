import Datasets
import Foundation
import Imaging
import RunStore
import TestSupport
import Testing
@testable import Planning
@testable import Running

/// A tiny experiment end to end: a 6-volume phantom at 32², 2–3 steps per stage, one run of every stage
/// kind and of every fine-tuning method family.
enum TinyExperiment {
    /// The phantom, generated once per test process (by the runner itself, as on first use).
    static let directory: String = {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-runner-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try! split.write(toFile: "\(dir)/split.toml", atomically: true, encoding: .utf8)
        try! TinyPhantom.write(root: "\(dir)/phantom")
        return dir
    }()

    /// Test 005/006; pool 001–003 (validation 004); benchmark 001–003 (validation 004); tr1 c1 = 002.
    static let split = TinySplit.text

    /// Every method name there is (Method.allNames), so every method and combination trains in CI.
    static func experiment(_ name: String, methods: [String] = Method.allNames, archive: String? = nil, extra: String = "") throws -> Experiment {
        let text = """
            format = 1
            name = "\(name)"
            preset = "quick"
            output = "\(name)"
            \(archive.map { "archive = \"\($0)\"" } ?? "")

            \(TinySplit.phantomData)

            [grid]
            methods = [\(methods.map { "\"\($0)\"" }.joined(separator: ", "))]
            budgets = ["tr1"]
            combinations = ["c1"]
            seeds = [7]

            [network]
            input_size = 32
            channel_multiplier = 0.125
            target_spacing = [8.5, 8.5]

            [stage.pretrain-global]
            iterations = 2
            batch_size = 4

            [stage.pretrain-local]
            iterations = 2
            batch_size = 4
            lr_slices = 2

            [stage.pretrain-pretext]
            iterations = 2
            batch_size = 4

            [stage.finetune]
            iterations = 3
            batch_size = 4
            validate_every = 2

            [method.self-train]
            threshold = 0.3
            rounds = 1
            \(extra)
            """
        let path = "\(directory)/\(name).toml"
        try text.write(toFile: path, atomically: true, encoding: .utf8)
        return try ExperimentParser.read(path)
    }

    static let provenance = RunProvenance(harnessVersion: "test", gitCommit: "unknown", gitDirty: false, toolchain: "test",
                                          libraries: [], openBLASCore: "test", openBLASThreads: 1, engineThreads: 1, cpuModel: "test")

    static func runner(_ e: Experiment) -> ExperimentRunner { ExperimentRunner(experiment: e, provenance: provenance) }

    static func testSliceCount(_ e: Experiment) throws -> Int {
        let data = try ExperimentData(e)
        try data.prepare(["005", "006"])
        return try data.cases(["005", "006"]).map(\.slices.geometry.sliceCount).reduce(0, +)
    }

    static func plan(_ e: Experiment) throws -> [PlannedRun] {
        let split = try SplitFileParser.read(e.data.split)
        return try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
    }
}

@Suite("Experiment runner", .serialized)
struct RunnerTests {
    @Test("every stage kind and method runs end to end; files verify; pre-trained weights reach the next stage; a rerun skips everything")
    func endToEndAndRerun() throws {
        let e = try TinyExperiment.experiment("full")
        let outcomes = try TinyExperiment.runner(e).run()
        let plan = try TinyExperiment.plan(e)
        #expect(outcomes.map(\.runKey) == plan.map(\.runKey))
        #expect(outcomes.allSatisfy { !$0.skipped })
        #expect(Set(plan.map(\.stage)) == [.pretrainGlobal, .pretrainLocal, .pretrainPretext, .finetune])

        var records: [String: RunRecord] = [:]
        for r in plan {
            try RunFileVerifier.verify(r.output)
            #expect(RunCompletion.isComplete(r))
            records[r.runKey] = try RunFileReader.read(r.output)
        }
        let global = try #require(plan.first { $0.stage == .pretrainGlobal })
        let local = try #require(plan.first { $0.stage == .pretrainLocal })
        let g = records[global.runKey]!, l = records[local.runKey]!
        #expect(g.curves.trainSteps == [0, 1] && g.metrics == nil && g.predictions.isEmpty)
        // Stage 2 keeps the stage-1 encoder frozen: its trainable encoder variables are the stored ones.
        let gByName = Dictionary(uniqueKeysWithValues: g.finalWeights.map { ($0.name, $0.values) })
        for w in l.finalWeights where w.name.hasPrefix("enc_") && !w.name.contains("moving") {
            #expect(w.values == gByName[w.name], "\(w.name) changed in stage 2")
        }
        #expect(l.inputs.dependencies.map(\.contentSHA256) == [try RunFileReader.header(global.output).contentSHA256])

        // Pre-training runs probe the test slices before and after training: the global stage's g1 embeddings
        // move, the local stage's embeddings (frozen encoder, parent's g1) equal the global stage's final ones
        // and its decoder features move.
        let testSlices = try TinyExperiment.testSliceCount(e)
        let gi = try #require(g.initialActivations), gf = try #require(g.activations)
        #expect(gi.embeddingVolumeIDs.count == testSlices && gf.embeddingVolumeIDs == gi.embeddingVolumeIDs)
        #expect(gi.embeddings.count == testSlices * gi.embeddingSize && gi.embeddings != gf.embeddings)
        #expect(gf.decoderBlock == 0 && gf.decoderShape == [0, 0, 0, 0])
        #expect(Set(gf.embeddingPartitions).isSuperset(of: [0, 1, 2, 3]))
        let li = try #require(l.initialActivations), lf = try #require(l.activations)
        #expect(li.embeddings == gf.embeddings && lf.embeddings == gf.embeddings)
        #expect(lf.decoderBlock == 3 && lf.decoderVolumeIDs == ["005", "006"] && lf.decoderShape.count == 4)
        #expect(li.decoderShape == lf.decoderShape && li.decoderFeatures != lf.decoderFeatures)

        for r in plan where r.stage == .finetune {
            let rec = records[r.runKey]!
            let m = try #require(rec.metrics)
            #expect(m.volumeIDs == ["005", "006"] && m.classNames == ["RV", "Myo", "LV"] && m.dice.count == 6)
            #expect(m.dice.allSatisfy { $0.isNaN || (0...1).contains($0) })
            #expect(m.hd95.allSatisfy { $0.isNaN || $0 >= 0 })
            #expect(rec.predictions.map(\.volumeID) == ["005", "006"])
            let a = try #require(rec.activations)
            #expect(a.embeddingVolumeIDs.count == a.embeddings.count / a.embeddingSize)
            #expect(a.decoderVolumeIDs == ["005", "006"])
            // Validation after steps 0 and 2 (3 steps, every 2; 2 is also the last); self-training adds a second round's.
            let selfTrains = r.method.flatMap { Method(name: $0) }?.addition == .selfTrain
            #expect(rec.curves.validationSteps == (selfTrains ? [0, 2, 3, 5] : [0, 2]), "\(r.runKey)")
        }
        // The pretext baselines: one pre-training run per task, probed like stage 1 (embeddings through its
        // encoder and the shared fixed-seed g1) and, for the restoration tasks, decoder block l's features;
        // their fine-tuning runs record the dependency.
        for task in ["rotation", "inpainting", "context-restoration"] {
            let pre = try #require(plan.first { $0.runKey == "pretrain-\(task)_s7" }, "no pretext run for \(task)")
            let rec = records[pre.runKey]!
            #expect(rec.curves.trainSteps == [0, 1] && rec.curves.losses.map(\.name) == [task] && rec.metrics == nil)
            let a = try #require(rec.activations), i = try #require(rec.initialActivations)
            #expect(a.embeddingVolumeIDs.count == testSlices && a.embeddings != i.embeddings)
            #expect(a.decoderBlock == (task == "rotation" ? 0 : 3), "\(task)")
            let names = Set(rec.finalWeights.map(\.name))
            #expect(names.contains("rot_fc1/W") == (task == "rotation") && names.contains("seg_fin_layer/W") == (task != "rotation"), "\(task)")
            for suffix in ["", "-noaug"] {
                let ft = try #require(plan.first { $0.method == task + suffix })
                #expect(ft.runKey == "\(task)\(suffix)_tr1_c1_s7" && ft.dependencies == [pre.runKey])
                #expect(records[ft.runKey]!.inputs.dependencies.map(\.runKey) == [pre.runKey])
            }
        }

        // Fine-tuning from stage 2 starts from its encoder and decoder: the dependency is recorded.
        let ft = try #require(plan.first { $0.method == "global+local+mixup" })
        #expect(records[ft.runKey]!.inputs.dependencies.map(\.runKey) == [local.runKey])

        // Predictions export as NIfTI that reads back to the same labels, grid and affine as the reference.
        let baseline = try #require(plan.first { $0.method == "baseline" })
        let exported = try PredictionExport.write(runFile: baseline.output, to: "\(TinyExperiment.directory)/export")
        #expect(exported.map { ($0 as NSString).lastPathComponent } == ["005.nii.gz", "006.nii.gz"])
        let data = try ExperimentData(e)
        try data.prepare(["005", "006"])
        for (path, prediction) in zip(exported, records[baseline.runKey]!.predictions) {
            let image = try NIfTI.read(path)
            let reference = try data.case(prediction.volumeID).reference
            #expect(image.volume.shape == reference.shape && image.volume.affine == reference.affine)
            #expect(image.volume.spacing.map { Float($0) } == reference.spacing.map { Float($0) })
            #expect(image.volume.voxels == prediction.volume.voxels)
            #expect(image.header.datatype == .uint8)
            // The input image's header, as it is stored (issue 15 item 3).
            let input = try NIfTI.readHeader(try Dataset(kind: e.data.layout, root: e.data.root).files(for: prediction.volumeID).image)
            #expect(image.header.dims == input.dims && image.header.pixdim == input.pixdim && image.header.xyzUnits == input.xyzUnits)
            #expect(image.header.qformCode == input.qformCode && image.header.sformCode == input.sformCode)
            #expect(image.header.qform == input.qform && image.header.sform == input.sform)
        }

        let again = try TinyExperiment.runner(e).run()
        #expect(again.allSatisfy(\.skipped) && again.count == plan.count)
    }

    @Test("two runs of the same experiment give the same content hash for every run file")
    func determinism() throws {
        let methods = ["baseline", "baseline-noaug", "intensity", "mixup", "global+local"]
        let a = try TinyExperiment.experiment("det-a", methods: methods)
        let b = try TinyExperiment.experiment("det-b", methods: methods)
        try TinyExperiment.runner(a).run()
        try TinyExperiment.runner(b).run()
        let planA = try TinyExperiment.plan(a), planB = try TinyExperiment.plan(b)
        #expect(planA.map(\.runKey) == planB.map(\.runKey))
        for (ra, rb) in zip(planA, planB) {
            let ha = try RunFileReader.header(ra.output).contentSHA256, hb = try RunFileReader.header(rb.output).contentSHA256
            #expect(ha == hb, "\(ra.runKey) differs between two runs")
        }
    }

    @Test("--index runs exactly one plan entry, and refuses one whose dependency is not complete")
    func indexRunsOne() throws {
        let e = try TinyExperiment.experiment("index", methods: ["baseline", "global"])
        let plan = try TinyExperiment.plan(e)
        let finetune = try #require(plan.first { $0.method == "global" })
        #expect(throws: RunnerError.self) { try TinyExperiment.runner(e).run(.index(finetune.index)) }
        let outcomes = try TinyExperiment.runner(e).run(.index(1))
        #expect(outcomes.map(\.runKey) == [plan[0].runKey])
        #expect(plan.map { FileManager.default.fileExists(atPath: $0.output) } == plan.map { $0.index == 1 })
    }

    @Test("the phantom is generated only when phantom.json is missing, and only for phantom experiments")
    func phantomOnFirstUse() throws {
        let e = try TinyExperiment.experiment("full")
        #expect(try ExperimentData.ensurePhantom(e, harnessVersion: "test") == false)
        var missing = e
        missing.data.root = "\(TinyExperiment.directory)/no-phantom-here"
        missing.data.kind = .acdc
        #expect(try ExperimentData.ensurePhantom(missing, harnessVersion: "test") == false)
        #expect(!FileManager.default.fileExists(atPath: missing.data.root))
    }

    @Test("a finished run made from other data is computed again: a volume file replaced under the same id makes every run that read it incomplete, and only those")
    func dataChangeRecomputes() throws {
        var e = try TinyExperiment.experiment("data-change", methods: ["baseline", "benchmark"])
        // A copy of the phantom, so the other tests' data stay as they are.
        let root = "\(TinyExperiment.directory)/data-change-phantom"
        try? FileManager.default.removeItem(atPath: root)
        try FileManager.default.copyItem(atPath: "\(TinyExperiment.directory)/phantom", toPath: root)
        e.data.root = root
        let first = try TinyExperiment.runner(e).run()
        #expect(first.count == 2 && first.allSatisfy { !$0.skipped })
        let before = try TinyExperiment.plan(e)
        #expect(before.allSatisfy { RunCompletion.isComplete($0) && $0.volumes?.isEmpty == false })

        // Volume 001 is read by the benchmark only (tr1 c1 trains on 002). Its image gets another gzip
        // header time stamp: other bytes, the same voxels, so only the hash can tell.
        let image = try Dataset(kind: e.data.layout, root: root).files(for: "001").image
        var bytes = try [UInt8](Data(contentsOf: URL(fileURLWithPath: image)))
        #expect(bytes.prefix(2) == [0x1f, 0x8b])
        bytes[4] ^= 0xff
        try Data(bytes).write(to: URL(fileURLWithPath: image))
        let after = try TinyExperiment.plan(e)
        let benchmark = try #require(after.first { $0.method == "benchmark" }), baseline = try #require(after.first { $0.method == "baseline" })
        #expect(benchmark.configJSON == before.first { $0.method == "benchmark" }?.configJSON)
        #expect(!RunCompletion.isComplete(benchmark) && RunCompletion.isComplete(baseline))
        #expect(RunCompletion.changedVolumes(try RunFileReader.inputs(benchmark.output), benchmark) == ["001 (image)"])

        var lines: [String] = []
        var runner = TinyExperiment.runner(e)
        runner.log = { lines.append($0) }
        let second = try runner.run()
        #expect(second.map(\.skipped) == after.map { $0.method == "baseline" })
        #expect(lines.contains { $0.contains("\(benchmark.runKey): its file was made from other data (volumes 001 (image)): computing it again") })
        #expect(try TinyExperiment.plan(e).allSatisfy { RunCompletion.isComplete($0) })
    }

    @Test("an ablation runs end to end: one pre-training per value, each fine-tuned from its own, keys with @tauG=… as file names; a rerun skips all")
    func ablationRuns() throws {
        let e = try TinyExperiment.experiment("ablation", methods: ["baseline", "global"],
                                              extra: "[ablation]\nsetting = \"stage.pretrain-global.temperature\"\nvalues = [0.1, 0.5]")
        let outcomes = try TinyExperiment.runner(e).run()
        #expect(outcomes.map(\.runKey) == ["baseline_tr1_c1_s7", "pretrain-global-GD@tauG=0.1_s7", "global-GD@tauG=0.1_tr1_c1_s7",
                                           "pretrain-global-GD@tauG=0.5_s7", "global-GD@tauG=0.5_tr1_c1_s7"])
        let plan = try TinyExperiment.plan(e)
        for r in plan { #expect(FileManager.default.fileExists(atPath: r.output), "\(r.output)") }
        let s1 = try RunFileReader.read(plan[2].output), s2 = try RunFileReader.read(plan[4].output)
        #expect(s1.inputs.dependencies.map(\.runKey) == ["pretrain-global-GD@tauG=0.1_s7"] && s2.inputs.dependencies.map(\.runKey) == ["pretrain-global-GD@tauG=0.5_s7"])
        #expect(s1.configJSON.contains("\"ablation\":\"tauG=0.1\"") && s2.configJSON.contains("\"ablation\":\"tauG=0.5\""))
        // Each value's pre-training ran at its own τ (that τ reaches the loss is StageChainTests' check).
        let taus = try plan.filter { $0.stage == .pretrainGlobal }.map { try ConfigDecoding.decode(GlobalPretrainingConfig.self, $0).settings.temperature }
        #expect(taus == [0.1, 0.5])
        #expect(try TinyExperiment.runner(e).run().allSatisfy(\.skipped))
    }

    @Test("an ablation over l (and over the region size): one shared global stage, a local stage per value with exactly its l decoder blocks, each fine-tuned from its own")
    func decoderBlocksAblationRuns() throws {
        let e = try TinyExperiment.experiment("ablation-l", methods: ["global+local"],
                                              extra: "[ablation]\nsetting = \"stage.pretrain-local.decoder_blocks\"\nvalues = [3, 4, 5]")
        let outcomes = try TinyExperiment.runner(e).run()
        #expect(outcomes.map(\.runKey) == ["pretrain-global-GD_s7", "pretrain-local-GD-LR@l=3_s7", "global-GD+local-LR@l=3_tr1_c1_s7",
                                           "pretrain-local-GD-LR@l=4_s7", "global-GD+local-LR@l=4_tr1_c1_s7",
                                           "pretrain-local-GD-LR@l=5_s7", "global-GD+local-LR@l=5_tr1_c1_s7"])
        let plan = try TinyExperiment.plan(e)
        for f in plan where f.stage == .finetune {
            #expect(f.dependencies == ["pretrain-local-GD-LR@\(try #require(f.ablation))_s7"], "\(f.runKey)")
        }
        let local = try plan.filter { $0.stage == .pretrainLocal }.map { try RunFileReader.read($0.output) }
        // The local stage trains decoder blocks 1…l (dc6 first, dc2 last): its weights hold those and no others.
        #expect(local.map { $0.finalWeights.contains { $0.name.hasPrefix("dec_dc3/") } } == [false, true, true])
        #expect(local.map { $0.finalWeights.contains { $0.name.hasPrefix("dec_dc2/") } } == [false, false, true])
        // Single pixels against windows: the pixel run's local stage has no seg_pred.
        let region = try TinyExperiment.experiment("ablation-region", methods: ["global+local"],
                                                   extra: "[ablation]\nsetting = \"stage.pretrain-local.region_size\"\nvalues = [0, 1]")
        #expect(try TinyExperiment.runner(region).run().map(\.runKey) == [
            "pretrain-global-GD_s7", "pretrain-local-GD-LR@region=0_s7", "global-GD+local-LR@region=0_tr1_c1_s7",
            "pretrain-local-GD-LR@region=1_s7", "global-GD+local-LR@region=1_tr1_c1_s7"])
        let regionLocal = try TinyExperiment.plan(region).filter { $0.stage == .pretrainLocal }.map { try RunFileReader.read($0.output) }
        #expect(regionLocal.map { $0.finalWeights.contains { $0.name == "seg_pred/W" } } == [false, true])
        // At l = 1 the 32² tiny input gives a 2×2 map: refused before anything runs.
        let small = try TinyExperiment.experiment("ablation-l-small", methods: ["global+local"],
                                                  extra: "[ablation]\nsetting = \"stage.pretrain-local.decoder_blocks\"\nvalues = [3, 1]")
        #expect {
            try TinyExperiment.runner(small).run()
        } throws: { error in
            "\(error)".contains("pretrain-local-GD-LR@l=1_s7 (stage.pretrain-local decoder_blocks 1, region_size 1, batch_size 4 at input size 32): local regions: a 2×2 feature map is too small for the 13 regions (need at least 8×8); nothing was run")
        }
        #expect(try TinyExperiment.plan(small).allSatisfy { !FileManager.default.fileExists(atPath: $0.output) })
    }

    @Test("a global stage whose batch is not a whole number of S-groups stops the grid before anything runs, naming the run and the settings")
    func batchAndPartitionsCheckedFirst() throws {
        let e = try TinyExperiment.experiment("bad-partitions", methods: ["global"],
                                              extra: "[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [4, 3]")
        #expect {
            try TinyExperiment.runner(e).run()
        } throws: { error in
            "\(error)".contains("pretrain-global-GD@S=3_s7 (stage.pretrain-global batch_size 4, partitions 3 at input size 32): global batch: batch size 4 is not a whole number of 3-partition groups; nothing was run")
        }
        #expect(try TinyExperiment.plan(e).allSatisfy { !FileManager.default.fileExists(atPath: $0.output) })
    }

    @Test("a plan made before the data exist has no volume hashes, and completion then compares none")
    func provisionalPlanHasNoVolumes() throws {
        let e = try TinyExperiment.experiment("full")
        let split = try SplitFileParser.read(e.data.split)
        let plan = try RunPlanner.plan(e, split: split, data: .unavailable)
        #expect(plan.allSatisfy { $0.provisional && $0.volumes == nil })
        let recorded = RunInputs(splitSHA256: "s", volumes: [VolumeHash(id: "005", imageSHA256: "a", labelSHA256: "b")], dependencies: [])
        #expect(RunCompletion.changedVolumes(recorded, plan[0]).isEmpty)
        var planned = plan[0]
        planned.volumes = [VolumeHash(id: "005", imageSHA256: "a", labelSHA256: "c")]
        #expect(RunCompletion.changedVolumes(recorded, planned) == ["005 (label)"])
        planned.volumes = [VolumeHash(id: "006", imageSHA256: "a", labelSHA256: "b")]
        #expect(RunCompletion.changedVolumes(recorded, planned) == ["005 (not in the data)"])
        planned.volumes = [VolumeHash(id: "005", imageSHA256: "x", labelSHA256: "y")]
        #expect(RunCompletion.changedVolumes(recorded, planned) == ["005 (image, label)"])
    }

    @Test("--only selects by glob and adds the pre-training runs the selection needs")
    func onlySelection() throws {
        let e = try TinyExperiment.experiment("full")
        let plan = try TinyExperiment.plan(e)
        let picked = try ExperimentRunner.select(plan, .matching("global-GD+local-LR+mixup_*"), experimentPath: e.path)
        #expect(picked.map(\.stage) == [.pretrainGlobal, .pretrainLocal, .finetune])
        #expect(throws: RunnerError.self) { try ExperimentRunner.select(plan, .matching("nothing*"), experimentPath: e.path) }
        #expect(ExperimentRunner.glob("a*c?", "abbbcd") && !ExperimentRunner.glob("a*c", "abcd"))
    }
}
