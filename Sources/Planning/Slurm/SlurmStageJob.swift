/// One stage of an experiment as a Slurm job array: the plan entries of that stage that were not complete
/// at submission (plan order), and the sbatch script that runs them, one array task per entry.
///
/// The script is a pure function of the experiment, its split file, the entries and the options: no dates,
/// hosts or job ids, so the same submission writes the same bytes. The dependency on the previous stage is
/// not in the script (the job id exists only once that stage is submitted); `cseg submit` passes it to
/// sbatch as `--dependency=afterok:<id>`.
public struct SlurmStageJob: Sendable, Equatable {
    public var stage: Stage
    public var entries: [PlannedRun]
    /// `<output>/slurm/<stage>.sbatch`.
    public var scriptPath: String
    /// `<experiment name>_<stage>`, restricted to characters every Slurm tool prints as is.
    public var jobName: String
    public var script: String

    /// The `--array` value: task ids 0…n−1 (plan indices are not contiguous within a stage, so the script
    /// maps task id t to `INDICES[t]`), with `%K` when at most K tasks may run at once.
    public var arraySpec: String

    init(stage: Stage, entries: [PlannedRun], experiment: Experiment, splitSHA256: String, options: SlurmJobOptions,
         directory: String, logDirectory: String) throws {
        self.stage = stage
        self.entries = entries
        scriptPath = "\(directory)/\(stage.rawValue).sbatch"
        jobName = Self.jobName(experiment: experiment.name, stage: stage)
        arraySpec = "0-\(entries.count - 1)" + (options.arrayLimit.map { "%\($0)" } ?? "")
        let logPattern = try SlurmText.directiveValue("\(SlurmText.escapePercent(logDirectory))/%x_%A_%a.out",
                                                      what: "the log directory", path: logDirectory)
        var directives = [
            "--job-name=\(jobName)",
            "--array=\(arraySpec)",
            "--cpus-per-task=\(options.cpusPerTask)",
        ]
        if let p = options.partition { directives.append("--partition=\(p)") }
        if let t = options.time { directives.append("--time=\(t)") }
        directives += ["--output=\(logPattern)",
                       // Without it a failed earlier stage leaves this one pending forever (DependencyNeverSatisfied).
                       "--kill-on-invalid-dep=yes"]
        let q = SlurmText.shellQuote
        let n = entries.count
        script = """
            #!/bin/bash
            \(directives.map { "#SBATCH \($0)" }.joined(separator: "\n"))
            #
            # Written by `cseg submit --slurm`: stage \(stage.rawValue) of experiment "\(SlurmText.commentSafe(experiment.name))", \
            the \(n) plan \(n == 1 ? "entry" : "entries")
            # not complete at submission. Array task t runs plan entry INDICES[t] with `cseg run --index`, which
            # skips a run whose output already verifies and refuses one whose dependencies are not complete.
            # cseg submit queues this script after the previous stage's array with --dependency=afterok.
            set -euo pipefail

            EXPERIMENT=\(q(experiment.path))
            EXPERIMENT_SHA256=\(experiment.sha256)
            SPLIT=\(q(experiment.data.split))
            SPLIT_SHA256=\(splitSHA256)
            INDICES=(\(entries.map { String($0.index) }.joined(separator: " ")))
            RUN_KEYS=(\(entries.map { q($0.runKey) }.joined(separator: " ")))

            # INDICES are positions in the plan of exactly these files: an edited experiment or split file
            # could give another plan, so refuse to run rather than run the wrong entry.
            for pair in "$EXPERIMENT_SHA256  $EXPERIMENT" "$SPLIT_SHA256  $SPLIT"; do
              if ! printf '%s\\n' "$pair" | sha256sum --check --status; then
                echo "cseg slurm task: ${pair#*  } is missing or changed since cseg submit wrote this script; submit again" >&2
                exit 2
              fi
            done

            TASK=${SLURM_ARRAY_TASK_ID:?this script is a job array: submit it with sbatch}
            if [ "$TASK" -lt 0 ] || [ "$TASK" -ge ${#INDICES[@]} ]; then
              echo "cseg slurm task: array task $TASK, but this stage has ${#INDICES[@]} entries" >&2
              exit 2
            fi
            echo "cseg slurm task: plan entry ${INDICES[$TASK]} (${RUN_KEYS[$TASK]}), stage \(stage.rawValue), array task $TASK"
            exec \(q(options.cseg)) run "$EXPERIMENT" --index "${INDICES[$TASK]}" --threads \(options.cpusPerTask) --kernels \(options.kernels.rawValue)

            """
    }

    static func jobName(experiment: String, stage: Stage) -> String {
        let safe = String(experiment.unicodeScalars.map { s -> Character in
            s.isASCII && (s.properties.isAlphabetic || ("0"..."9").contains(s) || "._-".unicodeScalars.contains(s)) ? Character(s) : "_"
        })
        return "\(safe.isEmpty ? "cseg" : safe)_\(stage.rawValue)"
    }
}

/// Quoting for the two languages a stage script is written in: bash, and sbatch's `#SBATCH` lines.
enum SlurmText {
    /// One bash word: single quotes, with each `'` written as `'\''`.
    static func shellQuote(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }

    /// sbatch expands `%x`, `%A`… in `--output`; a literal `%` in a directory name must be `%%`.
    static func escapePercent(_ s: String) -> String { s.replacingOccurrences(of: "%", with: "%%") }

    /// A value for an `#SBATCH` line: sbatch splits those on whitespace and treats quotes and `\` specially,
    /// so a path holding any of them is refused rather than silently cut.
    static func directiveValue(_ value: String, what: String, path: String) throws -> String {
        if let bad = value.first(where: { $0.isWhitespace || $0 == "\"" || $0 == "'" || $0 == "\\" }) {
            throw SlurmSubmissionError(path, "\(what) contains \(bad == "\\" ? "a backslash" : bad.isWhitespace ? "whitespace" : "a quote"), "
                                       + "which an #SBATCH line cannot hold; choose an output directory without it")
        }
        return value
    }

    /// Text for a `#` comment line: no line breaks.
    static func commentSafe(_ s: String) -> String {
        String(s.map { $0.isNewline ? " " : $0 })
    }
}

/// A submission that cannot be done: "<path>: <problem>".
public struct SlurmSubmissionError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
