import ArgumentParser
import Datasets
import Determinism
import Engine
import Foundation
import Planning
import Running

/// `cseg submit EXPERIMENT --slurm`: the plan as one Slurm job array per stage, chained with afterok
/// (docs/slurm.md).
struct Submit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Submit an experiment to Slurm: one job array per stage (pre-training global, local, fine-tuning), each after the previous one.",
        discussion: """
        Writes <output>/slurm/<stage>.sbatch for every stage with entries not yet complete (a stage whose \
        entries are all complete is left out), submits them with sbatch, each --dependency=afterok on the \
        one before, and prints the job ids (also in <output>/slurm/submission.json). Array task t runs \
        `cseg run EXPERIMENT --index I --threads C` for the t-th entry of its stage. A phantom dataset is \
        generated here, before anything is queued, so that no two tasks generate it at once. --dry-run \
        prints the scripts and the sbatch calls and changes nothing (no Slurm needed).
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    @Flag(help: "Submit with Slurm's sbatch (the only scheduler so far; required).")
    var slurm = false

    @Option(help: "Slurm partition (default: the cluster's default partition).")
    var partition: String?

    @Option(help: "Time limit of each array task, in Slurm's format (e.g. 90, 4:00:00, 1-12).")
    var time: String?

    @Option(help: "CPUs per array task; each task runs cseg with this many --threads (results do not depend on it).")
    var cpus: Int = 1

    @Option(help: "At most this many tasks of a stage at once (sbatch --array=…%K).")
    var arrayLimit: Int?

    @Option(help: "The cseg binary the tasks run (default: this executable).")
    var cseg: String?

    @Option(help: "Matrix products each task uses: 'engine' (the same bits on every x86-64 node) or 'openblas' (bits depend on each node's OpenBLAS core; recorded in provenance).")
    var kernels: MatrixKernels = .engine

    @Flag(help: "Queue the runs that the experiment's archive holds too (those without a complete run file); each task checks the run it computes against the archived copy's results hash.")
    var recomputeArchived = false

    @Flag(help: "Print the scripts and the sbatch calls; write and submit nothing.")
    var dryRun = false

    @Flag(help: "Do not time the stages before queuing (by default the cost estimate of `cseg plan --estimate` is printed first).")
    var noEstimate = false

    @Option(help: "Worker threads for generating a phantom here before submitting (default 1, polite on a login node; the data is bit-identical for any count).")
    var threads: Int = 1

    func validate() throws {
        guard slurm else { throw ValidationError("give --slurm (Slurm is the only scheduler cseg submits to)") }
        if let problem = options(cwd: "/").problem { throw ValidationError(problem) }
        guard threads >= 1 else { throw ValidationError("--threads must be at least 1, got \(threads)") }
    }

    func options(cwd: String) -> SlurmJobOptions {
        SlurmJobOptions(partition: partition, time: time, cpusPerTask: cpus, arrayLimit: arrayLimit,
                        cseg: cseg.map { SlurmSubmission.absolutePath($0, in: cwd) } ?? Self.runningExecutable(cwd: cwd), kernels: kernels)
    }

    func run() throws {
        let cwd = FileManager.default.currentDirectoryPath
        let exp = try ExperimentParser.read(SlurmSubmission.absolutePath(experiment, in: cwd))
        // The data first: run identities (and pre-training file names) depend on the data's hashes, so the
        // plan is final only once the data exists; and tasks generating a phantom concurrently would race.
        if !dryRun {
            Parallel.setWorkerCount(threads)
            try ExperimentData.ensurePhantom(exp, harnessVersion: VersionReport.version) { print($0) }
        }
        let split = try SplitFileParser.read(exp.data.split)
        let plan = try RunPlanner.plan(exp, split: split, data: try DataHashes.compute(for: exp, ids: split.dataset.ids))
        // Settings that would fail at a run's first step (B against S, l against the input size) fail here.
        try ExperimentData.checkStageShapes(plan, experiment: exp)
        let submission = try SlurmSubmission(experiment: exp, split: split, plan: plan, options: options(cwd: cwd),
                                             isArchived: RunPlanner.archivedCountsAsDone(recomputeArchived: recomputeArchived))
        if dryRun {
            if plan.first?.provisional == true {
                print("note: data root \(exp.data.root) does not exist yet or holds an unfinished phantom; cseg submit generates the phantom before queuing "
                      + "anything (pre-training file names change then), and refuses other missing data")
            }
            print(submission.dryRunText, terminator: "")
            return
        }
        guard plan.first?.provisional != true else {
            throw SubmitError(exp.data.root, "the data root does not exist: the tasks would have nothing to read")
        }
        guard !submission.jobs.isEmpty else {
            submission.stageLines.forEach { print($0) }
            print("every entry of \(exp.name) is complete: nothing to submit")
            return
        }
        let sbatch = try Self.findOnPath("sbatch")
        // Runs of a submission still queued would be queued twice: they would compute the same files twice.
        let previous = try submission.recordedJobIDs()
        if !previous.isEmpty, let squeue = try? Self.findOnPath("squeue"),
           let active = try? Self.capture(squeue, ["--noheader", "--format=%i", "--jobs=" + previous.joined(separator: ",")]),
           !active.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
            let ids = active.split(whereSeparator: \.isNewline).joined(separator: " ")
            throw SubmitError(submission.recordPath, "the previous submission is still queued or running (\(ids)): "
                              + "wait for it, or scancel \(previous.joined(separator: " ")), then submit again")
        }
        if !noEstimate {
            // The tasks' own thread count, on this (login) node: a node of the cluster may be faster or slower.
            Parallel.setWorkerCount(cpus)
            let pending = RunPlanner.pending(plan, recomputeArchived: recomputeArchived)
            let estimate = try PlanEstimate.measure(exp, split: split, runs: pending, threads: cpus)
            print(estimate.text(jobs: 1, arraySize: arrayLimit ?? max(1, submission.jobs.map(\.entries.count).max() ?? 1), of: plan.count))
            print("(measured on this node; the cluster's nodes may differ)")
            Parallel.setWorkerCount(threads)
        }
        submission.stageLines.forEach { print($0) }
        _ = try ExperimentData(exp)  // creates the preprocessing cache directory before tasks share it
        try submission.writeScripts()
        let formatter = ISO8601DateFormatter()
        formatter.timeZone = TimeZone(identifier: "UTC")
        let now = formatter.string(from: Date())
        // Recorded after every sbatch call, so that a partial submission is known to the next one.
        let submitted = try submission.submit(sbatch: { try Self.capture(sbatch, $0) },
                                              queued: { try submission.writeRecord($0, submittedUTC: now) })
        for (job, s) in zip(submission.jobs, submitted) {
            print("\(s.stage): job \(s.jobID)" + (s.afterJobID.map { " (afterok:\($0))" } ?? "")
                  + ", \(job.entries.count) array \(job.entries.count == 1 ? "task" : "tasks"), plan \(job.entries.count == 1 ? "index" : "indices") "
                  + job.entries.map { String($0.index) }.joined(separator: ","))
        }
        print("logs: \(submission.logDirectory)/; record: \(submission.recordPath)")
        print("job ids: " + submitted.map(\.jobID).joined(separator: " "))
    }

    /// This process's binary, symlinks resolved, so tasks run exactly the build that planned them.
    static func runningExecutable(cwd: String) -> String {
        if let path = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"), path.hasPrefix("/") { return path }
        return SlurmSubmission.absolutePath(CommandLine.arguments[0], in: cwd)
    }

    static func findOnPath(_ name: String) throws -> String {
        let dirs = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        guard let dir = dirs.first(where: { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }) else {
            throw SubmitError(name, "not found on PATH: install Slurm's client commands (Debian: slurm-client), or use --dry-run")
        }
        return "\(dir)/\(name)"
    }

    /// Runs `executable` and returns its standard output; a non-zero exit is an error carrying its stderr.
    static func capture(_ executable: String, _ arguments: [String]) throws -> String {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe()
        p.standardOutput = out
        p.standardError = err
        try p.run()
        // sbatch's answers are short: reading both pipes to the end after one another cannot fill either.
        let stdout = out.fileHandleForReading.readDataToEndOfFile()
        let stderr = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            let message = String(decoding: stderr, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
            throw SubmitError(executable, "exit status \(p.terminationStatus)" + (message.isEmpty ? "" : ": \(message)"))
        }
        return String(decoding: stdout, as: UTF8.self)
    }
}

/// "<path>: <problem>" for what the command itself meets (a missing sbatch, a failed call).
struct SubmitError: Error, CustomStringConvertible {
    let path: String
    let problem: String
    init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    var description: String { "\(path): \(problem)" }
}
