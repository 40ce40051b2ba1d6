import Datasets
import Foundation
import Testing
@testable import Planning
@testable import Running

@Suite("Plan estimate")
struct PlanEstimateTests {
    @Test("validations: after steps 0, every, 2·every … and after the last step (hand-counted)")
    func validationCount() {
        #expect(PlanEstimate.validations(iterations: 3, every: 2) == 2)      // 0, 2 (2 is also the last)
        #expect(PlanEstimate.validations(iterations: 4, every: 2) == 3)      // 0, 2, 3
        #expect(PlanEstimate.validations(iterations: 3000, every: 100) == 31) // 0 … 2900, 2999
        #expect(PlanEstimate.validations(iterations: 1, every: 5) == 1)
        #expect(PlanEstimate.validations(iterations: 0, every: 5) == 0)
    }

    @Test("list scheduling in order: [3, 1, 1, 1] on 2 slots ends at 3, [5, 1] on 1 at 6")
    func makespan() {
        #expect(PlanEstimate.makespan([3, 1, 1, 1], slots: 2) == 3)
        #expect(PlanEstimate.makespan([5, 1], slots: 1) == 6)
        #expect(PlanEstimate.makespan([], slots: 4) == 0)
    }

    static func run(_ key: String, _ stage: Stage, after deps: [String] = []) -> PlannedRun {
        PlannedRun(index: 0, runKey: key, stage: stage, method: nil, dependencies: deps, seed: 1, output: key, identity: key,
                   configJSON: "{}", provisional: true)
    }

    static func cost(_ r: PlannedRun, _ s: Double, steps: Int = 1) -> PlanEstimate.RunCost {
        PlanEstimate.RunCost(run: r, steps: steps, secondsPerStep: s / Double(steps), inferenceSlices: 0, seconds: s)
    }

    @Test("wall time schedules longest first, as the runner does: [1, 1, 2] on 2 jobs ends at 2, not 3 (hand-computed)")
    func longestFirstWallTime() {
        let a = Self.run("A", .finetune), b = Self.run("B", .finetune), c = Self.run("C", .finetune)
        let e = PlanEstimate(costs: [Self.cost(a, 1, steps: 1000), Self.cost(b, 1, steps: 1000), Self.cost(c, 2, steps: 2000)],
                             threads: 1, probes: [], inferenceSecondsPerSlice: 0, assumedSlices: nil)
        #expect(e.wallSeconds(jobs: 2) == 2)
        #expect(e.wallSeconds(jobs: 1) == 4)
    }

    @Test("wall time follows the runner's schedule: pre-training first, fine-tuning after its dependency (hand-computed)")
    func wallTime() {
        // --jobs 2: P (10 s, awaited) and B (7 s) start at 0; F1 and F2 (5 s each) wait for P and end at 15.
        let p = Self.run("P", .pretrainGlobal), b = Self.run("B", .finetune)
        let f1 = Self.run("F1", .finetune, after: ["P"]), f2 = Self.run("F2", .finetune, after: ["P"])
        let e = PlanEstimate(costs: [Self.cost(b, 7), Self.cost(f1, 5), Self.cost(f2, 5), Self.cost(p, 10)], threads: 1, probes: [],
                             inferenceSecondsPerSlice: 0, assumedSlices: nil)
        #expect(e.wallSeconds(jobs: 2) == 15)
        #expect(e.wallSeconds(jobs: 1) == 27)
        #expect(e.serialSeconds == 27 && abs(e.cpuHours - 27.0 / 3600) < 1e-12)
        // Slurm: the global array (10 s), then the fine-tuning array: B, F1, F2 on 2 slots = 10 + 10.
        #expect(e.slurmWallSeconds(arraySize: 2) == 20)
        // A dependency already complete (not among the costs) does not hold anything back.
        let alone = PlanEstimate(costs: [Self.cost(f1, 5)], threads: 1, probes: [], inferenceSecondsPerSlice: 0, assumedSlices: nil)
        #expect(alone.wallSeconds(jobs: 2) == 5)
    }

    @Test("every stage kind of the tiny experiment is probed and priced; the table names each stage")
    func tinyExperiment() throws {
        let e = try TinyExperiment.experiment("estimate")
        let split = try SplitFileParser.read(e.data.split)
        let plan = try TinyExperiment.plan(e)
        let estimate = try PlanEstimate.measure(e, split: split, runs: plan, threads: 1)
        #expect(estimate.costs.count == plan.count)
        #expect(estimate.costs.allSatisfy { $0.seconds > 0 && $0.secondsPerStep > 0 && $0.steps > 0 })
        let selfTrain = try #require(estimate.costs.first { $0.run.method == "self-train" })
        #expect(selfTrain.steps == 2 * 3)   // one self-training round after the first training, 3 steps each
        #expect(estimate.assumedSlices == nil)
        for kind in ["finetune, batch 4, affine+elastic", "finetune, batch 4, no augmentation", "finetune, batch 4, affine+elastic, mixup",
                     "pretrain-global GD", "pretrain-local LR", "pretrain-pretext rotation", "pretrain-pretext inpainting"] {
            #expect(estimate.probes.contains { $0.kind.hasPrefix(kind) }, "\(kind)")
        }
        let text = estimate.text(jobs: 2, arraySize: 4, of: plan.count)
        for stage in ["pretrain-global", "pretrain-local", "pretrain-pretext", "finetune"] { #expect(text.contains("\n" + stage)) }
        #expect(text.contains("with --jobs 2") && text.contains("Slurm arrays of at most 4"))
    }
}
