import Datasets
import Foundation
import Testing
@testable import Planning
@testable import Running

/// The tiny experiment with one run of each stage kind and fine-tuning at non-contiguous plan indices:
/// 1 baseline, 2 pretrain-global, 3 global, 4 pretrain-local, 5 global+local.
enum SlurmFixture {
    static let methods = ["baseline", "global", "global+local"]

    static func experiment(_ name: String) throws -> (Experiment, SplitFile, [PlannedRun]) {
        let e = try TinyExperiment.experiment(name, methods: methods)
        return (e, try SplitFileParser.read(e.data.split), try TinyExperiment.plan(e))
    }

    static let options = SlurmJobOptions(partition: "debug", time: "1:00:00", cpusPerTask: 2, arrayLimit: 3, cseg: "/opt/cseg/bin/cseg")
}

@Suite("Slurm submission: stage scripts, chaining, options")
struct SlurmSubmissionTests {
    @Test("one array per stage in stage order, index lists from the plan, %K, and the exact finetune script")
    func stageScripts() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-scripts")
        #expect(plan.map { "\($0.index) \($0.stage.rawValue)" } == ["1 finetune", "2 pretrain-global", "3 finetune", "4 pretrain-local", "5 finetune"])
        let s = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options, isComplete: { _ in false })
        #expect(s.jobs.map(\.stage) == [.pretrainGlobal, .pretrainLocal, .finetune])
        #expect(s.jobs.map { $0.entries.map(\.index) } == [[2], [4], [1, 3, 5]])
        #expect(s.jobs.map(\.arraySpec) == ["0-0%3", "0-0%3", "0-2%3"])
        #expect(s.jobs.map(\.scriptPath) == ["pretrain-global", "pretrain-local", "finetune"].map { "\(e.output)/slurm/\($0).sbatch" })
        #expect(s.completeStages.isEmpty)

        let finetune = s.jobs[2]
        #expect(finetune.script == """
            #!/bin/bash
            #SBATCH --job-name=slurm-scripts_finetune
            #SBATCH --array=0-2%3
            #SBATCH --cpus-per-task=2
            #SBATCH --partition=debug
            #SBATCH --time=1:00:00
            #SBATCH --output=\(e.output)/slurm/logs/%x_%A_%a.out
            #SBATCH --kill-on-invalid-dep=yes
            #
            # Written by `cseg submit --slurm`: stage finetune of experiment "slurm-scripts", the 3 plan entries
            # not complete at submission. Array task t runs plan entry INDICES[t] with `cseg run --index`, which
            # skips a run whose output already verifies and refuses one whose dependencies are not complete.
            # cseg submit queues this script after the previous stage's array with --dependency=afterok.
            set -euo pipefail

            EXPERIMENT='\(e.path)'
            EXPERIMENT_SHA256=\(e.sha256)
            SPLIT='\(split.path)'
            SPLIT_SHA256=\(split.sha256)
            INDICES=(1 3 5)
            RUN_KEYS=('baseline_tr1_c1_s7' 'global-GD_tr1_c1_s7' 'global-GD+local-LR_tr1_c1_s7')

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
            echo "cseg slurm task: plan entry ${INDICES[$TASK]} (${RUN_KEYS[$TASK]}), stage finetune, array task $TASK"
            exec '/opt/cseg/bin/cseg' run "$EXPERIMENT" --index "${INDICES[$TASK]}" --threads 2 --kernels engine

            """)
        // The other stages differ only where they must.
        #expect(s.jobs[0].script.contains("INDICES=(2)\nRUN_KEYS=('pretrain-global-GD_s7')\n"))
        #expect(s.jobs[1].script.contains("#SBATCH --job-name=slurm-scripts_pretrain-local\n#SBATCH --array=0-0%3\n"))

        // Deterministic: the same inputs give the same bytes.
        let again = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options, isComplete: { _ in false })
        #expect(again.jobs == s.jobs && again.dryRunText == s.dryRunText)
    }

    @Test("the dry run lists the stages and the chained sbatch calls before the scripts")
    func dryRunText() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-dry")
        var options = SlurmFixture.options
        options.arrayLimit = nil
        options.partition = nil
        options.time = nil
        let s = try SlurmSubmission(experiment: e, split: split, plan: plan, options: options, isComplete: { _ in false })
        let dir = "\(e.output)/slurm"
        let head = s.dryRunText.components(separatedBy: "\n\n==> ")[0]
        #expect(head == """
            cseg submit --slurm --dry-run: experiment slurm-dry (\(e.path)), 5 plan entries; nothing is written or submitted
            pretrain-global: 1 entry (plan index 2), array 0-0, \(dir)/pretrain-global.sbatch
            pretrain-local: 1 entry (plan index 4), array 0-0, \(dir)/pretrain-local.sbatch
            finetune: 3 entries (plan indices 1, 3, 5), array 0-2, \(dir)/finetune.sbatch
            sbatch calls, in order:
              sbatch --parsable \(dir)/pretrain-global.sbatch   # -> $PRETRAIN_GLOBAL_JOB
              sbatch --parsable --dependency=afterok:$PRETRAIN_GLOBAL_JOB \(dir)/pretrain-local.sbatch   # -> $PRETRAIN_LOCAL_JOB
              sbatch --parsable --dependency=afterok:$PRETRAIN_LOCAL_JOB \(dir)/finetune.sbatch   # -> $FINETUNE_JOB
            """)
        #expect(s.dryRunText.hasSuffix(s.jobs.map { "\n==> \($0.scriptPath) <==\n\($0.script)" }.joined()))
        // No partition or time lines when none was asked for; no %K without a limit.
        #expect(!s.jobs[2].script.contains("--partition") && !s.jobs[2].script.contains("--time"))
        #expect(s.jobs[2].script.contains("#SBATCH --array=0-2\n"))
        // Nothing was written.
        #expect(!FileManager.default.fileExists(atPath: dir))
    }

    @Test("complete stages are left out, partly complete stages list only their pending entries, the chain skips the gap")
    func completeStagesAreLeftOut() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-complete")
        let globalDone = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options,
                                             isComplete: { $0.stage == .pretrainGlobal })
        #expect(globalDone.jobs.map(\.stage) == [.pretrainLocal, .finetune])
        #expect(globalDone.completeStages == [.init(stage: .pretrainGlobal, entries: 1)])
        #expect(globalDone.stageLines[0] == "pretrain-global: its 1 entry is complete, left out")
        #expect(SlurmSubmission.sbatchArguments(globalDone.jobs[0], after: nil) == ["--parsable", globalDone.jobs[0].scriptPath])

        let someDone = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options,
                                           isComplete: { $0.stage != .finetune || $0.index == 1 })
        #expect(someDone.jobs.map(\.stage) == [.finetune])
        #expect(someDone.jobs[0].entries.map(\.index) == [3, 5] && someDone.jobs[0].arraySpec == "0-1%3")
        #expect(someDone.jobs[0].script.contains("INDICES=(3 5)\n"))
        #expect(someDone.completeStages.map(\.stage) == [.pretrainGlobal, .pretrainLocal])

        // Archived runs count as done, unless a run to compute reads their weights: one fine-tuning run
        // without a copy brings back the local stage it starts from and the global stage before that.
        let archived = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options,
                                           isComplete: { _ in false }, isArchived: { $0.index != 5 })
        #expect(archived.jobs.map(\.stage) == [.pretrainGlobal, .pretrainLocal, .finetune])
        #expect(archived.jobs.map { $0.entries.map(\.index) } == [[2], [4], [5]])
        // With the local stage's file complete, its fine-tuning run still reads the global stage's g1.
        let localKept = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options,
                                            isComplete: { $0.index == 4 }, isArchived: { $0.index != 5 })
        #expect(localKept.jobs.map { $0.entries.map(\.index) } == [[2], [5]])
        let allArchived = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options,
                                              isComplete: { _ in false }, isArchived: { _ in true })
        #expect(allArchived.jobs.isEmpty)

        let allDone = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options, isComplete: { _ in true })
        #expect(allDone.jobs.isEmpty)
        #expect(allDone.stageLines == ["pretrain-global: its 1 entry is complete, left out", "pretrain-local: its 1 entry is complete, left out",
                                       "finetune: all 3 entries complete, left out"])
        #expect(allDone.dryRunText.hasSuffix("every entry is complete: nothing to submit\n"))
    }

    @Test("a pending dependency in the same or a later stage is refused: whole-stage chaining could not honour it")
    func dependencyInvariant() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-invariant")
        var broken = plan
        broken[2].dependencies.append(plan[0].runKey)  // a fine-tuning run after another fine-tuning run
        #expect(throws: SlurmSubmissionError.self) {
            try SlurmSubmission(experiment: e, split: split, plan: broken, options: SlurmFixture.options, isComplete: { _ in false })
        }
        // Complete, the same dependency is harmless.
        let ok = try SlurmSubmission(experiment: e, split: split, plan: broken, options: SlurmFixture.options, isComplete: { $0.index == 1 })
        #expect(ok.jobs.last?.entries.map(\.index) == [3, 5])
    }

    @Test("options are checked against what sbatch accepts; relative paths are refused")
    func options() throws {
        for t in ["0", "90", "30:00", "4:00:00", "1-12", "1-12:30", "2-00:00:00"] { #expect(SlurmJobOptions.isTimeLimit(t), "\(t)") }
        for t in ["", "1h", "1:2:3:4", "-5", "1-", "1--2", " 90", "1-2-3", "1-2:3:4:5", "１"] { #expect(!SlurmJobOptions.isTimeLimit(t), "\(t)") }
        for p in ["debug", "gpu,cpu", "a.b_c-D9"] { #expect(SlurmJobOptions.isPartitionList(p), "\(p)") }
        for p in ["", "a b", "a,,b", "a\nb", "x;rm", ",a", "é"] { #expect(!SlurmJobOptions.isPartitionList(p), "\(p)") }
        let base = SlurmFixture.options
        #expect(base.problem == nil)
        var o = base; o.cpusPerTask = 0
        #expect(o.problem?.hasPrefix("--cpus") == true)
        o = base; o.arrayLimit = 0
        #expect(o.problem?.hasPrefix("--array-limit") == true)
        o = base; o.time = "2h"
        #expect(o.problem?.hasPrefix("--time") == true)
        o = base; o.partition = "a b"
        #expect(o.problem?.hasPrefix("--partition") == true)
        o = base; o.cseg = ".build/debug/cseg"
        #expect(o.problem?.hasPrefix("--cseg") == true)
        o = base; o.kernels = .openblas
        #expect(o.problem == nil)

        let (e, split, plan) = try SlurmFixture.experiment("slurm-options")
        o = base; o.time = "soon"
        #expect(throws: SlurmSubmissionError.self) { try SlurmSubmission(experiment: e, split: split, plan: plan, options: o) }
        var relative = e
        relative.path = "slurm-options.toml"
        #expect(throws: SlurmSubmissionError.self) { try SlurmSubmission(experiment: relative, split: split, plan: plan, options: base) }
        var spaced = e
        spaced.output = "/tmp/with space/out"
        #expect(throws: SlurmSubmissionError.self) { try SlurmSubmission(experiment: spaced, split: split, plan: plan, options: base) }
        // A % in the output directory is literal for sbatch only when doubled.
        var percent = e
        percent.output = "/tmp/100%/out"
        let p = try SlurmSubmission(experiment: percent, split: split, plan: plan, options: base, isComplete: { _ in false })
        #expect(p.jobs[0].script.contains("#SBATCH --output=/tmp/100%%/out/slurm/logs/%x_%A_%a.out\n"))
        #expect(SlurmStageJob.jobName(experiment: "my exp/2", stage: .finetune) == "my_exp_2_finetune")
    }

    @Test("submission writes the scripts atomically, chains each stage afterok on the previous job id, and records the ids")
    func submitChains() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-submit")
        let s = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options, isComplete: { _ in false })
        #expect(try s.recordedJobIDs() == [])
        try s.writeScripts()
        for job in s.jobs { #expect(try String(contentsOfFile: job.scriptPath, encoding: .utf8) == job.script) }
        var isDirectory: ObjCBool = false
        #expect(FileManager.default.fileExists(atPath: s.logDirectory, isDirectory: &isDirectory) && isDirectory.boolValue)
        #expect(FileManager.default.fileExists(atPath: "\(e.output)/runs") && FileManager.default.fileExists(atPath: "\(e.output)/pretrain"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.directory).sorted()
                == ["finetune.sbatch", "logs", "pretrain-global.sbatch", "pretrain-local.sbatch"])

        var calls: [[String]] = []
        var answers = ["41\n", "42;cluster-a\n", " 43 "]
        var recorded: [[String]] = []
        let submitted = try s.submit(sbatch: { args in
            calls.append(args)
            return answers.removeFirst()
        }, queued: { recorded.append($0.map(\.jobID)) })
        #expect(recorded == [["41"], ["41", "42"], ["41", "42", "43"]])
        #expect(calls == [["--parsable", s.jobs[0].scriptPath],
                          ["--parsable", "--dependency=afterok:41", s.jobs[1].scriptPath],
                          ["--parsable", "--dependency=afterok:42", s.jobs[2].scriptPath]])
        #expect(submitted.map(\.jobID) == ["41", "42", "43"] && submitted.map(\.afterJobID) == [nil, "41", "42"])
        #expect(submitted[2].planIndices == [1, 3, 5] && submitted[2].stage == "finetune")

        try s.writeRecord(submitted, submittedUTC: "2026-11-28T00:00:00Z")
        let record = try #require(try JSONSerialization.jsonObject(with: Data(contentsOf: URL(fileURLWithPath: s.recordPath))) as? [String: Any])
        #expect(record["experiment_sha256"] as? String == e.sha256)
        let jobs = try #require(record["jobs"] as? [[String: Any]])
        #expect(jobs.map { $0["job_id"] as? String } == ["41", "42", "43"])
        #expect(jobs.map { $0["after_job_id"] as? String } == [nil, "41", "42"])
        #expect(try FileManager.default.contentsOfDirectory(atPath: s.directory).filter { $0.contains(".tmp-") }.isEmpty)
        #expect(try s.recordedJobIDs() == ["41", "42", "43"])
    }

    @Test("a failed sbatch call names the stages already queued; output that is not a job id is an error")
    func submitFailures() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-fail")
        let s = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options, isComplete: { _ in false })
        struct Refused: Error, CustomStringConvertible { var description: String { "sbatch: error: invalid partition" } }
        var n = 0
        var recorded: [[String]] = []
        do {
            _ = try s.submit(sbatch: { _ in
                n += 1
                if n == 2 { throw Refused() }
                return "77"
            }, queued: { recorded.append($0.map(\.jobID)) })
            Issue.record("expected an error")
        } catch let error as SlurmSubmissionError {
            #expect(error.path == s.jobs[1].scriptPath)
            #expect(error.problem.contains("invalid partition") && error.problem.contains("pretrain-global as job 77")
                    && error.problem.contains("scancel 77"))
        }
        #expect(n == 2)
        #expect(recorded == [["77"]])  // the job queued before the failure is recorded
        #expect(throws: SlurmSubmissionError.self) { _ = try s.submit(sbatch: { _ in "Submitted batch job 5" }) }
        #expect(throws: SlurmSubmissionError.self) { _ = try s.submit(sbatch: { _ in "" }) }
        #expect(try SlurmSubmission.parseJobID("1234;c\n") == "1234")
    }
}
