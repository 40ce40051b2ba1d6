import Planning

/// Which planned runs may start now when several run at once (`cseg run --jobs N`): a run is ready when
/// every dependency is done. Ready pre-training runs (runs that others wait for) start first, so the long
/// chain stage 1 → stage 2 → fine-tuning is not left to the end; among the rest the one with the most
/// work starts first (ties in plan order), so that a long self-training run does not start last and hold
/// one slot while the others stand idle. The same bits come out in any order, because each run reads
/// only its dependencies' files and its own seeds.
public struct JobSchedule: Sendable {
    public private(set) var pending: [PlannedRun]
    public private(set) var running: Set<String> = []
    public private(set) var done: Set<String>
    public private(set) var failed: Set<String> = []
    private let awaited: Set<String>
    private let work: [String: Double]

    /// - Parameters:
    ///   - selected: the runs to do, in plan order.
    ///   - complete: run keys whose outputs already verify (dependencies outside `selected` must be here).
    ///   - work: a run's relative cost (training steps, or estimated seconds); runs not in it count 0,
    ///     so without it the order is the plan's.
    public init(selected: [PlannedRun], complete: Set<String>, work: [String: Double] = [:]) {
        pending = selected.filter { !complete.contains($0.runKey) }
        done = complete
        awaited = Set(selected.flatMap(\.dependencies))
        self.work = work
    }

    /// Training steps of a planned run, every self-training round included: the work `cseg run --jobs`
    /// orders by. 0 where the config cannot be read (the run then starts after every ready run with
    /// work, in plan order among the others).
    public static func trainingSteps(_ r: PlannedRun) -> Double {
        switch r.stage {
        case .finetune:
            guard let c = try? ConfigDecoding.decode(FinetuneConfig.self, r) else { return 0 }
            return Double((1 + (c.selfTrain?.rounds ?? 0)) * c.settings.iterations)
        case .pretrainGlobal: return Double((try? ConfigDecoding.decode(GlobalPretrainingConfig.self, r))?.settings.iterations ?? 0)
        case .pretrainLocal: return Double((try? ConfigDecoding.decode(LocalPretrainingConfig.self, r))?.settings.iterations ?? 0)
        case .pretrainPretext: return Double((try? ConfigDecoding.decode(PretextPretrainingConfig.self, r))?.settings.iterations ?? 0)
        }
    }

    /// Runs that can start now, at most `slots` of them: awaited ones first, then by decreasing work,
    /// ties in plan order; they are marked running. A run whose dependency failed never becomes ready.
    public mutating func start(slots: Int) -> [PlannedRun] {
        var started: [PlannedRun] = []
        for firstAwaited in [true, false] {
            while started.count < slots {
                var best: Int? = nil
                for (i, r) in pending.enumerated() where awaited.contains(r.runKey) == firstAwaited && r.dependencies.allSatisfy(done.contains) {
                    if best == nil || (work[r.runKey] ?? 0) > (work[pending[best!].runKey] ?? 0) { best = i }
                }
                guard let i = best else { break }
                let r = pending.remove(at: i)
                started.append(r)
                running.insert(r.runKey)
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
