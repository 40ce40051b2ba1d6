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
