import Datasets
import Foundation
import Imaging
import Networks
import Planning

/// What a plan will cost on this machine before it runs (`cseg plan --estimate`, `cseg submit`): per run
/// the training steps times the measured seconds per step of its stage kind (`StageProbe`), plus its
/// inference (validation, test, probes, pseudo-labels) at the measured seconds per slice; then the wall
/// time of the pending runs under `cseg run --jobs J` (the runner's own schedule, simulated) and as
/// Slurm arrays (one per stage, each after the one before).
///
/// Not counted: data preparation (preprocessing, phantom generation: once per dataset), surface
/// distances at test time, file writing. Slice counts come from the image headers when the data exists,
/// else from `assumedSlices`.
public struct PlanEstimate: Sendable {
    public struct RunCost: Sendable, Equatable {
        public let run: PlannedRun
        /// Training steps, every self-training round included.
        public let steps: Int
        public let secondsPerStep: Double
        /// Slices passed through the network outside training steps.
        public let inferenceSlices: Int
        public let seconds: Double
    }

    public let costs: [RunCost]
    public let threads: Int
    /// The probe's seconds per step by stage kind ("finetune batch 10 affine+elastic", "pretrain-global GD" …).
    public let probes: [(kind: String, seconds: Double)]
    public let inferenceSecondsPerSlice: Double
    /// Volumes whose slice count was assumed (no data yet), with the count used.
    public let assumedSlices: Int?

    /// Slices per volume when the data is not there yet: about ACDC's, Prostate's and MM-WHS's (MR) typical stacks.
    public static func assumedSliceCount(_ layout: DatasetLayoutKind) -> Int {
        switch layout {
        case .acdc: 10
        case .prostate: 20
        case .mmwhs: 160
        }
    }

    /// How many validations a fine-tuning of `iterations` steps runs: after steps 0, every, 2·every … and the last.
    public static func validations(iterations: Int, every: Int) -> Int {
        guard iterations > 0 else { return 0 }
        let regular = (iterations - 1) / every + 1
        return regular + ((iterations - 1) % every == 0 ? 0 : 1)
    }

    /// Probes every stage kind of `runs` and prices each run.
    public static func measure(_ experiment: Experiment, split: SplitFile, runs: [PlannedRun], threads: Int) throws -> PlanEstimate {
        let s = experiment.settings
        let network = UNetConfigFor.experiment(experiment, split)
        let probe = StageProbe(network: network, scale: s.scale, threads: threads)
        let sliceCount = try SliceCounts(experiment, ids: split.dataset.ids)
        var measured: [String: Double] = [:], order: [String] = []
        func cached(_ kind: String, _ measure: () throws -> Double) rethrows -> Double {
            if let v = measured[kind] { return v }
            let v = try measure()
            measured[kind] = v
            order.append(kind)
            return v
        }
        let perSlice = probe.inferencePerSlice()
        var costs: [RunCost] = []
        for r in runs {
            // The runner's own measure of a run's work, so the estimate and `cseg run --jobs` agree.
            let steps = Int(JobSchedule.trainingSteps(r)), perStep: Double
            var slices = 0
            switch r.stage {
            case .finetune:
                let c = try ConfigDecoding.decode(FinetuneConfig.self, r)
                let a = c.augmentation
                let augText = a.isNone ? "no augmentation" : [a.affine ? "affine" : nil, a.elastic ? "elastic" : nil, a.intensity ? "intensity" : nil]
                    .compactMap { $0 }.joined(separator: "+")
                let kind = "finetune, batch \(c.settings.batchSize), \(augText)" + (c.mixup != nil ? ", mixup" : "")
                perStep = try cached(kind) { try probe.finetune(batchSize: c.settings.batchSize, augmentation: a, mixupAlpha: c.mixup?.alpha) }
                let rounds = 1 + (c.selfTrain?.rounds ?? 0)
                let validation = sliceCount.total(c.split.validation)
                slices = rounds * validations(iterations: c.settings.iterations, every: c.settings.validateEvery) * validation
                    + 2 * sliceCount.total(c.split.test)   // test predictions and the activation probes
                    + (c.selfTrain?.rounds ?? 0) * sliceCount.total(c.split.unlabelled ?? [])
            case .pretrainGlobal:
                let c = try ConfigDecoding.decode(GlobalPretrainingConfig.self, r)
                perStep = try cached("pretrain-global \(c.variant.rawValue), B = \(c.settings.batchSize)") { try probe.global(c.variant, c.settings) }
                slices = 2 * sliceCount.total(c.probe)
            case .pretrainLocal:
                let c = try ConfigDecoding.decode(LocalPretrainingConfig.self, r)
                // l and the region size change the network and the regions, so each pair is probed on its own.
                let regions = c.settings.regionSize == 1 ? "3×3 windows" : "pixels"
                perStep = try cached("pretrain-local \(c.variant.rawValue), \(c.settings.lrSlices) slices, l = \(c.settings.decoderBlocks), \(regions)") {
                    try probe.local(c.variant, c.settings)
                }
                slices = 2 * sliceCount.total(c.probe)
            case .pretrainPretext:
                let c = try ConfigDecoding.decode(PretextPretrainingConfig.self, r)
                perStep = try cached("pretrain-pretext \(c.task), batch \(c.settings.batchSize)") { try probe.pretext(c.pretextTask, c.settings) }
                slices = 2 * sliceCount.total(c.probe)
            }
            costs.append(RunCost(run: r, steps: steps, secondsPerStep: perStep, inferenceSlices: slices,
                                 seconds: Double(steps) * perStep + Double(slices) * perSlice))
        }
        return PlanEstimate(costs: costs, threads: threads, probes: order.map { ($0, measured[$0]!) },
                            inferenceSecondsPerSlice: perSlice, assumedSlices: sliceCount.assumed)
    }

    public init(costs: [RunCost], threads: Int, probes: [(kind: String, seconds: Double)], inferenceSecondsPerSlice: Double,
                assumedSlices: Int?) {
        self.costs = costs
        self.threads = threads
        self.probes = probes
        self.inferenceSecondsPerSlice = inferenceSecondsPerSlice
        self.assumedSlices = assumedSlices
    }

    /// Seconds of all runs, one after another.
    public var serialSeconds: Double { costs.reduce(0) { $0 + $1.seconds } }
    public var cpuHours: Double { serialSeconds * Double(threads) / 3600 }

    /// Wall seconds under `cseg run --jobs J`: the runner's `JobSchedule`, each run taking its estimated time.
    public func wallSeconds(jobs: Int) -> Double {
        let seconds = Dictionary(uniqueKeysWithValues: costs.map { ($0.run.runKey, $0.seconds) })
        let planned = Set(seconds.keys)
        // The runner orders by training steps; the estimate does too, so both start the same runs.
        var schedule = JobSchedule(selected: costs.map(\.run),
                                   complete: Set(costs.flatMap(\.run.dependencies)).subtracting(planned),
                                   work: Dictionary(uniqueKeysWithValues: costs.map { ($0.run.runKey, Double($0.steps)) }))
        var now = 0.0
        var running: [(end: Double, key: String)] = []
        while true {
            for r in schedule.start(slots: max(1, jobs) - running.count) { running.append((now + seconds[r.runKey]!, r.runKey)) }
            guard let next = running.indices.min(by: { running[$0].end < running[$1].end }) else { break }
            now = running[next].end
            schedule.finish(running.remove(at: next).key, succeeded: true)
        }
        return now
    }

    /// Wall seconds as one Slurm array per stage (in `SlurmSubmission.stageOrder`, each after the one
    /// before), at most `arraySize` tasks of an array at once, tasks started in order.
    public func slurmWallSeconds(arraySize: Int) -> Double {
        SlurmSubmission.stageOrder.reduce(0.0) { total, stage in
            total + Self.makespan(costs.filter { $0.run.stage == stage }.map(\.seconds), slots: arraySize)
        }
    }

    /// Greedy list scheduling in order on `slots` identical workers.
    static func makespan(_ durations: [Double], slots: Int) -> Double {
        var ends = [Double](repeating: 0, count: max(1, slots))
        for d in durations {
            let i = ends.indices.min { ends[$0] < ends[$1] }!
            ends[i] += d
        }
        return ends.max() ?? 0
    }
}

/// The U-Net an experiment trains (its scale and its classes).
enum UNetConfigFor {
    static func experiment(_ e: Experiment, _ split: SplitFile) -> UNetConfig {
        UNetConfig(inputSize: e.settings.scale.inputSize, numClasses: e.classes(split).count).scaled(by: e.settings.scale.channelMultiplier)
    }
}

/// Slices per volume: from the image headers when the data root exists, else the layout's typical count.
struct SliceCounts {
    let byID: [String: Int]
    let assumed: Int?

    init(_ e: Experiment, ids: [String]) throws {
        guard FileManager.default.fileExists(atPath: e.data.root) else {
            byID = [:]
            assumed = PlanEstimate.assumedSliceCount(e.data.layout)
            return
        }
        let dataset = try Dataset(kind: e.data.layout, root: e.data.root)
        var counts: [String: Int] = [:]
        for id in ids {
            let header = try NIfTI.readHeader(try dataset.files(for: id).image)
            counts[id] = header.dims.count >= 3 ? header.dims[2] : 1
        }
        byID = counts
        assumed = nil
    }

    func total(_ ids: [String]) -> Int { ids.reduce(0) { $0 + (byID[$1] ?? assumed ?? 1) } }
}
