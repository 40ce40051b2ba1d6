import Datasets
import TestSupport
import Testing
@testable import Planning
@testable import Running

@Suite("Job schedule for cseg run --jobs")
struct JobScheduleTests {
    static func run(_ index: Int, _ key: String, _ deps: [String] = []) -> PlannedRun {
        PlannedRun(index: index, runKey: key, stage: deps.isEmpty && key.hasPrefix("pre") ? .pretrainGlobal : .finetune,
                   method: nil, dependencies: deps, seed: 1, output: "/x/\(key).h5", identity: key, configJSON: "{}",
                   provisional: false)
    }

    let plan = [run(1, "a"), run(2, "b"), run(3, "pre"), run(4, "c", ["pre"]), run(5, "d", ["pre"]), run(6, "e")]

    @Test("runs others wait for start first, then the rest in plan order; never more than the slots")
    func planOrderWithOverlap() {
        var s = JobSchedule(selected: plan, complete: [])
        #expect(s.start(slots: 2).map(\.runKey) == ["pre", "a"])
        #expect(s.start(slots: 0).isEmpty)
        s.finish("a", succeeded: true)
        #expect(s.start(slots: 1).map(\.runKey) == ["b"])
        s.finish("b", succeeded: true)
        // c and d wait for pre; e may overtake them.
        #expect(s.start(slots: 1).map(\.runKey) == ["e"])
        s.finish("pre", succeeded: true)
        #expect(s.start(slots: 1).map(\.runKey) == ["c"])
        s.finish("e", succeeded: true)
        #expect(s.start(slots: 1).map(\.runKey) == ["d"])
        #expect(!s.isFinished)
        s.finish("c", succeeded: true)
        s.finish("d", succeeded: true)
        #expect(s.isFinished && s.blocked.isEmpty && s.done.count == 6)
    }

    @Test("with work given, ready runs start longest first (awaited runs still before them; ties in plan order), which shortens the makespan")
    func longestFirst() {
        // a 1, b 1, c 2 units on two slots: plan order ends at 3 (a, b, then c), longest first at 2 (c, a, then b).
        let three = [Self.run(1, "a"), Self.run(2, "b"), Self.run(3, "c")]
        var s = JobSchedule(selected: three, complete: [], work: ["a": 1, "b": 1, "c": 2])
        #expect(s.start(slots: 2).map(\.runKey) == ["c", "a"])
        s.finish("a", succeeded: true)
        #expect(s.start(slots: 1).map(\.runKey) == ["b"])
        var plain = JobSchedule(selected: three, complete: [])
        #expect(plain.start(slots: 2).map(\.runKey) == ["a", "b"])
        // An awaited pre-training run starts before longer fine-tuning runs.
        var t = JobSchedule(selected: plan, complete: [], work: ["a": 5, "e": 9, "pre": 1])
        #expect(t.start(slots: 2).map(\.runKey) == ["pre", "e"])
    }

    @Test("the runner's work measure: a fine-tuning run's steps, self-training's rounds included; a pre-training run's steps")
    func trainingStepsOfRealConfigs() throws {
        let e = try ExperimentParser.parse(experimentText(grid: "methods = [\"baseline\", \"self-train\", \"global\"]\nbudgets = [\"tr1\"]\ncombinations = [\"c1\"]\nseeds = [1]"), path: "/x/e.toml")
        let plan = try RunPlanner.plan(e, split: try SplitFileParser.read(e.data.split), data: .unavailable)
        func steps(_ prefix: String) throws -> Double { JobSchedule.trainingSteps(try #require(plan.first { $0.runKey.hasPrefix(prefix) })) }
        #expect(try steps("baseline_") == Double(e.settings.finetune.iterations))
        #expect(try steps("self-train_") == Double((1 + e.settings.selfTrain.rounds) * e.settings.finetune.iterations))
        #expect(try steps("pretrain-global") == Double(e.settings.pretrainGlobal.iterations))
    }

    @Test("complete runs are not started again; a failed dependency blocks its dependants and the rest still run")
    func completeAndFailed() {
        var s = JobSchedule(selected: plan, complete: ["a", "b"])
        #expect(s.start(slots: 4).map(\.runKey) == ["pre", "e"])
        s.finish("pre", succeeded: false)
        s.finish("e", succeeded: true)
        #expect(s.start(slots: 4).isEmpty)
        #expect(s.isFinished)
        #expect(s.blocked.map(\.runKey) == ["c", "d"] && s.failed == ["pre"])
    }
}
