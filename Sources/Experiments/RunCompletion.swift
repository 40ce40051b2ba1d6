import RunStore

/// Whether a planned run is already done, and so which runs are left to compute.
///
/// A run is *complete* when its output file exists, verifies (schema and content hash) and holds exactly
/// the planned config; *archived* when the experiment's archive holds a verified archived copy
/// (`RunArchive`) with that config. Both count as done for what a report reads, but only a complete run
/// has the weights a later stage starts from.
public enum RunCompletion {
    public static func isComplete(_ run: PlannedRun) -> Bool {
        RunFileVerifier.isComplete(run.output, configJSON: run.configJSON)
    }

    public static func isArchived(_ run: PlannedRun) -> Bool {
        run.archive.map { RunFileVerifier.isArchived($0, configJSON: run.configJSON) } ?? false
    }

    /// The runs of `selected` (in plan order) that must be computed: every run that is neither complete
    /// nor archived, and every archived run whose weights such a run reads, directly or through a
    /// complete run between them (fine-tuning after G^D + L^R reads the global stage's g1 too); each is
    /// recomputed, then checked against its archived results hash. `selected` holds every ancestor of
    /// its runs, as `ExperimentRunner.select` returns it.
    public static func toCompute(_ selected: [PlannedRun], isComplete: (PlannedRun) -> Bool = isComplete,
                                 isArchived: (PlannedRun) -> Bool = isArchived) -> [PlannedRun] {
        var needed = Set<String>()
        var out: [PlannedRun] = []
        // Dependencies come earlier in the plan, so one backward pass sees every dependant first.
        for r in selected.reversed() {
            let compute = !isComplete(r) && (needed.contains(r.runKey) || !isArchived(r))
            if compute { out.append(r) }
            if compute || needed.contains(r.runKey) { needed.formUnion(r.dependencies) }
        }
        return out.reversed()
    }

    /// Every run `run` starts from, directly or not, nearest first.
    public static func ancestors(of run: PlannedRun, in plan: [PlannedRun]) -> [PlannedRun] {
        let byKey = Dictionary(plan.map { ($0.runKey, $0) }, uniquingKeysWith: { a, _ in a })
        var out: [PlannedRun] = [], seen = Set<String>(), queue = run.dependencies
        while !queue.isEmpty {
            let key = queue.removeFirst()
            guard seen.insert(key).inserted, let r = byKey[key] else { continue }
            out.append(r)
            queue += r.dependencies
        }
        return out
    }
}
