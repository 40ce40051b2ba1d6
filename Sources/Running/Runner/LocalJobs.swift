import Datasets
import Determinism
import Engine
import Foundation
import Planning

/// `cseg run --jobs N`: the plan run as N child processes of this executable at once, each
/// `cseg run EXPERIMENT --index I --threads T`, started as their dependencies complete (`JobSchedule`: awaited
/// pre-training runs first, then the longest by training steps).
/// On a small CPU two single-threaded runs side by side finish sooner than one two-threaded run after
/// another (small convolutions scale poorly across threads), and each run's bits do not depend on it.
/// The data are prepared once here first, so children never race to generate or preprocess them.
public struct LocalJobs {
    public var experiment: Experiment
    /// The experiment file as the children are given it.
    public var experimentPath: String
    /// The `cseg` executable the children run.
    public var executable: String
    public var selection: ExperimentRunner.Selection
    public var jobs: Int
    public var threadsPerJob: Int
    /// Passed on to the children (`cseg run --allow-leaks`).
    public var allowLeaks = false
    /// Compute archived runs too (each child checks the run it computes against its archived copy,
    /// whatever this flag); complete runs are checked here.
    public var recomputeArchived = false
    /// Passed on to the children (`--kernels`): every run of one invocation uses the same products.
    public var kernels: MatrixKernels = .engine
    /// One line per run done, skipped or failed, and the notes before them.
    public var log: (String) -> Void = { _ in }
    /// Every second while children run: each running child's latest progress line, then the grid's
    /// line ("3/10 done, grid ETA 1h02m"); an empty list when a child has ended (a display may clear).
    public var status: ([String]) -> Void = { _ in }

    public init(experiment: Experiment, experimentPath: String, executable: String, selection: ExperimentRunner.Selection,
                jobs: Int, threadsPerJob: Int) {
        self.experiment = experiment
        self.experimentPath = experimentPath
        self.executable = executable
        self.selection = selection
        self.jobs = jobs
        self.threadsPerJob = threadsPerJob
    }

    public func run() throws -> [ExperimentRunner.Outcome] {
        let e = experiment
        let say = log
        // The children lock the experiment shared and their entry exclusively (docs/audit.md).
        let locks = try ExperimentLock.coordinator(output: e.output)
        defer { locks.forEach { $0.release() } }
        try ExperimentData.ensurePhantom(e, harnessVersion: RunProvenanceProbe.harnessVersion, log: say)
        let split = try SplitFileParser.read(e.data.split)
        let gate = try SplitGate.check(split, experiment: e, allowLeaks: allowLeaks)
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        let selected = try ExperimentRunner.select(plan, selection, experimentPath: e.path)
        let toCompute = Set(ExperimentRunner.toCompute(selected, recording: gate.recorded, useArchive: !recomputeArchived).map(\.runKey))
        let complete = Set(selected.map(\.runKey)).subtracting(toCompute)
        var schedule = JobSchedule(selected: selected, complete: complete,
                                   work: Dictionary(uniqueKeysWithValues: selected.map { ($0.runKey, JobSchedule.trainingSteps($0)) }))
        var outcomes: [String: ExperimentRunner.Outcome] = [:]
        if let note = ExperimentRunner.archiveNote(e) { say(note) }
        for r in selected where complete.contains(r.runKey) {
            let (o, line) = ExperimentRunner.skipped(r, recording: gate.recorded, checkingArchive: recomputeArchived)
            outcomes[r.runKey] = o
            say("[\(r.index)/\(plan.count)] \(r.runKey): " + line)
        }
        if !schedule.pending.isEmpty {
            say("preparing \(split.dataset.ids.count) volumes")
            let data = try ExperimentData(e)
            try data.preflight(selected.filter { !complete.contains($0.runKey) })
            try data.prepare(split.dataset.ids)
        }

        let (commit, dirty) = RunProvenanceProbe.git()
        var environment = ProcessInfo.processInfo.environment
        environment[RunProvenanceProbe.gitCommitVariable] = commit
        environment[RunProvenanceProbe.gitDirtyVariable] = dirty ? "1" : "0"
        let finished = DispatchSemaphore(value: 0)
        let exits = Locked<[ChildExit]>([])
        var active: [String: Process] = [:]
        var progress: [String: Locked<(out: Data, err: Data)>] = [:]
        let gridStart = Date()
        let total = schedule.pending.count

        func launch(_ r: PlannedRun) throws {
            // The child's own log goes nowhere but its exit status: say here why it recomputes.
            if let note = ExperimentRunner.dataChangeNote(r) { say("[\(r.index)/\(plan.count)] \(r.runKey): \(note)") }
            let p = Process()
            p.executableURL = URL(fileURLWithPath: executable)
            p.environment = environment
            // Children report progress every second on their stderr; the parent shows each one's latest line.
            p.arguments = ["run", experimentPath, "--index", "\(r.index)", "--threads", "\(threadsPerJob)", "--kernels", kernels.rawValue, "--progress-interval", "1"]
                + (allowLeaks ? ["--allow-leaks"] : [])
            let stdout = Pipe(), stderr = Pipe()
            p.standardOutput = stdout
            p.standardError = stderr
            // Drained while the child runs, so a chatty child never blocks on a full pipe.
            let captured = Locked<(out: Data, err: Data)>((Data(), Data()))
            progress[r.runKey] = captured
            stdout.fileHandleForReading.readabilityHandler = { h in let d = h.availableData; captured.update { $0.out += d } }
            stderr.fileHandleForReading.readabilityHandler = { h in let d = h.availableData; captured.update { $0.err += d } }
            let start = Date()
            p.terminationHandler = { p in
                stdout.fileHandleForReading.readabilityHandler = nil
                stderr.fileHandleForReading.readabilityHandler = nil
                let restOut = stdout.fileHandleForReading.readDataToEndOfFile()
                let restErr = stderr.fileHandleForReading.readDataToEndOfFile()
                let (o, e) = captured.update { ($0.out + restOut, $0.err + restErr) }
                let exit = ChildExit(run: r, status: p.terminationStatus, stdout: o, stderr: e, seconds: Date().timeIntervalSince(start))
                exits.update { $0.append(exit) }
                finished.signal()
            }
            try p.run()
            active[r.runKey] = p
        }

        var failures: [String] = []
        while true {
            if failures.isEmpty {
                for r in schedule.start(slots: jobs - schedule.running.count) { try launch(r) }
            }
            if schedule.running.isEmpty { break }
            // Refresh the status every second until a child ends: one line per running child (its latest
            // progress line: stage, step, loss, stage ETA) and the grid's ETA.
            while finished.wait(timeout: .now() + 1) == .timedOut {
                let done = schedule.done.count - complete.count
                let perRun = done > 0 ? Date().timeIntervalSince(gridStart) / Double(done) : .nan
                let eta = perRun * Double(total - done)
                let lines = schedule.running.sorted().map { key -> String in
                    let text = progress[key].map { String(decoding: $0.update { $0.err }.suffix(400), as: UTF8.self) } ?? ""
                    return text.split(separator: "\n").last.map(String.init) ?? "\(key) starting"
                }
                status(lines + ["\(done)/\(total) done, grid ETA \(ExperimentRunner.duration(eta))"])
            }
            status([])
            let exit = exits.update { $0.removeFirst() }
            active[exit.run.runKey] = nil
            progress[exit.run.runKey] = nil
            let ok = exit.status == 0
            schedule.finish(exit.run.runKey, succeeded: ok)
            if ok {
                let dice = exit.run.stage == .finetune ? try? ExperimentRunner.meanDice(exit.run.output) : nil
                outcomes[exit.run.runKey] = .init(runKey: exit.run.runKey, output: exit.run.output, skipped: false,
                                                  meanDice: dice ?? nil, seconds: exit.seconds)
                say("[\(exit.run.index)/\(plan.count)] \(exit.run.runKey): done in \(ExperimentRunner.duration(exit.seconds))"
                    + ((dice ?? nil).map { String(format: ", test Dice %.4f", $0) } ?? ""))
            } else {
                let text = String(decoding: exit.stderr, as: UTF8.self).split(separator: "\n").suffix(5).joined(separator: "\n")
                failures.append("\(exit.run.runKey) (exit status \(exit.status)):\n\(text)")
                say("[\(exit.run.index)/\(plan.count)] \(exit.run.runKey): FAILED; waiting for the running jobs, starting no new ones")
            }
        }
        // Complete runs that --recompute-archived found to disagree with their archived copies.
        failures += selected.compactMap { outcomes[$0.runKey] }.filter { $0.skipped && $0.failure != nil }.map { "\($0.runKey): \($0.failure!)" }
        if !failures.isEmpty {
            throw RunnerError(experimentPath, "\(failures.count) run(s) failed:\n" + failures.joined(separator: "\n"))
        }
        return selected.compactMap { outcomes[$0.runKey] }
    }
}

/// How one child process ended.
struct ChildExit: Sendable {
    var run: PlannedRun
    var status: Int32
    var stdout: Data
    var stderr: Data
    var seconds: Double
}

/// A value shared between the scheduler and the callbacks of its child processes.
final class Locked<Value>: @unchecked Sendable {
    private var value: Value
    private let lock = NSLock()
    init(_ value: Value) { self.value = value }
    @discardableResult
    func update<T>(_ body: (inout Value) -> T) -> T {
        lock.lock()
        defer { lock.unlock() }
        return body(&value)
    }
}
