import ArgumentParser
import Datasets
import Foundation
import Planning
import Running

/// `cseg archive EXPERIMENT`: the complete runs' archived copies, for committing a grid's results.
struct Archive: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy an experiment's complete runs, without their weights, into its archive directory.",
        discussion: """
        An archived run is the run file with each weight array replaced by its SHA-256 and the source file's \
        results hash kept (docs/run-file.md). `cseg run` counts an archived run whose config matches as done \
        and `cseg report` reads it where the run file is missing; a run that needs an archived run's weights \
        recomputes it and must reproduce its results hash. The experiment names the directory with `archive`.
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    func run() throws {
        let e = try ExperimentParser.read(experiment)
        let split = try SplitFileParser.read(e.data.split)
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        var written = 0, bytes = 0, current = 0, same = 0, absent = 0
        for (r, action) in try RunArchiving.archive(e, plan: plan, log: { print($0) }) {
            switch action {
            case .written(let n):
                written += 1
                bytes += n
                print("[\(r.index)/\(plan.count)] \(r.runKey): archived in \(r.archive!) (\(n / 1024) KiB)")
            case .upToDate: current += 1
            case .sameResults: same += 1
            case .notComplete: absent += 1
            }
        }
        print("\(written) run(s) archived (\(bytes / 1024) KiB), \(current) already archived, "
              + "\(same) recomputed with the results hash of their archived copy (copy kept), \(absent) not complete (not archived)")
    }
}
