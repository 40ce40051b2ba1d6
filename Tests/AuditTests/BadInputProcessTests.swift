import Foundation
import RunStore
import Testing
@testable import Planning
@testable import Running

/// Cases only a real process can show: `kill -9` in the middle of a grid, a disk that fills while a run
/// file is written, two `cseg run` processes on one experiment; and the messages as `cseg run` prints
/// them. Each spawns the built `cseg` (`swift build` first).
@Suite("Bad input: processes (cseg run)", .serialized)
struct BadInputProcessTests {
    /// A copy of the base without its output: a grid computed from scratch by the binary.
    static func freshCase(_ name: String, _ config: TinyConfig) throws -> CaseDirectory {
        let c = try AuditFixture.makeCase(name)
        try FileManager.default.removeItem(atPath: c.output)
        try c.writeExperiment(config)
        return c
    }

    static var grid: TinyConfig { TinyConfig.grid }

    static func runFiles(_ c: CaseDirectory) -> [String] {
        ["runs", "pretrain"].flatMap { dir in
            ((try? FileManager.default.contentsOfDirectory(atPath: "\(c.output)/\(dir)")) ?? [])
                .filter { $0.hasSuffix(".h5") }.map { "\(dir)/\($0)" }
        }.sorted()
    }

    @Test("kill -9 in the middle of a grid, then a rerun: every run file is byte-identical (outside /volatile) to an uninterrupted run's")
    func killAndRerun() throws {
        let reference = try Self.freshCase("kill-reference", Self.grid)
        let done = try CSegProcess.run(["run", reference.experimentPath], in: reference.path)
        #expect(done.status == 0, "\(done.stderr)")
        let expected = Self.runFiles(reference)
        #expect(expected.count == 4)

        let c = try Self.freshCase("kill", Self.grid)
        let victim = try CSegProcess(["run", c.experimentPath], in: c.path)
        #expect(waitUntil(seconds: 300) { !Self.runFiles(c).isEmpty || !victim.process.isRunning })
        kill(victim.pid, SIGKILL)
        let killed = victim.wait()
        #expect(killed.signalled, "cseg finished before it could be killed: the case shows nothing")
        let survivors = Self.runFiles(c)
        #expect(!survivors.isEmpty && survivors.count < expected.count, "\(survivors)")

        let rerun = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        #expect(rerun.status == 0, "\(rerun.stderr)")
        #expect(rerun.stdout.contains("complete, skipped"))
        #expect(Self.runFiles(c) == expected)
        for file in expected {
            let a = try RunFileContents.read("\(reference.output)/\(file)"), b = try RunFileContents.read("\(c.output)/\(file)")
            #expect(a.contentSHA256 == b.contentSHA256, "\(file)")
            #expect(a.differingPaths(b) == [], "\(file)")
            try RunFileVerifier.verify("\(c.output)/\(file)")
        }
        #expect(c.temporaryFiles() == [])
    }

    @Test("a full disk while a run file is written (RLIMIT_FSIZE): exit 1 naming the file and the error; the old file survives; no temporary file")
    func fullDisk() throws {
        let c = try AuditFixture.makeCase("full-disk")
        var config = TinyConfig()
        config.finetuneIterations = 4  // the stored baseline file is for 3: the run is redone over it
        try c.writeExperiment(config)
        let path = "\(c.output)/runs/baseline_tr1_c1_s7.h5"
        let before = try c.snapshot()
        let full = try CSegProcess.run(["run", c.experimentPath, "--only", "baseline_*"], in: c.path, fileSizeLimit: 8192)
        #expect(full.status == 1 && !full.signalled, "status \(full.status): \(full.stderr)")
        #expect(full.stderr.contains("Error: \(path): cannot write the run file ("), "\(full.stderr)")
        #expect(full.stderr.contains("File too large); the previous file there is unchanged"), "\(full.stderr)")
        #expect(try c.snapshot() == before)
        #expect(c.temporaryFiles() == [])

        // With room again, the same command completes the run.
        let again = try CSegProcess.run(["run", c.experimentPath, "--only", "baseline_*"], in: c.path)
        #expect(again.status == 0, "\(again.stderr)")
        try RunFileVerifier.verify(path)
    }

    @Test("two cseg run processes on one experiment: the second fails at once, naming the lock and the first one's PID")
    func twoProcesses() throws {
        var config = Self.grid
        config.finetuneIterations = 30  // long enough to still be running when the second one asks
        let c = try Self.freshCase("two-processes", config)
        let first = try CSegProcess(["run", c.experimentPath], in: c.path)
        let lockFile = "\(c.output)/.lock"
        #expect(waitUntil(seconds: 60) {
            (try? String(contentsOfFile: lockFile, encoding: .utf8)) == "\(first.pid)\n" || !first.process.isRunning
        })
        let start = Date()
        let second = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        let seconds = Date().timeIntervalSince(start)
        let firstStillRunning = first.process.isRunning
        #expect(second.status == 1)
        #expect(second.stderr.contains("Error: \(lockFile): locked by process \(first.pid): another cseg run is working on this experiment's output directory"),
                "\(second.stderr)")
        #expect(seconds < 10, "the second process waited \(seconds) s")
        #expect(firstStillRunning, "the first process finished before the second asked: the case shows nothing")
        let done = first.wait()
        #expect(done.status == 0, "\(done.stderr)")
        #expect(Self.runFiles(c).count == 4)
    }

    @Test("cseg run --jobs: refused while a grid run holds the lock, and while another --jobs holds the grid lock; --index tasks still run beside it")
    func jobsLocks() throws {
        let c = try AuditFixture.makeCase("jobs-locks")
        do {
            let grid = try ExperimentLock.experiment(output: c.output, mode: .exclusive)
            defer { grid.release() }
            let refused = try CSegProcess.run(["run", c.experimentPath, "--jobs", "2"], in: c.path)
            #expect(refused.status == 1 && refused.stderr.contains("Error: \(c.output)/.lock: locked by process \(getpid())"), "\(refused.stderr)")
        }
        let coordinator = try ExperimentLock.coordinator(output: c.output)
        defer { coordinator.forEach { $0.release() } }
        let second = try CSegProcess.run(["run", c.experimentPath, "--jobs", "2"], in: c.path)
        #expect(second.status == 1 && second.stderr.contains("Error: \(c.output)/.locks/grid.lock: locked by process \(getpid()): another cseg run is working on this experiment's grid"),
                "\(second.stderr)")
        let mixup = try #require(try c.plan().first { $0.runKey == "mixup_tr1_c1_s7" })
        let task = try CSegProcess.run(["run", c.experimentPath, "--index", "\(mixup.index)"], in: c.path)
        #expect(task.status == 0, "\(task.stderr)")
        #expect(RunCompletion.isComplete(mixup))
    }

    @Test("cseg run --jobs on a leaking split: refused by the parent before any child starts; with --allow-leaks the children record the finding")
    func jobsAllowLeaks() throws {
        let c = try AuditFixture.makeCase("jobs-leak")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"005\"]")
        let refused = try CSegProcess.run(["run", c.experimentPath, "--jobs", "2"], in: c.path)
        #expect(refused.status == 1 && refused.stderr.contains("Error: \(c.splitPath): 1 leak in lists this experiment reads"), "\(refused.stderr)")
        #expect(!refused.stdout.contains("done in"))
        let allowed = try CSegProcess.run(["run", c.experimentPath, "--jobs", "2", "--allow-leaks"], in: c.path)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        for r in try c.plan() {
            #expect(try RunFileReader.read(r.output).inputs.splitAuditFindings.first?.hasPrefix("test-overlap: test id 005") == true)
        }
        let again = try CSegProcess.run(["run", c.experimentPath, "--jobs", "2", "--allow-leaks"], in: c.path)
        #expect(again.status == 0 && again.stdout.components(separatedBy: "complete, skipped").count == 3, "\(again.stdout)")
    }

    @Test("cseg run prints a data error as 'Error: <file>: <problem>' and exits 1")
    func dataErrorThroughCLI() throws {
        let c = try AuditFixture.makeCase("cli-nan")
        let image = try c.image("005")
        try c.rewrite(image, as: .float32) { v in v.voxels[5] = .nan }
        let before = try c.snapshot()
        let result = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        #expect(result.status == 1)
        #expect(result.stderr.contains("Error: \(image): voxel (5, 0, 0) is nan; every voxel must be finite"), "\(result.stderr)")
        #expect(try c.snapshot() == before && c.temporaryFiles() == [])
    }

    @Test("cseg run refuses a leaking split, and --allow-leaks runs it")
    func allowLeaksFlag() throws {
        let c = try AuditFixture.makeCase("cli-leak")
        try c.editSplit("[labelled.tr1.c1]\nids = [\"002\"]", "[labelled.tr1.c1]\nids = [\"005\"]")
        let refused = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        #expect(refused.status == 1 && refused.stderr.contains("Error: \(c.splitPath): 1 leak in lists this experiment reads: test-overlap"), "\(refused.stderr)")
        let allowed = try CSegProcess.run(["run", c.experimentPath, "--allow-leaks"], in: c.path)
        #expect(allowed.status == 0, "\(allowed.stderr)")
        #expect(allowed.stdout.contains("split audit: leak allowed by --allow-leaks, recorded in every run file: test-overlap"))
    }

    @Test("cseg run with a diverging run: the summary marks it FAILED, stderr names run, step and layer, exit 1")
    func divergenceThroughCLI() throws {
        let c = try AuditFixture.makeCase("cli-diverge")
        var config = TinyConfig()
        config.finetuneLearningRate = 1e30
        config.methods = ["baseline"]
        try c.writeExperiment(config)
        let result = try CSegProcess.run(["run", c.experimentPath], in: c.path)
        #expect(result.status == 1)
        #expect(result.stdout.contains("baseline_tr1_c1_s7") && result.stdout.contains("FAILED") && result.stdout.contains("1 failed"), "\(result.stdout)")
        #expect(result.stderr.contains("Error: 1 of 1 run failed:"), "\(result.stderr)")
        #expect(result.stderr.contains("run baseline_tr1_c1_s7 diverged at step 1 of finetune") && result.stderr.contains("first non-finite layer"))
    }
}
