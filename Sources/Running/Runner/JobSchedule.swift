import Planning

/// Which planned runs may start now when several run at once (`cseg run --jobs N`): a run is ready when
/// every dependency is done. Ready pre-training runs (runs that others wait for) start first, then the
/// rest in plan order, so the long chain stage 1 → stage 2 → fine-tuning is not left to the end. The
/// same bits come out in any order, because each run reads only its dependencies' files and its own seeds.
public struct JobSchedule: Sendable {
    public private(set) var pending: [PlannedRun]
    public private(set) var running: Set<String> = []
    public private(set) var done: Set<String>
    public private(set) var failed: Set<String> = []
    private let awaited: Set<String>

    /// - Parameters:
    ///   - selected: the runs to do, in plan order.
    ///   - complete: run keys whose outputs already verify (dependencies outside `selected` must be here).
    public init(selected: [PlannedRun], complete: Set<String>) {
        pending = selected.filter { !complete.contains($0.runKey) }
        done = complete
        awaited = Set(selected.flatMap(\.dependencies))
    }

    /// Runs that can start now, at most `slots` of them, in plan order; they are marked running. A run
    /// whose dependency failed never becomes ready.
    public mutating func start(slots: Int) -> [PlannedRun] {
        var started: [PlannedRun] = []
        for firstAwaited in [true, false] {
            var i = 0
            while i < pending.count, started.count < slots {
                let r = pending[i]
                if awaited.contains(r.runKey) == firstAwaited, r.dependencies.allSatisfy(done.contains) {
                    started.append(pending.remove(at: i))
                    running.insert(r.runKey)
                } else {
                    i += 1
                }
            }
        }
        return started
    }

    public mutating func finish(_ runKey: String, succeeded: Bool) {
        running.remove(runKey)
        if succeeded { done.insert(runKey) } else { failed.insert(runKey) }
    }

    /// Nothing running and nothing that could still start.
    public var isFinished: Bool {
        running.isEmpty && !pending.contains { $0.dependencies.allSatisfy(done.contains) }
    }

    /// Pending runs that can never start, because a dependency failed or was never done.
    public var blocked: [PlannedRun] { isFinished ? pending : [] }
}
