import Datasets
import Foundation
import Planning
import RunStore

/// Executes an experiment's plan in order: each run whose output verifies with its planned config is
/// skipped, every other one is computed and written atomically. Runs of a selection still get the
/// pre-training runs they depend on.
///
/// Before any training (docs/audit.md): the output directory is locked against a second `cseg run`
/// (`ExperimentLock`), temporary files of killed writers are removed, the split passes `SplitGate`, and
/// every volume the pending runs read is loaded and checked (`preflight`). A run whose loss diverges is
/// reported (`DivergenceError`) and stores nothing; the runs that do not start from it still run, and
/// the grid ends with a `GridFailure`.
public struct ExperimentRunner {
    /// Which runs to do: all, those whose key matches a glob (`*` and `?`), or exactly one plan index.
    public enum Selection: Sendable, Equatable {
        case all
        case matching(String)
        case index(Int)
    }

    public struct Outcome: Sendable, Equatable {
        public var runKey: String
        public var output: String
        public var skipped: Bool
        /// Mean over test volumes of the mean foreground Dice (NaN-skipping), fine-tuning runs only.
        public var meanDice: Double?
        public var seconds: Double
        /// Why the run has no file: it diverged, or it starts from a run that did.
        public var failure: String?
        /// Skipped because its archived copy (`output`) counts as done.
        public var archived: Bool

        public init(runKey: String, output: String, skipped: Bool, meanDice: Double?, seconds: Double, failure: String? = nil,
                    archived: Bool = false) {
            self.runKey = runKey
            self.output = output
            self.skipped = skipped
            self.meanDice = meanDice
            self.seconds = seconds
            self.failure = failure
            self.archived = archived
        }
    }

    /// Some runs of the grid failed (each outcome says why); the others were done or skipped.
    public struct GridFailure: Error, CustomStringConvertible {
        public var outcomes: [Outcome]
        public var failed: [Outcome] { outcomes.filter { $0.failure != nil } }
        public var description: String {
            "\(failed.count) of \(outcomes.count) run\(outcomes.count == 1 ? "" : "s") failed:\n"
                + failed.map { "  \($0.failure!)" }.joined(separator: "\n")
        }
    }

    public var experiment: Experiment
    public var provenance: RunProvenance
    /// Run on a split whose lists leak (`cseg run --allow-leaks`); the findings go into every run file.
    public var allowLeaks = false
    /// Compute archived runs too (`cseg run --recompute-archived`), each checked against its archived copy.
    public var recomputeArchived = false
    public var log: (String) -> Void
    /// (line) for the progress line, which the command rewrites in place.
    public var progressLine: (String) -> Void

    public init(experiment: Experiment, provenance: RunProvenance, log: @escaping (String) -> Void = { _ in },
                progressLine: @escaping (String) -> Void = { _ in }) {
        self.experiment = experiment
        self.provenance = provenance
        self.log = log
        self.progressLine = progressLine
    }

    /// The planned runs the selection asks for, with the pre-training runs they need, in plan order.
    public static func select(_ plan: [PlannedRun], _ selection: Selection, experimentPath: String) throws -> [PlannedRun] {
        var wanted: [PlannedRun]
        switch selection {
        case .all: return plan
        case .index(let i):
            guard let r = plan.first(where: { $0.index == i }) else {
                throw RunnerError(experimentPath, "--index \(i) is outside the plan (1…\(plan.count))")
            }
            return [r]
        case .matching(let pattern):
            wanted = plan.filter { glob(pattern, $0.runKey) }
            guard !wanted.isEmpty else { throw RunnerError(experimentPath, "--only \"\(pattern)\" matches no run key") }
        }
        var keys = Set(wanted.map(\.runKey))
        for r in plan.reversed() where keys.contains(r.runKey) { keys.formUnion(r.dependencies) }
        return plan.filter { keys.contains($0.runKey) }
    }

    /// `*` any run of characters, `?` one character, everything else literal.
    static func glob(_ pattern: String, _ text: String) -> Bool {
        let p = Array(pattern), t = Array(text)
        var memo = [[Bool?]](repeating: [Bool?](repeating: nil, count: t.count + 1), count: p.count + 1)
        func match(_ i: Int, _ j: Int) -> Bool {
            if let m = memo[i][j] { return m }
            let r: Bool
            if i == p.count { r = j == t.count }
            else if p[i] == "*" { r = match(i + 1, j) || (j < t.count && match(i, j + 1)) }
            else { r = j < t.count && (p[i] == "?" || p[i] == t[j]) && match(i + 1, j + 1) }
            memo[i][j] = r
            return r
        }
        return match(0, 0)
    }

    /// Runs the selection and returns one outcome per selected run, in order; throws `GridFailure` at the
    /// end if a run diverged, and any other error at once.
    @discardableResult
    public func run(_ selection: Selection = .all) throws -> [Outcome] {
        let e = experiment
        let single: Bool
        if case .index = selection { single = true } else { single = false }
        // Cluster array tasks (--index) share the experiment lock and lock their own entry; a grid run
        // excludes everyone else, so it may also clear every temporary file of a killed writer.
        let lock = try ExperimentLock.experiment(output: e.output, mode: single ? .shared : .exclusive)
        defer { lock.release() }
        if !single {
            for path in StaleTemporaryFiles.remove(under: e.output) { log("removed \(path), left by a writer that was killed") }
        }
        try ExperimentData.ensurePhantom(e, harnessVersion: provenance.harnessVersion, log: log)
        let split = try SplitFileParser.read(e.data.split)
        let gate = try SplitGate.check(split, experiment: e, allowLeaks: allowLeaks)
        for w in gate.warnings { log("split audit warning (\(split.path)): \(w)") }
        for l in gate.recorded { log("split audit: leak allowed by --allow-leaks, recorded in every run file: \(l)") }
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        let selected = try Self.select(plan, selection, experimentPath: e.path)
        if !single, let note = Self.archiveNote(e) { log(note) }
        // Complete: verifies, holds the planned config and data, and records the leaks this invocation lets
        // through (none for a clean split), so that a whole grid carries the same findings.
        func isComplete(_ r: PlannedRun) -> Bool { RunCompletion.isComplete(r, recording: gate.recorded) }
        var runLock: ExperimentLock?
        defer { runLock?.release() }
        // An --index run needs its dependencies done already.
        if single, let r = selected.first {
            runLock = try ExperimentLock.run(output: e.output, runKey: r.runKey)
            for path in StaleTemporaryFiles.remove(siblingsOf: r.output) { log("removed \(path), left by a writer that was killed") }
            // Every ancestor: fine-tuning after a local stage reads the global stage's weights too.
            for d in RunCompletion.ancestors(of: r, in: plan) where !isComplete(d) {
                throw RunnerError(r.output, "run \(r.index) (\(r.runKey)) needs \(d.runKey), which is not complete: run it first")
            }
        }
        let data = try ExperimentData(e)
        // An --index run is computed unless its file is complete: the caller chose it, archived or not.
        let pending = single ? selected.filter { !isComplete($0) } : Self.toCompute(selected, recording: gate.recorded, useArchive: !recomputeArchived)
        try data.preflight(pending)
        var outcomes: [Outcome] = []
        let pendingKeys = Set(pending.map(\.runKey))
        let gridStart = Date()
        var done = 0
        var failed: Set<String> = []
        for r in selected {
            if !pendingKeys.contains(r.runKey) {
                let (o, line) = Self.skipped(r, recording: gate.recorded, checkingArchive: recomputeArchived)
                if o.failure != nil { failed.insert(r.runKey) }
                outcomes.append(o)
                log("[\(r.index)/\(plan.count)] \(r.runKey): " + line)
                continue
            }
            if let parent = r.dependencies.first(where: failed.contains) {
                failed.insert(r.runKey)
                let why = "\(r.output): run \(r.runKey) was not run: it starts from \(parent), which failed"
                outcomes.append(Outcome(runKey: r.runKey, output: r.output, skipped: false, meanDice: nil, seconds: 0, failure: why))
                log("[\(r.index)/\(plan.count)] \(why)")
                continue
            }
            if let note = Self.dataChangeNote(r) { log("[\(r.index)/\(plan.count)] \(r.runKey): \(note)") }
            let runStart = Date()
            var c = RunContext(experiment: e, split: split, data: data, plan: plan, provenance: provenance)
            let remainingRuns = pending.count - done
            let progressLine = self.progressLine
            // The stage ETA restarts with each stage (self-training's rounds are stages of one run).
            var stageName = "", stageStart = runStart
            c.progress = { stage, step, steps, loss in
                if stage != stageName { (stageName, stageStart) = (stage, Date()) }
                guard step % 10 == 0 || step == steps - 1 else { return }
                let elapsed = Date().timeIntervalSince(stageStart)
                let stageETA = step > 0 ? elapsed / Double(step + 1) * Double(steps - step - 1) : .nan
                let perRun = done > 0 ? Date().timeIntervalSince(gridStart) / Double(done) : .nan
                let gridETA = stageETA + perRun * Double(remainingRuns - 1)
                progressLine("[\(r.index)/\(plan.count)] \(r.runKey)  \(stage)  step \(step + 1)/\(steps)  loss \(String(format: "%.4f", loss))"
                             + "  ETA stage \(Self.duration(stageETA))  grid \(Self.duration(gridETA))")
            }
            var record: RunRecord
            do {
                record = try Self.compute(r, c)
            } catch let d as DivergenceError {
                failed.insert(r.runKey)
                outcomes.append(Outcome(runKey: r.runKey, output: r.output, skipped: false, meanDice: nil,
                                        seconds: Date().timeIntervalSince(runStart), failure: d.description))
                log("[\(r.index)/\(plan.count)] \(r.runKey): FAILED: \(d)")
                continue
            }
            record.inputs.splitAuditFindings = gate.recorded
            do {
                try Self.write(record, to: r.output, reproducing: Self.archivedResults(r, recording: gate.recorded))
            } catch let m as RunResultsMismatch {
                let why = Self.mismatchText(r, expected: m.expected, actual: m.actual, recomputed: true)
                failed.insert(r.runKey)
                outcomes.append(Outcome(runKey: r.runKey, output: r.output, skipped: false, meanDice: nil,
                                        seconds: Date().timeIntervalSince(runStart), failure: why))
                log("[\(r.index)/\(plan.count)] \(r.runKey): FAILED: \(why)")
                continue
            }
            done += 1
            let seconds = Date().timeIntervalSince(runStart)
            let dice = record.metrics.map(Self.meanDice)
            outcomes.append(Outcome(runKey: r.runKey, output: r.output, skipped: false, meanDice: dice, seconds: seconds))
            log("[\(r.index)/\(plan.count)] \(r.runKey): done in \(Self.duration(seconds))" + (dice.map { String(format: ", test Dice %.4f", $0) } ?? ""))
        }
        if !failed.isEmpty { throw GridFailure(outcomes: outcomes) }
        return outcomes
    }

    /// Why a run about to be computed is not skipped, when its file holds the planned config but was made
    /// from other data (`RunCompletion.changedVolumes`); nil otherwise.
    public static func dataChangeNote(_ r: PlannedRun) -> String? {
        guard let inputs = try? RunFileReader.inputs(r.output), case let changed = RunCompletion.changedVolumes(inputs, r),
              !changed.isEmpty else { return nil }
        return "its file was made from other data (volumes \(changed.joined(separator: ", "))): computing it again"
    }

    /// The runs of `selected` to compute (`RunCompletion.toCompute`), with this invocation's findings;
    /// without `useArchive`, every run that is not complete.
    public static func toCompute(_ selected: [PlannedRun], recording findings: [String], useArchive: Bool = true) -> [PlannedRun] {
        RunCompletion.toCompute(selected, isComplete: { RunCompletion.isComplete($0, recording: findings) },
                                isArchived: { useArchive && RunCompletion.isArchived($0, recording: findings) })
    }

    /// The outcome of a run that is done and not computed, and its log line. With `checkingArchive`
    /// (`--recompute-archived`), a complete run file whose archived copy holds other numbers fails, as a
    /// recomputed one would.
    public static func skipped(_ r: PlannedRun, recording findings: [String], checkingArchive: Bool) -> (Outcome, String) {
        let path = resultsPath(r, recording: findings)
        if checkingArchive, path == r.output, let expected = archivedResults(r, recording: findings),
           let actual = try? RunFileReader.header(r.output).resultsSHA256, actual != expected {
            let why = mismatchText(r, expected: expected, actual: actual, recomputed: false)
            return (Outcome(runKey: r.runKey, output: r.output, skipped: true, meanDice: nil, seconds: 0, failure: why), "FAILED: \(why)")
        }
        let o = Outcome(runKey: r.runKey, output: path, skipped: true, meanDice: try? meanDice(path), seconds: 0, archived: path != r.output)
        return (o, path == r.output ? "complete, skipped" : "archived in \(path), skipped")
    }

    /// Said once per invocation when the experiment names an archive that is not there: every run
    /// it would have held is computed, which a mistyped path would otherwise hide.
    public static func archiveNote(_ e: Experiment) -> String? {
        guard let archive = e.archive, !FileManager.default.fileExists(atPath: archive) else { return nil }
        return "note: the archive directory \(archive) does not exist: no run is read from it (cseg archive creates it)"
    }

    /// Where a done run's results are read: its output if complete, else its archived copy.
    public static func resultsPath(_ r: PlannedRun, recording findings: [String]) -> String {
        RunCompletion.isComplete(r, recording: findings) ? r.output : (r.archive ?? r.output)
    }

    /// The results hash a run being computed must reproduce: its archived copy's, if it has one with
    /// its config; nil otherwise.
    static func archivedResults(_ r: PlannedRun, recording findings: [String]) -> String? {
        guard RunCompletion.isArchived(r, recording: findings), let archive = r.archive else { return nil }
        return try? RunFileReader.header(archive).archivedFrom?.resultsSHA256
    }

    /// A recomputed run that does not reproduce its archived copy: the archive was made by code that
    /// computes other numbers, and the archived runs that start from this one no longer follow from it.
    static func mismatchText(_ r: PlannedRun, expected: String, actual: String, recomputed: Bool) -> String {
        "\(r.output): run \(r.runKey) \(recomputed ? "recomputed gives" : "has") results hash \(actual), but its archived copy \(r.archive ?? "?") "
            + "holds \(expected): the archive was made by code that computes other numbers; "
            + (recomputed ? "nothing was written. " : "the file is left as it is. ") + "Move the archive aside to recompute its runs"
    }

    static func compute(_ r: PlannedRun, _ c: RunContext) throws -> RunRecord {
        switch r.stage {
        case .pretrainGlobal: try PretrainingRun.global(r, c)
        case .pretrainLocal: try PretrainingRun.local(r, c)
        case .pretrainPretext: try PretrainingRun.pretext(r, c)
        case .finetune: try FinetuneRun.run(r, c)
        }
    }

    /// The writer is atomic (temporary sibling, then rename): on any failure — a full disk included — the
    /// previous file at `path`, if any, is untouched and the temporary file is gone.
    static func write(_ record: RunRecord, to path: String, reproducing expected: String? = nil) throws {
        do {
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try RunFileWriter.write(record, to: path, reproducing: expected)
        } catch let m as RunResultsMismatch {
            throw m  // not a write failure: the caller fails the run with both hashes
        } catch {
            let previous = FileManager.default.fileExists(atPath: path) ? "the previous file there is unchanged" : "nothing was written"
            throw RunnerError(path, "cannot write the run file (\(error)); \(previous)")
        }
    }

    /// Mean over volumes of the mean foreground Dice, both-empty classes left out (spec §5.6).
    static func meanDice(_ m: RunMetrics) -> Double {
        let c = m.classNames.count
        var sum = 0.0, volumes = 0
        for v in m.volumeIDs.indices {
            let row = m.dice[(v * c)..<((v + 1) * c)].filter { !$0.isNaN }
            guard !row.isEmpty else { continue }
            sum += row.reduce(0, +) / Double(row.count)
            volumes += 1
        }
        return volumes == 0 ? .nan : sum / Double(volumes)
    }

    public static func meanDice(_ path: String) throws -> Double? { try RunFileReader.read(path).metrics.map(meanDice) }

    public static func duration(_ s: Double) -> String {
        guard s.isFinite, s >= 0 else { return "--" }
        let t = Int(s.rounded())
        return t >= 3600 ? String(format: "%dh%02dm", t / 3600, t % 3600 / 60) : String(format: "%dm%02ds", t / 60, t % 60)
    }

    /// The grid summary: one line per selected fine-tuning run with its test Dice.
    public static func summary(_ outcomes: [Outcome]) -> String {
        let width = max(8, outcomes.map(\.runKey.count).max() ?? 0)
        var lines = ["run".padding(toLength: width + 2, withPad: " ", startingAt: 0) + "test Dice  status"]
        for o in outcomes {
            let dice = o.meanDice.map { String(format: "%.4f   ", $0) } ?? "-        "
            let status = o.failure != nil ? "FAILED" : o.archived ? "skipped (archived)" : o.skipped ? "skipped (complete)" : "done in \(duration(o.seconds))"
            lines.append(o.runKey.padding(toLength: width + 2, withPad: " ", startingAt: 0) + dice + "  " + status)
        }
        let computed = outcomes.filter { !$0.skipped && $0.failure == nil }
        let failed = outcomes.filter { $0.failure != nil }.count
        lines.append("\(computed.count) computed, \(outcomes.count - computed.count - failed) skipped, "
                     + (failed > 0 ? "\(failed) failed, " : "")
                     + "\(duration(computed.map(\.seconds).reduce(0, +))) of training and testing")
        return lines.joined(separator: "\n")
    }
}
