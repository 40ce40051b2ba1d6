import ArgumentParser
import Engine
import Foundation
import Planning
import RunStore
import Running

/// `cseg run EXPERIMENT`: executes the plan (docs/experiments.md), one run file per run (docs/run-file.md).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment: pre-training, fine-tuning and test evaluation, one HDF5 file per run; complete runs are skipped.",
        discussion: """
        Runs execute in plan order (`cseg plan EXPERIMENT` lists it); with --jobs, as their dependencies complete, \
        awaited pre-training runs first, then the longest first. A run whose output verifies and holds \
        its planned config is skipped, so an interrupted grid resumes where it stopped. --only selects runs \
        by key (glob, * and ?) and adds the pre-training runs they need; --index runs exactly one plan entry, \
        whose dependencies must be complete.
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    @Option(help: "Only runs whose key matches this glob (e.g. 'baseline_tr1_*'), with their pre-training runs.")
    var only: String?

    @Option(help: "Exactly the plan entry with this 1-based index.")
    var index: Int?

    @Option(help: "Runs at once, each in its own process with threads/jobs engine threads (at least 1); results are identical for any value.")
    var jobs: Int = 1

    @Option(help: .hidden) var progressInterval: Double = 30

    @Flag(help: "Run even if the split file leaks (a test id in a training list, train ∩ validation); every run file then records the findings.")
    var allowLeaks = false

    @Flag(help: "Compute runs that the experiment's archive holds too, each checked against its archived copy (results hash): regenerates a committed grid on this machine.")
    var recomputeArchived = false

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if only != nil && index != nil { throw ValidationError("give --only or --index, not both") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if jobs > 1 && index != nil { throw ValidationError("--index runs one entry: --jobs does not apply") }
    }

    func run() throws {
        try threads.apply()
        let exp = try ExperimentParser.read(experiment)
        let err = FileHandle.standardError
        let interactive = isatty(2) == 1
        var lastProgress = Date.distantPast
        var runner = ExperimentRunner(
            experiment: exp, provenance: RunProvenanceProbe.current(engineThreads: threads.threads),
            log: { line in
                if interactive { err.write(Data("\r\u{1B}[K".utf8)) }
                FileHandle.standardOutput.write(Data("\(line)\n".utf8))
            },
            progressLine: { line in
                // On a terminal the line is rewritten in place; in a log, one line every 30 s at most.
                if interactive {
                    err.write(Data("\r\u{1B}[K\(line)".utf8))
                } else if Date().timeIntervalSince(lastProgress) > progressInterval {
                    err.write(Data("\(line)\n".utf8))
                    lastProgress = Date()
                }
            })
        runner.allowLeaks = allowLeaks
        runner.recomputeArchived = recomputeArchived
        let selection: ExperimentRunner.Selection = index.map { .index($0) } ?? only.map { .matching($0) } ?? .all
        let start = Date()
        if jobs > 1 {
            var local = LocalJobs(experiment: exp, experimentPath: experiment,
                                  executable: URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL.path,
                                  selection: selection, jobs: jobs, threadsPerJob: max(1, threads.threads / jobs))
            local.allowLeaks = allowLeaks
            local.recomputeArchived = recomputeArchived
            local.kernels = threads.kernels
            local.log = { FileHandle.standardOutput.write(Data("\($0)\n".utf8)) }
            var lastStatus = Date()
            local.status = { lines in
                // On a terminal the block is redrawn in place (and cleared when a child ends); in a log,
                // every 30 s at most.
                if interactive {
                    if lines.isEmpty { err.write(Data("\u{1B}[J".utf8)); return }
                    let block = lines.joined(separator: "\n\u{1B}[K")
                    err.write(Data("\r\u{1B}[K\(block)\u{1B}[\(lines.count - 1)A\r".utf8))
                } else if !lines.isEmpty, Date().timeIntervalSince(lastStatus) > 30 {
                    err.write(Data(lines.joined(separator: "\n").appending("\n").utf8))
                    lastStatus = Date()
                }
            }
            let outcomes = try local.run()
            print(ExperimentRunner.summary(outcomes))
            err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
            return
        }
        do {
            let outcomes = try runner.run(selection)
            print(ExperimentRunner.summary(outcomes))
        } catch let failure as ExperimentRunner.GridFailure {
            // The runs that could run are done: show them, then fail with the reasons.
            print(ExperimentRunner.summary(failure.outcomes))
            err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
            throw failure
        }
        err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
    }
}
