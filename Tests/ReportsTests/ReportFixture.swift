import Datasets
import Foundation
import Imaging
import Planning
import RunStore
@testable import Reports

/// A tiny experiment with synthetic run files, for rendering reports in tests: 9 volumes of 20×20×6 in
/// ACDC's layout (a disc LV, a ring myocardium, an RV band) written by this fixture, test volumes 006–009,
/// two budgets × two combinations × one seed, G^R and G^D, the local stage, intensity augmentation and the benchmark.
/// Scores are chosen, not trained: `ScoreModel` sets each method's effect, so tests can flip them.
struct ReportFixture {
    let directory: String
    let experiment: Experiment
    let split: SplitFile
    let plan: [PlannedRun]
    let data: DataHashes

    static let testIDs = ["006", "007", "008", "009"]
    static let classNames = ["RV", "Myo", "LV"]

    /// A fresh fixture directory under the system's temporary directory (data, split, experiment; no run
    /// files); `extra` is appended to the experiment file (an `[ablation]`, say).
    init(name: String, extra: String = "", methods: [String]? = nil) throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-report-\(getpid())-\(name)").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        for v in 1...9 { try Self.writeVolume(v, root: "\(dir)/data") }
        try Self.splitText.write(toFile: "\(dir)/split.toml", atomically: true, encoding: .utf8)
        var text = Self.experimentText
        if let methods {
            text = text.replacingOccurrences(of: Self.methodsLine, with: "methods = [" + methods.map { "\"\($0)\"" }.joined(separator: ", ") + "]")
        }
        try (extra.isEmpty ? text : text + "\n" + extra).write(toFile: "\(dir)/fixture.toml", atomically: true, encoding: .utf8)
        directory = dir
        experiment = try ExperimentParser.read("\(dir)/fixture.toml")
        split = try SplitFileParser.read(experiment.data.split)
        data = try DataHashes.compute(for: experiment, ids: split.dataset.ids)
        plan = try RunPlanner.plan(experiment, split: split, data: data)
    }

    func remove() { try? FileManager.default.removeItem(atPath: directory) }

    static let splitText = """
        format = 1

        [dataset]
        name = "report-fixture"
        layout = "acdc"
        id_digits = 3
        ids = ["001", "002", "003", "004", "005", "006", "007", "008", "009"]

        [test]
        ids = ["006", "007", "008", "009"]

        [pool]
        key = "tr4"
        ids = ["001", "002", "003", "004"]
        validation = ["005"]

        [benchmark]
        key = "trall"
        ids = ["001", "002", "003", "004"]
        validation = ["005"]

        [labelled.tr1.c1]
        ids = ["001"]
        validation = ["005"]

        [labelled.tr1.c2]
        ids = ["002"]
        validation = ["005"]

        [labelled.tr2.c1]
        ids = ["001", "002"]
        validation = ["005"]

        [labelled.tr2.c2]
        ids = ["003", "004"]
        validation = ["005"]
        """

    static let methodsLine = #"methods = ["baseline", "intensity", "rotation", "global", "global+local", "global+local+intensity", "benchmark"]"#

    static let experimentText = """
        format = 1
        name = "fixture"
        preset = "quick"
        output = "runs"

        [data]
        kind = "acdc"
        root = "data"
        split = "split.toml"

        [grid]
        methods = ["baseline", "intensity", "rotation", "global", "global+local", "global+local+intensity", "benchmark"]
        budgets = ["tr1", "tr2"]
        combinations = ["c1", "c2"]
        seeds = [7]
        global_variants = ["GD"]
        local_variants = ["LR"]

        [grid.variants]
        global = ["GR", "GD"]

        [network]
        input_size = 32
        channel_multiplier = 0.125
        target_spacing = [2.5, 2.5]
        """

    // MARK: data

    /// Volume v: labels on slices 1–4 of 6 (LV disc r ≤ 2.5, myocardium ring to 4.5, RV band to its left),
    /// centred a little differently per volume; the image is a grey level per label plus a ramp.
    static func labelValue(_ v: Int, x: Int, y: Int, z: Int) -> Int {
        guard (1...4).contains(z) else { return 0 }
        let cx = 9 + Double(v % 3), cy = 11 - Double(v % 2)
        let d = ((Double(x) - cx) * (Double(x) - cx) + (Double(y) - cy) * (Double(y) - cy)).squareRoot()
        if d <= 2.5 { return 3 }
        if d <= 4.5 { return 2 }
        if abs(Double(x) - cx) <= 4, Double(y) < cy - 4.5, Double(y) >= cy - 8 { return 1 }
        return 0
    }

    static func writeVolume(_ v: Int, root: String) throws {
        let id = String(format: "%03d", v)
        let dir = "\(root)/patient\(id)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try "ED: 1\nES: 2\nGroup: NOR\n".write(toFile: "\(dir)/Info.cfg", atomically: true, encoding: .utf8)
        let (nx, ny, nz) = (20, 20, 6)
        var image = [Float](), label = [Float]()
        let grey: [Float] = [40, 250, 120, 300]
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let l = labelValue(v, x: x, y: y, z: z)
            label.append(Float(l))
            image.append(grey[l] + Float(x + y + v))
        } } }
        let spacing = [2.5, 2.5, 10.0]
        try NIfTI.write(Volume(shape: [nx, ny, nz], voxels: image, spacing: spacing, affine: .scaling(spacing)),
                        to: "\(dir)/patient\(id)_frame01.nii.gz", as: .float32)
        try NIfTI.write(Volume(shape: [nx, ny, nz], voxels: label, spacing: spacing, affine: .scaling(spacing)),
                        to: "\(dir)/patient\(id)_frame01_gt.nii.gz", as: .uint8)
    }

    // MARK: run files

    /// The per-volume Dice each arm gets: a base per budget plus the arm's effect, with small deterministic
    /// wiggles so that no two differences are exactly equal.
    struct ScoreModel {
        var base: [String: Double] = ["tr1": 0.55, "tr2": 0.65, "trall": 0.85]
        var effect: [String: [String: Double]] = [
            "baseline": ["tr1": 0, "tr2": 0],
            "intensity": ["tr1": 0.04, "tr2": 0.03],
            "global-GR": ["tr1": 0.02, "tr2": 0.015],
            "rotation": ["tr1": 0.01, "tr2": 0.012],
            "global-GD": ["tr1": 0.08, "tr2": 0.05],
            "global-GD+local-LR": ["tr1": 0.12, "tr2": 0.07],
            "global-GD+local-LR+intensity": ["tr1": 0.17, "tr2": 0.11],
            "benchmark": ["trall": 0],
        ]
        /// (run key, volume, class index) left empty in both reference and prediction.
        var bothEmpty: Set<String> = ["baseline_tr1_c1_s7/009/0"]

        func dice(arm: String, budget: String, combination: String, volume: Int, classIndex: Int) -> Double {
            let armSalt = arm.unicodeScalars.reduce(0) { ($0 * 31 + Int($1.value)) % 1009 }
            let comb = combination == "c1" ? 1 : 2
            let wiggle = 0.001 * Double((armSalt + 5 * volume + 7 * comb + 3 * classIndex) % 9)
            let shared = 0.01 * Double((3 * volume + 2 * classIndex + comb) % 5 - 2)
            let classOffset = [-0.05, -0.03, 0.05][classIndex]
            return min(1, max(0, base[budget]! + (effect[arm]?[budget] ?? 0) + shared + classOffset + wiggle))
        }
    }

    static let provenance = RunProvenance(harnessVersion: "0.0-test", gitCommit: "0123456789abcdef0123456789abcdef01234567",
                                          gitDirty: false, toolchain: "Swift test", libraries: [LibraryVersion(name: "OpenBLAS", version: "0.0 test")],
                                          openBLASCore: "TestCore", openBLASThreads: 1, engineThreads: 2, cpuModel: "Test CPU")

    /// Writes a run file for every planned run except `skip`; returns the records by run key.
    @discardableResult
    func writeRuns(_ model: ScoreModel = ScoreModel(), skip: Set<String> = []) throws -> [String: RunRecord] {
        var out: [String: RunRecord] = [:]
        for r in plan where !skip.contains(r.runKey) {
            let record = try self.record(r, model)
            try FileManager.default.createDirectory(atPath: (r.output as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try RunFileWriter.write(record, to: r.output)
            out[r.runKey] = record
        }
        return out
    }

    func record(_ r: PlannedRun, _ model: ScoreModel) throws -> RunRecord {
        let hashes = Self.testIDs.map { id in
            VolumeHash(id: id, imageSHA256: data.byID![id]!.image, labelSHA256: data.byID![id]!.label)
        }
        var metrics: RunMetrics?, predictions: [VolumePrediction] = [], activations: RunActivations?, initial: RunActivations?
        var curves = RunCurves(trainSteps: Array(0..<20), losses: [NamedSeries(name: "total", values: (0..<20).map { 1 - 0.03 * Double($0) })],
                               learningRate: Array(repeating: 1e-3, count: 20), validationSteps: [], validationDice: [], bestStep: -1)
        switch r.stage {
        case .finetune:
            let at = try RunCoordinates(configJSON: r.configJSON, path: r.output)
            var dice: [Double] = [], empty: [UInt8] = []
            for id in Self.testIDs {
                for k in 0..<3 {
                    let isEmpty = model.bothEmpty.contains("\(r.runKey)/\(id)/\(k)")
                    dice.append(isEmpty ? .nan : model.dice(arm: at.arm.id, budget: at.budget, combination: at.combination,
                                                            volume: Int(id)!, classIndex: k))
                    empty.append(isEmpty ? 1 : 0)
                }
            }
            metrics = RunMetrics(volumeIDs: Self.testIDs, classNames: Self.classNames, classLabels: [1, 2, 3], dice: dice,
                                 hd95: dice.map { $0.isNaN ? .nan : 1 + 20 * (1 - $0) }, assd: dice.map { $0.isNaN ? .nan : (1 + 20 * (1 - $0)) / 3 },
                                 bothEmpty: empty)
            let effect = model.effect[at.arm.id]?[at.budget] ?? 0
            predictions = Self.testIDs.map { Self.prediction(Int($0)!, dropRV: effect < 0.05) }
            let v = (0..<4).map { 0.3 + effect + 0.1 * Double($0) }
            curves = RunCurves(trainSteps: Array(0..<20), losses: [NamedSeries(name: "dice", values: (0..<20).map { 1 - (0.02 + effect / 10) * Double($0) })],
                               learningRate: Array(repeating: 1e-3, count: 20), validationSteps: [0, 5, 10, 15], validationDice: v, bestStep: 15)
        case .pretrainGlobal:
            let variant = r.runKey.contains("GR") ? "GR" : "GD"
            initial = Self.embeddings(clustered: 0, salt: 1)
            activations = Self.embeddings(clustered: variant == "GD" ? 3 : 0.6, salt: 2)
        case .pretrainLocal:
            initial = try decoderProbe(trained: false)
            activations = try decoderProbe(trained: true)
            curves.losses = [NamedSeries(name: "local", values: (0..<20).map { 2 - 0.05 * Double($0) })]
        case .pretrainPretext:
            initial = Self.embeddings(clustered: 0, salt: 3)
            activations = Self.embeddings(clustered: 0.3, salt: 4)
            curves.losses = [NamedSeries(name: "rotation", values: (0..<20).map { 1.4 - 0.03 * Double($0) })]
        }
        return RunRecord(runKey: r.runKey, stage: r.stage.rawValue, configJSON: r.configJSON, provenance: Self.provenance,
                         volatile: RunVolatile(host: "fixture", startedUTC: "2026-01-01T00:00:00Z", finishedUTC: "2026-01-01T00:01:00Z",
                                               timings: [("train", r.stage == .finetune ? 30 : 95.5), ("test", 1.25)], dataRoot: "data"),
                         seeds: [RunSeed(purpose: "run", value: r.seed)],
                         inputs: RunInputs(splitSHA256: split.sha256, volumes: hashes, dependencies: []),
                         curves: curves, metrics: metrics, bestWeights: nil, finalWeights: [], activations: activations,
                         initialActivations: initial, predictions: predictions)
    }

    /// The reference label map `[X, Y, Z]` (z fastest), optionally without the RV.
    static func prediction(_ v: Int, dropRV: Bool) -> VolumePrediction {
        var labels: [UInt8] = []
        for x in 0..<20 { for y in 0..<20 { for z in 0..<6 {
            let l = labelValue(v, x: x, y: y, z: z)
            labels.append(UInt8(dropRV && l == 1 ? 0 : l))
        } } }
        let spacing = [2.5, 2.5, 10.0]
        return VolumePrediction(volumeID: String(format: "%03d", v), shape: [20, 20, 6], labels: labels,
                                affine: Affine.scaling(spacing).m, spacing: spacing)
    }

    /// Slice partitions of a 6-slice volume: four partitions, the last slice uncovered.
    static let partitions: [Int64] = [0, 0, 1, 2, 3, -1]

    /// `[24, 4]` embeddings of the 4 × 6 test slices: a deterministic scatter, plus `clustered` × a one-hot
    /// of the partition.
    static func embeddings(clustered: Double, salt: Int) -> RunActivations {
        var e: [Float] = [], ids: [String] = [], slices: [Int64] = [], parts: [Int64] = []
        for (v, id) in testIDs.enumerated() {
            for z in 0..<6 {
                let p = partitions[z]
                for j in 0..<4 {
                    let scatter = Double((v * 37 + z * 11 + j * 5 + salt * 13) % 17) / 17 - 0.5
                    e.append(Float(scatter + (Int64(j) == p ? clustered : 0)))
                }
                ids.append(id); slices.append(Int64(z)); parts.append(p)
            }
        }
        return RunActivations(embeddings: e, embeddingSize: 4, embeddingVolumeIDs: ids, embeddingSliceIndices: slices,
                              embeddingPartitions: parts, decoderBlock: 0, decoderFeatures: [], decoderShape: [0, 0, 0, 0],
                              decoderVolumeIDs: [], decoderSliceIndices: [])
    }

    /// Decoder block 3 features `[2, 4, 8, 8]` of the middle slices of 006 and 007: trained, a one-hot of the
    /// reference label at the feature grid plus a little scatter; untrained, scatter only.
    func decoderProbe(trained: Bool) throws -> RunActivations {
        let pre = SlicePreprocessor(targetSpacing: [2.5, 2.5], size: 32)
        var features: [Float] = []
        for id in ["006", "007"] {
            let c = try Dataset(kind: .acdc, root: experiment.data.root).load(id)
            let s = try pre(image: c.image, label: c.label, source: id)
            let labels = FeatureGridLabels.majority(s.labels![(3 * 1024)..<(4 * 1024)].map { Int($0.rounded()) }, size: 32, gridHeight: 8, gridWidth: 8)
            for k in 0..<4 {
                for p in 0..<64 {
                    let scatter = Float((p * 7 + k * 3 + Int(id)!) % 11) / 11 - 0.5
                    features.append((trained && labels[p] == k ? 2 : 0) + scatter * (trained ? 0.2 : 1))
                }
            }
        }
        var a = Self.embeddings(clustered: 3, salt: 2)
        a.decoderBlock = 3
        a.decoderFeatures = features
        a.decoderShape = [2, 4, 8, 8]
        a.decoderVolumeIDs = ["006", "007"]
        a.decoderSliceIndices = [3, 3]
        return a
    }

    func options(_ out: String = "report", published: String? = nil, includeStale: Bool = false) -> ReportOptions {
        ReportOptions(outputDirectory: "\(directory)/\(out)", publishedValuesPath: published, includeStale: includeStale)
    }

    func context(_ options: ReportOptions? = nil) throws -> ReportContext {
        try ReportContext(experiment: experiment, split: split, plan: plan, options: options ?? self.options())
    }
}
