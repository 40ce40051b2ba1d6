import Foundation
import Planning
import RunStore

/// `cseg archive`: writes the archived copy (`RunArchive`) of every complete run of a plan into the
/// experiment's `archive` directory, so that its results can be committed and outlive `output`.
public enum RunArchiving {
    public enum Action: Sendable, Equatable {
        /// Written now; the archive's size in bytes.
        case written(bytes: Int)
        /// The archive already holds a copy of this very file (same source content hash).
        case upToDate
        /// The archive holds a copy, for this run's config, data, split file and leak findings, of a file
        /// with the same results hash (a recomputation: other host or commit, the same numbers): kept as
        /// it is, so that regenerating a grid does not rewrite its committed copies.
        case sameResults
        /// No complete run file to archive (missing, stale or damaged); an existing archive is left as is.
        case notComplete
    }

    /// Under the experiment's shared lock, so no grid run (which locks it exclusively) rewrites a run
    /// file while it is copied; temporary files that a killed `cseg archive` left are removed first
    /// (`log` names them).
    public static func archive(_ experiment: Experiment, plan: [PlannedRun], log: (String) -> Void = { _ in }) throws -> [(run: PlannedRun, action: Action)] {
        // Without today's data no run can be checked against what it was made from.
        if plan.first?.provisional == true {
            throw RunnerError(experiment.data.root, "\(DataHashes.missingData(experiment)): nothing can be archived without the data its runs were made from")
        }
        guard let directory = experiment.archive else {
            throw RunnerError(experiment.path, "names no archive directory: add archive = \"…\" beside output (docs/experiments.md)")
        }
        let lock = try ExperimentLock.experiment(output: experiment.output, mode: .shared)
        defer { lock.release() }
        for path in StaleTemporaryFiles.remove(under: directory) { log("removed \(path), left by a writer that was killed") }
        return try plan.map { r in
            guard let archive = r.archive, RunCompletion.isComplete(r) else { return (r, .notComplete) }
            let source = try RunFileReader.header(r.output)
            if let existing = try? RunFileVerifier.verify(archive), let from = existing.archivedFrom {
                if from.contentSHA256 == source.contentSHA256 { return (r, .upToDate) }
                if let results = source.resultsSHA256, from.resultsSHA256 == results, try keeps(archive, for: r) { return (r, .sameResults) }
            }
            try RunArchive.write(from: r.output, to: archive)
            let bytes = (try FileManager.default.attributesOfItem(atPath: archive)[.size] as? NSNumber)?.intValue ?? 0
            return (r, .written(bytes: bytes))
        }
    }

    /// Whether an archived copy with the run file's results hash may stand for it: it holds the planned
    /// config and data (`RunCompletion.isArchived`) and records the same split file, the same leak
    /// findings and the same pre-training runs (by key) as the run file.
    static func keeps(_ archive: String, for r: PlannedRun) throws -> Bool {
        guard RunCompletion.isArchived(r) else { return false }
        let kept = try RunFileReader.inputs(archive), now = try RunFileReader.inputs(r.output)
        return kept.splitSHA256 == now.splitSHA256 && kept.splitAuditFindings == now.splitAuditFindings
            && kept.dependencies.map(\.runKey) == now.dependencies.map(\.runKey)
    }
}
