import AtomicWrite
import Datasets
import Foundation

/// An experiment's plan as Slurm jobs: one job array per stage that has entries not yet complete, in stage
/// order (pretrain-global, pretrain-local, finetune), each stage queued `afterok` on the one before it.
///
/// Chaining whole stages is enough because every dependency of a run lies in an earlier stage (a local
/// pre-training run needs a global one, a fine-tuning run one of the two), and afterok is transitive: a
/// stage starts only when every task of every earlier submitted stage exited 0. The initialiser checks
/// that property on the plan it is given rather than assuming it.
public struct SlurmSubmission: Sendable {
    /// A stage of the plan whose entries were all complete at submission, so no job was made for it.
    public struct CompleteStage: Sendable, Equatable {
        public var stage: Stage
        public var entries: Int
    }

    /// What sbatch answered for one stage.
    public struct SubmittedJob: Sendable, Equatable, Codable {
        public var stage: String
        public var jobID: String
        /// The job this one waits for (afterok), nil for the first.
        public var afterJobID: String?
        public var script: String
        public var planIndices: [Int]
        public var runKeys: [String]
    }

    public static let stageOrder: [Stage] = [.pretrainGlobal, .pretrainLocal, .pretrainPretext, .finetune]

    public var experiment: Experiment
    public var options: SlurmJobOptions
    public var planCount: Int
    /// `<output>/slurm`: the stage scripts and the submission record.
    public var directory: String
    /// `<output>/slurm/logs`: one log per array task (`%x_%A_%a.out`).
    public var logDirectory: String
    public var jobs: [SlurmStageJob]
    public var completeStages: [CompleteStage]

    /// - Parameters:
    ///   - experiment: parsed from an absolute path (the tasks run in another directory), so every path in it
    ///     is absolute.
    ///   - isComplete, isArchived: what `RunCompletion.toCompute` decides from (by default, the files on
    ///     disk), so archived runs are left out unless a run to compute starts from them.
    public init(experiment: Experiment, split: SplitFile, plan: [PlannedRun], options: SlurmJobOptions,
                isComplete: (PlannedRun) -> Bool = { RunCompletion.isComplete($0) },
                isArchived: (PlannedRun) -> Bool = { RunCompletion.isArchived($0) }) throws {
        if let problem = options.problem { throw SlurmSubmissionError(experiment.path, problem) }
        for path in [experiment.path, experiment.output, experiment.data.split] where !path.hasPrefix("/") {
            throw SlurmSubmissionError(path, "cseg submit needs absolute paths (array tasks do not start in this directory)")
        }
        self.experiment = experiment
        self.options = options
        planCount = plan.count
        directory = "\(experiment.output)/slurm"
        logDirectory = "\(directory)/logs"

        let pending = RunCompletion.toCompute(plan, isComplete: isComplete, isArchived: isArchived)
        let pendingByKey = Dictionary(pending.map { ($0.runKey, $0) }, uniquingKeysWith: { a, _ in a })
        let rank = { (s: Stage) -> Int in Self.stageOrder.firstIndex(of: s)! }
        for r in pending {
            for d in r.dependencies {
                if let dep = pendingByKey[d], rank(dep.stage) >= rank(r.stage) {
                    throw SlurmSubmissionError(experiment.path, "plan entry \(r.index) (\(r.runKey), \(r.stage.rawValue)) depends on "
                                               + "\(d) (\(dep.stage.rawValue)), which is not in an earlier stage: stages cannot be chained")
                }
            }
        }
        var jobs: [SlurmStageJob] = []
        var complete: [CompleteStage] = []
        for stage in Self.stageOrder {
            let all = plan.filter { $0.stage == stage }
            let todo = pending.filter { $0.stage == stage }
            if todo.isEmpty {
                if !all.isEmpty { complete.append(CompleteStage(stage: stage, entries: all.count)) }
                continue
            }
            jobs.append(try SlurmStageJob(stage: stage, entries: todo, experiment: experiment, splitSHA256: split.sha256,
                                          options: options, directory: directory, logDirectory: logDirectory))
        }
        self.jobs = jobs
        completeStages = complete
    }

    /// The arguments of sbatch for `job`: after the previous stage's job, if any.
    public static func sbatchArguments(_ job: SlurmStageJob, after previous: String?) -> [String] {
        ["--parsable"] + (previous.map { ["--dependency=afterok:\($0)"] } ?? []) + [job.scriptPath]
    }

    /// One line per stage of the plan: left out as complete, or what its array runs.
    public var stageLines: [String] {
        Self.stageOrder.compactMap { stage in
            if let c = completeStages.first(where: { $0.stage == stage }) {
                return "\(stage.rawValue): " + (c.entries == 1 ? "its 1 entry is" : "all \(c.entries) entries") + " complete, left out"
            }
            guard let job = jobs.first(where: { $0.stage == stage }) else { return nil }
            return "\(stage.rawValue): \(Self.describe(job.entries)), array \(job.arraySpec), \(job.scriptPath)"
        }
    }

    static func describe(_ entries: [PlannedRun]) -> String {
        let indices = entries.map { String($0.index) }.joined(separator: ", ")
        return entries.count == 1 ? "1 entry (plan index \(indices))" : "\(entries.count) entries (plan indices \(indices))"
    }

    /// What `--dry-run` prints: the stages, the sbatch calls (job ids as placeholders) and every script.
    public var dryRunText: String {
        var lines = ["cseg submit --slurm --dry-run: experiment \(experiment.name) (\(experiment.path)), \(planCount) plan entries; "
                     + "nothing is written or submitted"]
        lines += stageLines
        if jobs.isEmpty {
            lines.append("every entry is complete: nothing to submit")
            return lines.joined(separator: "\n") + "\n"
        }
        lines.append("sbatch calls, in order:")
        var previous: String?
        for job in jobs {
            lines.append("  sbatch " + Self.sbatchArguments(job, after: previous).joined(separator: " ") + "   # -> $\(Self.placeholder(job.stage))")
            previous = "$" + Self.placeholder(job.stage)
        }
        var text = lines.joined(separator: "\n") + "\n"
        for job in jobs { text += "\n==> \(job.scriptPath) <==\n" + job.script }
        return text
    }

    static func placeholder(_ stage: Stage) -> String {
        stage.rawValue.uppercased().replacingOccurrences(of: "-", with: "_") + "_JOB"
    }

    /// Writes every stage script (atomically) and creates the log directory, which sbatch does not create:
    /// a task whose `--output` directory is missing fails without a log. Also creates the directory of every
    /// pending output, so concurrent tasks never race to create it.
    public func writeScripts() throws {
        for dir in [logDirectory] + Set(jobs.flatMap(\.entries).map { ($0.output as NSString).deletingLastPathComponent }).sorted() {
            do {
                try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            } catch {
                throw SlurmSubmissionError(dir, "cannot create the directory: \(error.localizedDescription)")
            }
        }
        for job in jobs { try AtomicText.write(job.script, to: job.scriptPath) }
    }

    /// Submits the stages in order through `sbatch` (called with the arguments, returning its standard
    /// output), each after the previous one; `queued` gets the jobs so far after each call (to record them
    /// even if a later call fails). If a call fails, the error says which stages were already queued: they
    /// run normally, and a later `cseg submit` leaves out what they complete.
    public func submit(sbatch: ([String]) throws -> String, queued: ([SubmittedJob]) throws -> Void = { _ in }) throws -> [SubmittedJob] {
        var submitted: [SubmittedJob] = []
        for job in jobs {
            let previous = submitted.last?.jobID
            let id: String
            do {
                id = try Self.parseJobID(try sbatch(Self.sbatchArguments(job, after: previous)))
            } catch {
                let queued = submitted.map { "\($0.stage) as job \($0.jobID)" }
                throw SlurmSubmissionError(job.scriptPath, "sbatch failed: \(error)"
                    + (queued.isEmpty ? "" : "; already queued: \(queued.joined(separator: ", ")) (scancel "
                       + "\(submitted.map(\.jobID).joined(separator: " ")) to withdraw them, or let them run: a later cseg submit skips complete runs)"))
            }
            submitted.append(SubmittedJob(stage: job.stage.rawValue, jobID: id, afterJobID: previous, script: job.scriptPath,
                                          planIndices: job.entries.map(\.index), runKeys: job.entries.map(\.runKey)))
            try queued(submitted)
        }
        return submitted
    }

    /// `sbatch --parsable` prints `<job id>` or `<job id>;<cluster>`.
    static func parseJobID(_ output: String) throws -> String {
        let line = output.trimmingCharacters(in: .whitespacesAndNewlines)
        let id = line.split(separator: ";", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        guard !id.isEmpty, id.allSatisfy({ $0.isASCII && $0.isNumber }) else {
            throw SlurmSubmissionError("sbatch", "expected a job id from --parsable, got \"\(line)\"")
        }
        return id
    }

    /// `<output>/slurm/submission.json`: the job ids of the last submission (the scripts themselves stay
    /// free of ids and dates, so they are reproducible).
    public var recordPath: String { "\(directory)/submission.json" }

    public func writeRecord(_ submitted: [SubmittedJob], submittedUTC: String) throws {
        struct Record: Encodable {
            var experiment: String, experimentSHA256: String, submittedUTC: String, cseg: String, jobs: [SubmittedJob]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        encoder.keyEncodingStrategy = .convertToSnakeCase
        let data = try encoder.encode(Record(experiment: experiment.path, experimentSHA256: experiment.sha256,
                                             submittedUTC: submittedUTC, cseg: options.cseg, jobs: submitted))
        try AtomicText.write(String(decoding: data, as: UTF8.self) + "\n", to: recordPath)
    }

    /// The job ids of the submission recorded at `recordPath`, or [] when there is none.
    public func recordedJobIDs() throws -> [String] {
        guard FileManager.default.fileExists(atPath: recordPath) else { return [] }
        struct Record: Decodable { struct Job: Decodable { var jobId: String }; var jobs: [Job] }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        do {
            return try decoder.decode(Record.self, from: Data(contentsOf: URL(fileURLWithPath: recordPath))).jobs.map(\.jobId)
        } catch {
            throw SlurmSubmissionError(recordPath, "not a submission record: \(error)")
        }
    }

    /// `path` made absolute against `directory` (the working directory), lexically like experiment paths.
    public static func absolutePath(_ path: String, in directory: String) -> String { resolve(path, against: directory) }
}

/// Whole-file text writes through the one atomic write, failures as submission errors.
enum AtomicText {
    static func write(_ text: String, to path: String) throws {
        do {
            try AtomicFile.write(Data(text.utf8), to: path)
        } catch let e as AtomicFileError {
            throw SlurmSubmissionError(path, e.detail)
        }
    }
}
