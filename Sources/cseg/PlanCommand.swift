import ArgumentParser
import Datasets
import Foundation
import Planning
import Running

/// `cseg plan EXPERIMENT [--json]`: the runs an experiment expands to, in execution order.
struct Plan: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the runs of an experiment file in execution order: index, run key, stage, dependencies, seed, output.",
        discussion: """
        Pre-training runs are identified by the SHA-256 of their own config, the hashes of the data they \
        read and their seed, and listed once for all the fine-tuning runs that share them. The same \
        experiment and data always give the same list. If the data root does not exist yet (a phantom \
        not generated), identities use the split's ids only and are marked provisional.
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    @Flag(help: "Print JSON instead of a table.")
    var json = false

    @Flag(help: "Also print the cost: per stage the steps and CPU-hours, measured by a short timed probe of each stage kind on this machine, and the wall time for --jobs and for Slurm arrays of --array-size.")
    var estimate = false

    @Flag(help: "With --estimate: count the runs the experiment's archive holds as to be computed, as `cseg run --recompute-archived` does.")
    var recomputeArchived = false

    @Option(help: "With --estimate: runs at once, as `cseg run --jobs` (each with threads/jobs engine threads).")
    var jobs: Int = 2

    @Option(help: "With --estimate: Slurm array tasks at once (sbatch --array=…%K).")
    var arraySize: Int = 32

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        guard jobs >= 1, arraySize >= 1 else { throw ValidationError("--jobs and --array-size must be at least 1") }
        if recomputeArchived && !estimate { throw ValidationError("--recompute-archived only changes --estimate; give both") }
    }

    func run() throws {
        let exp = try ExperimentParser.read(experiment)
        let split = try SplitFileParser.read(exp.data.split)
        let ids = split.dataset.ids
        let runs = try RunPlanner.plan(exp, split: split, data: try DataHashes.compute(for: exp, ids: ids))
        // Settings that would fail at a run's first step (B against S, l against the input size) fail here.
        try ExperimentData.checkStageShapes(runs, experiment: exp)
        if json {
            struct Row: Encodable {
                var index: Int, runKey: String, stage: String, method: String?, dependencies: [String], seed: UInt64
                var output: String, identity: String, provisional: Bool
            }
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            let rows = runs.map { Row(index: $0.index, runKey: $0.runKey, stage: $0.stage.rawValue, method: $0.method,
                                      dependencies: $0.dependencies, seed: $0.seed, output: $0.output,
                                      identity: $0.identity, provisional: $0.provisional) }
            print(String(decoding: try encoder.encode(rows), as: UTF8.self))
            return
        }
        print("experiment \(exp.name) (\(exp.path), preset \(exp.preset.rawValue)): \(runs.count) runs")
        if runs.first?.provisional == true {
            print("note: data root \(exp.data.root) does not exist yet\(exp.data.kind == .phantom ? " or holds an unfinished phantom (no phantom.json)" : ""); identities are provisional")
        }
        let keyWidth = max(7, runs.map(\.runKey.count).max() ?? 0)
        let stageWidth = 15
        func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s : s + String(repeating: " ", count: n - s.count) }
        print(pad("#", 5) + pad("run key", keyWidth + 2) + pad("stage", stageWidth + 2) + pad("seed", 6) + "output  [depends on]")
        for r in runs {
            let deps = r.dependencies.isEmpty ? "" : "  [\(r.dependencies.joined(separator: ", "))]"
            print(pad("\(r.index)", 5) + pad(r.runKey, keyWidth + 2) + pad(r.stage.rawValue, stageWidth + 2)
                  + pad("\(r.seed)", 6) + r.output + deps)
        }
        if estimate {
            let perJob = max(1, threads.threads / jobs)
            var t = threads
            t.threads = perJob
            try t.apply()
            let pending = RunPlanner.pending(runs, recomputeArchived: recomputeArchived)
            let e = try PlanEstimate.measure(exp, split: split, runs: pending, threads: perJob)
            print("")
            print(e.text(jobs: jobs, arraySize: arraySize, of: runs.count))
        }
    }
}
