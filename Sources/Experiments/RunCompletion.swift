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
    /// nor archived, and every archived run whose weights such a run starts from (a pre-training run
    /// recomputed for a new fine-tuning run, then checked against its archived results hash).
    public static func toCompute(_ selected: [PlannedRun], isComplete: (PlannedRun) -> Bool = isComplete,
                                 isArchived: (PlannedRun) -> Bool = isArchived) -> [PlannedRun] {
        var needed = Set<String>()
        var out: [PlannedRun] = []
        // Dependencies come earlier in the plan, so one backward pass sees every dependant first.
        for r in selected.reversed() where !isComplete(r) && (needed.contains(r.runKey) || !isArchived(r)) {
            out.append(r)
            needed.formUnion(r.dependencies)
        }
        return out.reversed()
    }
}
