import Datasets
import Foundation
import RunStore
import TestSupport
import Testing
@testable import Planning
@testable import Running

/// What an array task relies on, checked without Slurm: the generated script under bash, `cseg run --index`
/// being idempotent, and the command line (`cseg plan --json`, `cseg submit --dry-run`).
@Suite("Slurm tasks: scripts under bash, --index idempotence, plan JSON, dry run")
struct SlurmTaskTests {
    /// Runs `script` with bash and `environment` added; returns (status, stdout, stderr).
    static func bash(_ script: String, _ environment: [String: String]) throws -> (Int32, String, String) {
        var env = ProcessInfo.processInfo.environment
        env["SLURM_ARRAY_TASK_ID"] = nil
        env.merge(environment) { _, new in new }
        let r = try ChildProcess.capture(URL(fileURLWithPath: "/bin/bash"), [script], environment: env)
        return (r.status, r.stdout, r.stderr)
    }

    @Test("array task t runs plan entry INDICES[t] with the stage's --threads; out-of-range, missing task ids and edited files are refused")
    func scriptUnderBash() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-bash")
        let dir = "\(TinyExperiment.directory)/slurm-bash-fake"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        // A stand-in for cseg that records its arguments, one per line.
        let fake = "\(dir)/cseg", calls = "\(dir)/calls"
        try "#!/bin/bash\nprintf '%s\\n' \"$@\" > '\(calls)'\n".write(toFile: fake, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: fake)
        var options = SlurmFixture.options
        options.cseg = fake
        let s = try SlurmSubmission(experiment: e, split: split, plan: plan, options: options, isComplete: { _ in false })
        try s.writeScripts()
        let finetune = s.jobs[2].scriptPath

        for (task, index) in [(0, 1), (1, 3), (2, 5)] {
            try? FileManager.default.removeItem(atPath: calls)
            let (status, out, _) = try Self.bash(finetune, ["SLURM_ARRAY_TASK_ID": "\(task)"])
            #expect(status == 0)
            #expect(out.contains("plan entry \(index) (\(plan[index - 1].runKey)), stage finetune, array task \(task)"))
            #expect(try String(contentsOfFile: calls, encoding: .utf8) == "run\n\(e.path)\n--index\n\(index)\n--threads\n2\n--kernels\nengine\n")
        }
        try? FileManager.default.removeItem(atPath: calls)
        let (outOfRange, _, rangeError) = try Self.bash(finetune, ["SLURM_ARRAY_TASK_ID": "3"])
        #expect(outOfRange == 2 && rangeError.contains("array task 3, but this stage has 3 entries"))
        let (noTask, _, noTaskError) = try Self.bash(finetune, [:])
        #expect(noTask != 0 && noTaskError.contains("job array"))
        #expect(!FileManager.default.fileExists(atPath: calls))

        // An edited experiment file could renumber the plan: the task refuses to run.
        let original = try String(contentsOfFile: e.path, encoding: .utf8)
        try (original + "\n# edited\n").write(toFile: e.path, atomically: true, encoding: .utf8)
        defer { try? original.write(toFile: e.path, atomically: true, encoding: .utf8) }
        let (edited, _, editedError) = try Self.bash(finetune, ["SLURM_ARRAY_TASK_ID": "0"])
        #expect(edited == 2 && editedError.contains("\(e.path) is missing or changed since cseg submit"))
        #expect(!FileManager.default.fileExists(atPath: calls))
    }

    @Test("cseg run --index on a complete entry skips it and leaves the file untouched (array tasks can be rerun)")
    func indexIsIdempotent() throws {
        let e = try TinyExperiment.experiment("slurm-idempotent", methods: ["baseline"])
        let first = try TinyExperiment.runner(e).run(.index(1))
        #expect(first.map(\.skipped) == [false])
        let path = first[0].output
        let bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        let modified = try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date
        let second = try TinyExperiment.runner(e).run(.index(1))
        #expect(second.map(\.skipped) == [true])
        #expect(try Data(contentsOf: URL(fileURLWithPath: path)) == bytes)
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.modificationDate] as? Date == modified)
    }

    @Test("cseg plan --json lists every entry with every field, the same in two processes")
    func planJSON() throws {
        let (e, _, plan) = try SlurmFixture.experiment("slurm-plan-json")
        let (status, json) = try CSegExecutable.run(["plan", e.path, "--json"])
        #expect(status == 0)
        #expect(try CSegExecutable.run(["plan", e.path, "--json"]).1 == json)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [[String: Any]])
        #expect(rows.count == plan.count)
        for (row, r) in zip(rows, plan) {
            #expect(Set(row.keys).isSuperset(of: ["index", "run_key", "stage", "dependencies", "seed", "output", "identity", "provisional"]))
            #expect(row["index"] as? Int == r.index && row["run_key"] as? String == r.runKey)
            #expect(row["stage"] as? String == r.stage.rawValue && row["dependencies"] as? [String] == r.dependencies)
            #expect(row["seed"] as? Int == Int(r.seed) && row["output"] as? String == r.output)
            #expect(row["identity"] as? String == r.identity && row["provisional"] as? Bool == false)
            #expect(row["method"] as? String == r.method)
        }
    }

    @Test("cseg submit --dry-run prints what the library builds, needs no Slurm and writes nothing; bad options are refused")
    func submitDryRunCommand() throws {
        let (e, split, plan) = try SlurmFixture.experiment("slurm-cli")
        let args = ["submit", e.path, "--slurm", "--dry-run", "--partition", "debug", "--time", "1:00:00", "--cpus", "2",
                    "--array-limit", "3", "--cseg", "/opt/cseg/bin/cseg"]
        let (status, out) = try CSegExecutable.run(args)
        #expect(status == 0)
        let expected = try SlurmSubmission(experiment: e, split: split, plan: plan, options: SlurmFixture.options)
        #expect(out == expected.dryRunText)
        #expect(!FileManager.default.fileExists(atPath: "\(e.output)/slurm"))
        #expect(try CSegExecutable.run(["submit", e.path, "--dry-run"]).0 != 0)  // --slurm is required
        #expect(try CSegExecutable.run(["submit", e.path, "--slurm", "--dry-run", "--time", "2h"]).0 != 0)
        #expect(try CSegExecutable.run(["submit", e.path, "--slurm", "--dry-run", "--cpus", "0"]).0 != 0)
    }
}
