import RunStore

/// Whether a planned run is already done, and so which runs are left to compute.
///
/// A run is *complete* when its output file exists, verifies (schema and content hash), holds exactly
/// the planned config and was made from the planned data (the volume hashes it records equal today's);
/// *archived* when the experiment's archive holds a verified archived copy (`RunArchive`) of which the
/// same holds. Both count as done for what a report reads, but only a complete run has the weights a
/// later stage starts from. The config alone cannot tell: a baseline's config names its volumes by id,
/// so a volume replaced under the same id leaves it unchanged.
public enum RunCompletion {
    /// `findings`: the split-audit leaks this invocation lets through, which the file must record
    /// exactly (nil: not compared, for callers that do not audit the split).
    public static func isComplete(_ run: PlannedRun, recording findings: [String]? = nil) -> Bool {
        RunFileVerifier.isComplete(run.output, configJSON: run.configJSON) && holdsPlannedInputs(run.output, run, findings)
    }

    public static func isArchived(_ run: PlannedRun, recording findings: [String]? = nil) -> Bool {
        guard let archive = run.archive else { return false }
        return RunFileVerifier.isArchived(archive, configJSON: run.configJSON) && holdsPlannedInputs(archive, run, findings)
    }

    /// The volumes whose recorded hashes differ from the plan's ("003 (image)", "011 (image, label)";
    /// "012 (not in the data)"), in the file's order: empty when the run read today's data, or when the
    /// plan could not hash the data (`PlannedRun.provisional`) and there is nothing to compare.
    public static func changedVolumes(_ recorded: RunInputs, _ run: PlannedRun) -> [String] {
        guard let planned = run.volumes else { return [] }
        let byID = Dictionary(planned.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        return recorded.volumes.compactMap { v in
            guard let p = byID[v.id] else { return "\(v.id) (not in the data)" }
            let parts = (p.imageSHA256 == v.imageSHA256 ? [] : ["image"]) + (p.labelSHA256 == v.labelSHA256 ? [] : ["label"])
            return parts.isEmpty ? nil : "\(v.id) (\(parts.joined(separator: ", ")))"
        }
    }

    private static func holdsPlannedInputs(_ path: String, _ run: PlannedRun, _ findings: [String]?) -> Bool {
        guard let inputs = try? RunFileReader.inputs(path) else { return false }
        if let findings, inputs.splitAuditFindings != findings { return false }
        return changedVolumes(inputs, run).isEmpty
    }

    /// The runs of `selected` (in plan order) that must be computed: every run that is neither complete
    /// nor archived, and every archived run whose weights such a run reads, directly or through a
    /// complete run between them (fine-tuning after G^D + L^R reads the global stage's g1 too); each is
    /// recomputed, then checked against its archived results hash. `selected` holds every ancestor of
    /// its runs, as `ExperimentRunner.select` returns it.
    public static func toCompute(_ selected: [PlannedRun], isComplete: (PlannedRun) -> Bool = { isComplete($0) },
                                 isArchived: (PlannedRun) -> Bool = { isArchived($0) }) -> [PlannedRun] {
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
