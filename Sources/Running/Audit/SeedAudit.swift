import Datasets
import Determinism
import Engine
import Foundation
import Planning
import RunStore

/// `cseg audit seeds EXPERIMENT [--sample K] [--steps N]`: re-executes stored runs of the grid from their
/// config, data and seed into a scratch directory (never over a stored file) and compares the results
/// with the stored run files (docs/audit.md).
///
/// - Full re-execution: the content hashes are compared; when they differ, the training curves step by
///   step (the first step whose loss or learning rate differs) and every dataset (the first tensor that
///   differs, weights in network order first). The re-executed record carries the stored file's
///   provenance, so the hash compares what the run computed; provenance differences are reported as
///   notes (another OpenBLAS core or thread count explains a difference, it does not excuse it).
/// - `--steps N`: each run's first N training steps only (round 0 of self-training); the stored loss
///   and learning-rate values of those steps and its validation points before step N must match bit
///   for bit. Weights are not compared: run files store no checkpoint at step N.
/// - Sampling: K runs among those whose stored file is complete, drawn without replacement from
///   `RandomStream(seed: first 63 bits of SHA-256(experiment name), purpose: "audit seeds")` (partial
///   Fisher–Yates over plan order), then listed in plan order: the same experiment and the same set of
///   complete runs give the same sample.
public struct SeedAudit {
    public enum Verdict: Sendable, Equatable {
        case identical(String)
        case differs(String)
    }

    public struct Result: Sendable, Equatable {
        public var index: Int
        public var runKey: String
        public var verdict: Verdict
        /// Provenance differences between the stored run and this process.
        public var notes: [String]
    }

    /// What the audit found: one result per sampled run, and the stored files it could not audit.
    public struct Report: Sendable, Equatable {
        public var results: [Result]
        /// Files that exist but fail verification (damaged): "<path>: <problem>".
        public var damaged: [String]
        /// Files that verify but hold another config than the plan's (the experiment changed since).
        public var stale: [String]
        /// Plan entries without a stored file.
        public var missing: Int

        public var hasDifferences: Bool {
            !damaged.isEmpty || results.contains { if case .differs = $0.verdict { true } else { false } }
        }
    }

    public var experiment: Experiment
    public var sample: Int?
    public var steps: Int?
    /// Where re-executed runs and their preprocessing cache go; removed by the caller.
    public var scratch: String
    /// This process's provenance, for the notes.
    public var current: RunProvenance
    public var log: (String) -> Void

    public init(experiment: Experiment, sample: Int?, steps: Int?, scratch: String, current: RunProvenance,
                log: @escaping (String) -> Void = { _ in }) {
        self.experiment = experiment
        self.sample = sample
        self.steps = steps
        self.scratch = scratch
        self.current = current
        self.log = log
    }

    /// K of `runs` (all if K is nil or not smaller), deterministically from the experiment's name, in plan order.
    public static func sample(_ runs: [PlannedRun], k: Int?, experimentName: String) -> [PlannedRun] {
        guard let k, k < runs.count else { return runs }
        let digest = ContentHash.sha256(Data(experimentName.utf8))
        var stream = RandomStream(seed: UInt64(digest.prefix(16), radix: 16)! >> 1, purpose: "audit seeds")
        var order = Array(runs.indices)
        for i in 0..<k { order.swapAt(i, stream.int(in: i...(order.count - 1))) }
        return order.prefix(k).sorted().map { runs[$0] }
    }

    public func run() throws -> Report {
        let e = experiment
        guard e.output != scratch, !scratch.hasPrefix(e.output + "/") else {
            throw RunnerError(scratch, "the scratch directory must be outside the experiment's output \(e.output)")
        }
        // Shared: a grid run cannot replace files while they are compared; cluster tasks may go on.
        let lock = try ExperimentLock.experiment(output: e.output, mode: .shared)
        defer { lock.release() }
        let split = try SplitFileParser.read(e.data.split)
        let hashes = try DataHashes.compute(for: e, ids: split.dataset.ids)
        guard hashes.byID != nil else {
            throw RunnerError(e.data.root, "\(DataHashes.missingData(e)): the seeds cannot be audited without the data the runs were made from")
        }
        let plan = try RunPlanner.plan(e, split: split, data: hashes)
        var complete: [PlannedRun] = [], damaged: [String] = [], stale: [String] = [], missing = 0
        for r in plan {
            guard FileManager.default.fileExists(atPath: r.output) else { missing += 1; continue }
            do {
                try RunFileVerifier.verify(r.output)
            } catch {
                damaged.append("\(error)")
                continue
            }
            // The config alone: a run made from data that changed since is sampled, and the audit says
            // which inputs changed instead of re-executing it (RunCompletion would count it not done).
            if RunFileVerifier.isComplete(r.output, configJSON: r.configJSON) { complete.append(r) } else { stale.append(r.output) }
        }
        guard !complete.isEmpty else {
            throw RunnerError(e.path, "no stored run file of this experiment is complete: nothing to audit (run cseg run first)")
        }
        var scratchExperiment = e
        scratchExperiment.output = scratch
        try FileManager.default.createDirectory(atPath: "\(scratch)/runs", withIntermediateDirectories: true)
        let data = try ExperimentData(scratchExperiment)
        var results: [Result] = []
        for r in Self.sample(complete, k: sample, experimentName: e.name) {
            log("[\(r.index)/\(plan.count)] \(r.runKey): re-executing" + (steps.map { " its first \($0) steps" } ?? ""))
            let stored = try RunFileReader.read(r.output)
            let c = RunContext(experiment: scratchExperiment, split: split, data: data, plan: plan, provenance: stored.provenance)
            let verdict: Verdict
            do {
                // Re-executing on other inputs would only show that they changed: say which, and do not.
                if let changed = Self.changedInputs(stored.inputs, r, split: split) {
                    verdict = .differs("the inputs changed since the run (\(changed)); not re-executed (cseg audit run names the files)")
                } else {
                    verdict = try steps.map { try stepsVerdict(r, c, stored, steps: $0) } ?? fullVerdict(r, c, stored)
                }
            } catch let d as DivergenceError {
                verdict = .differs("the re-execution diverged (the stored run did not): \(d.description)")
            }
            results.append(Result(index: r.index, runKey: r.runKey, verdict: verdict, notes: Self.notes(stored.provenance, current)))
        }
        return Report(results: results, damaged: damaged, stale: stale, missing: missing)
    }

    func fullVerdict(_ r: PlannedRun, _ c: RunContext, _ stored: RunRecord) throws -> Verdict {
        var record = try ExperimentRunner.compute(r, c)
        record.inputs.splitAuditFindings = stored.inputs.splitAuditFindings
        record.volatile = stored.volatile
        let path = "\(scratch)/runs/\(r.runKey).h5"
        try RunFileWriter.write(record, to: path)
        let a = try RunFileContents.read(r.output), b = try RunFileContents.read(path)
        if a.contentSHA256 == b.contentSHA256 { return .identical("content hash \(a.contentSHA256.prefix(16))… reproduced") }
        return .differs(RunComparison.describe(stored: stored, recomputed: record, storedContents: a, recomputedContents: b))
    }

    func stepsVerdict(_ r: PlannedRun, _ c: RunContext, _ stored: RunRecord, steps n: Int) throws -> Verdict {
        let short = try Self.limited(r, steps: n)
        let record = r.stage == .finetune ? try FinetuneRun.run(short.run, c, trainingOnly: true) : try ExperimentRunner.compute(short.run, c)
        return RunComparison.compareSteps(stored: stored.curves, recomputed: record.curves, steps: short.steps)
    }

    /// The run with its stage's `iterations` set to min(N, iterations): the first N steps are the same
    /// steps (nothing in a step depends on the count), without the rest. The canonical JSON is edited as
    /// text, at its one `"iterations":` key, so that no other value is re-encoded.
    static func limited(_ r: PlannedRun, steps: Int) throws -> (run: PlannedRun, steps: Int) {
        let key = "\"iterations\":"
        let ranges = r.configJSON.ranges(of: key)
        guard ranges.count == 1, let range = ranges.first else {
            throw RunnerError(r.output, "the planned config has \(ranges.count) \"iterations\" keys, expected 1 (a harness bug)")
        }
        let digits = r.configJSON[range.upperBound...].prefix { $0.isNumber }
        guard let iterations = Int(digits) else { throw RunnerError(r.output, "the planned config's iterations is not an integer") }
        let n = min(steps, iterations)
        var short = r
        short.configJSON.replaceSubrange(range.upperBound..<digits.endIndex, with: String(n))
        return (short, n)
    }

    /// The first recorded input whose bytes are no longer what the run read, in words.
    static func changedInputs(_ inputs: RunInputs, _ r: PlannedRun, split: SplitFile) -> String? {
        if inputs.splitSHA256 != split.sha256 { return "the split file \(split.path) has another sha256" }
        let changed = RunCompletion.changedVolumes(inputs, r)
        return changed.isEmpty ? nil : "volumes \(changed.joined(separator: ", ")) have other files"
    }

    /// Provenance that explains a difference without excusing it.
    static func notes(_ stored: RunProvenance, _ current: RunProvenance) -> [String] {
        var notes: [String] = []
        if stored.usesOpenBLAS && current.usesOpenBLAS {
            if stored.openBLASCore != current.openBLASCore {
                notes.append("stored with OpenBLAS core \(stored.openBLASCore), re-executed with \(current.openBLASCore): kernels round differently")
            }
            if stored.openBLASThreads != current.openBLASThreads {
                notes.append("stored with \(stored.openBLASThreads) OpenBLAS thread(s), re-executed with \(current.openBLASThreads)")
            }
        } else if stored.usesOpenBLAS != current.usesOpenBLAS {
            notes.append("stored with matrix kernels \(stored.matrixKernels), re-executed with \(current.matrixKernels): they round differently")
        }
        if stored.gitCommit != current.gitCommit || stored.gitDirty || current.gitDirty {
            notes.append("stored by commit \(stored.gitCommit)\(stored.gitDirty ? " (dirty)" : ""), re-executed by \(current.gitCommit)\(current.gitDirty ? " (dirty)" : "")")
        }
        return notes
    }
}
