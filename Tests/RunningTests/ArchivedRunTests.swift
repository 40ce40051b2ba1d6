import Datasets
import Foundation
import RunStore
import TestSupport
import Testing
@testable import Planning
@testable import Running

/// The results archive end to end on the tiny experiment: runs are archived, the run files go (as they do
/// with every fresh checkout), and the runner treats the archived copies as done unless a run it must
/// compute starts from one, which it then recomputes and checks against the archive.
@Suite("Archived runs", .serialized)
struct ArchivedRunTests {
    static func files(_ plan: [PlannedRun]) -> [Bool] { plan.map { FileManager.default.fileExists(atPath: $0.output) } }

    @Test("archived runs are skipped; a run that starts from an archived pre-training run recomputes it, which must reproduce the archive")
    func archivedRunsAreDoneUntilTheirWeightsAreNeeded() throws {
        let e = try TinyExperiment.experiment("arch", methods: ["baseline", "global"], archive: "arch-results")
        let plan = try TinyExperiment.plan(e)
        #expect(plan.allSatisfy { $0.archive == "\(TinyExperiment.directory)/arch-results" + $0.output.dropFirst(e.output.count) })
        #expect(try RunArchiving.archive(e, plan: plan).map(\.action) == plan.map { _ in .notComplete }, "nothing to archive yet")

        try TinyExperiment.runner(e).run()
        let first = try RunArchiving.archive(e, plan: plan)
        #expect(first.allSatisfy { if case .written(let n) = $0.action { n > 0 } else { false } })
        #expect(try RunArchiving.archive(e, plan: plan).map(\.action) == plan.map { _ in .upToDate })
        let sourceHashes = try plan.map { try RunFileReader.header($0.output).resultsSHA256 }

        // A fresh checkout: no run files, only the archive.
        try FileManager.default.removeItem(atPath: e.output)
        let skipped = try TinyExperiment.runner(e).run()
        #expect(skipped.allSatisfy { $0.skipped && $0.archived && $0.failure == nil })
        #expect(skipped.map(\.output) == plan.map { $0.archive! })
        #expect(Self.files(plan) == [false, false, false])
        #expect(RunPlanner.pending(plan).isEmpty)
        let summary = ExperimentRunner.summary(skipped)
        #expect(summary.contains("skipped (archived)") && summary.contains("0 computed, 3 skipped"))

        // The fine-tuning run from G^D loses its archived copy: it is computed again, and so is its
        // pre-training run, whose weights the archive does not hold; the baseline stays archived.
        let pretrain = try #require(plan.first { $0.stage == .pretrainGlobal })
        let global = try #require(plan.first { $0.method == "global" })
        try FileManager.default.removeItem(atPath: global.archive!)
        #expect(RunPlanner.pending(plan).map(\.runKey) == [pretrain.runKey, global.runKey])
        let again = try TinyExperiment.runner(e).run()
        #expect(again.filter { !$0.skipped }.map(\.runKey) == [pretrain.runKey, global.runKey])
        #expect(again.allSatisfy { $0.failure == nil })
        #expect(Self.files(plan) == plan.map { $0.runKey != plan.first { $0.method == "baseline" }!.runKey })
        for (r, hash) in zip(plan, sourceHashes) where r.runKey != plan.first(where: { $0.method == "baseline" })!.runKey {
            #expect(try RunFileReader.header(r.output).resultsSHA256 == hash, "\(r.runKey) recomputed to other numbers")
        }
        // Archiving now: the pre-training copy is up to date (the same file), G^D's missing copy is
        // written, the baseline has no run file to archive.
        let actions = { Dictionary(uniqueKeysWithValues: try RunArchiving.archive(e, plan: plan).map { ($0.run.runKey, $0.action) }) }
        let archivedNow = try actions()
        #expect(archivedNow[pretrain.runKey] == .upToDate && archivedNow[plan.first { $0.method == "baseline" }!.runKey] == .notComplete, "\(archivedNow)")
        if case .written = archivedNow[global.runKey] {} else { Issue.record("G^D's missing copy is written: \(archivedNow)") }
        // The pre-training run as another commit would record it: other provenance, the same numbers.
        // Its copy is kept byte for byte.
        var elsewhere = try RunFileReader.read(pretrain.output)
        elsewhere.provenance.gitCommit = String(repeating: "e", count: 40)
        try RunFileWriter.write(elsewhere, to: pretrain.output)
        #expect(try RunFileReader.header(pretrain.output).resultsSHA256 == sourceHashes[plan.firstIndex { $0.runKey == pretrain.runKey }!])
        let pretrainCopy = try Data(contentsOf: URL(fileURLWithPath: pretrain.archive!))
        let second = try actions()
        #expect(second[pretrain.runKey] == .sameResults && second[global.runKey] == .upToDate, "\(second)")
        #expect(try Data(contentsOf: URL(fileURLWithPath: pretrain.archive!)) == pretrainCopy, "the pre-training copy is kept as it was")
        // The same numbers from another split file (its hash recorded, not in the results hash): the copy
        // no longer stands for the run file, and is written anew.
        elsewhere.inputs.splitSHA256 = String(repeating: "0", count: 64)
        try RunFileWriter.write(elsewhere, to: pretrain.output)
        if case .written = try actions()[pretrain.runKey] {} else { Issue.record("a copy recording another split hash is kept") }
        #expect(try RunFileReader.inputs(pretrain.archive!).splitSHA256 == elsewhere.inputs.splitSHA256)
        #expect(RunCompletion.isArchived(global))

        // Pre-training and G^D now have run files, the baseline only its archived copy: `cseg plan --estimate
        // --recompute-archived` prices what `cseg run --recompute-archived` computes (the baseline), not
        // the complete files, and without the flag nothing.
        let baseline = try #require(plan.first { $0.method == "baseline" })
        #expect(RunPlanner.pending(plan).isEmpty)
        #expect(RunPlanner.pending(plan, recomputeArchived: true).map(\.runKey) == [baseline.runKey])
        #expect(RunPlanner.pending(plan, recomputeArchived: true).map(\.runKey)
                == ExperimentRunner.toCompute(plan, recording: [], useArchive: false).map(\.runKey))
        // cseg submit decides alike: nothing to queue, and with the flag the baseline's fine-tuning task.
        let toml = "\(TinyExperiment.directory)/\(e.name).toml"
        let (status, out) = try CSegExecutable.run(["submit", toml, "--slurm", "--dry-run"])
        #expect(status == 0 && out.contains("every entry is complete: nothing to submit"), "\(out)")
        let (recomputeStatus, recompute) = try CSegExecutable.run(["submit", toml, "--slurm", "--dry-run", "--recompute-archived"])
        #expect(recomputeStatus == 0 && recompute.contains("finetune: 1 entry (plan index \(baseline.index))"), "\(recompute)")
        #expect(recompute.contains("pretrain-global: its 1 entry is complete, left out"), "\(recompute)")

        // --recompute-archived: every run computed again from nothing and checked against its archive.
        try FileManager.default.removeItem(atPath: e.output)
        var regenerate = TinyExperiment.runner(e)
        regenerate.recomputeArchived = true
        let all = try regenerate.run()
        #expect(all.allSatisfy { !$0.skipped && $0.failure == nil })
        #expect(try plan.map { try RunFileReader.header($0.output).resultsSHA256 } == sourceHashes)
    }

    @Test("a recomputed pre-training run that does not reproduce its archived copy fails, with its dependant, and leaves no file")
    func aRecomputedRunMustMatchItsArchive() throws {
        let e = try TinyExperiment.experiment("arch-bad", methods: ["global"], archive: "arch-bad-results")
        let plan = try TinyExperiment.plan(e)
        let pretrain = try #require(plan.first { $0.stage == .pretrainGlobal })
        let global = try #require(plan.first { $0.method == "global" })
        try TinyExperiment.runner(e).run()

        // The archive as other code would have made it: same config, other numbers (one loss value moved).
        var record = try RunFileReader.read(pretrain.output)
        record.curves.losses[0].values[0] += 1
        let other = "\(TinyExperiment.directory)/arch-bad-other.h5"
        try RunFileWriter.write(record, to: other)
        try RunArchive.write(from: other, to: pretrain.archive!)
        #expect(RunCompletion.isArchived(pretrain))

        try FileManager.default.removeItem(atPath: e.output)
        let error = try #require(throws: ExperimentRunner.GridFailure.self) { try TinyExperiment.runner(e).run() }
        #expect(error.failed.map(\.runKey) == [pretrain.runKey, global.runKey])
        let why = try #require(error.failed.first?.failure)
        #expect(why.hasPrefix("\(pretrain.output): run \(pretrain.runKey) recomputed gives results hash") && why.contains(pretrain.archive!))
        #expect(Self.files(plan) == [false, false])
        #expect(RunCompletion.isArchived(pretrain), "the archive is left as it was")
    }

    @Test("fine-tuning after G^D + L^R reads the global stage too: kept local file, archived global stage, both recomputed as needed; --index insists on every ancestor")
    func ancestorsBeyondTheParent() throws {
        let e = try TinyExperiment.experiment("arch-chain", methods: ["global+local"], archive: "arch-chain-results")
        let plan = try TinyExperiment.plan(e)
        #expect(plan.map(\.stage) == [.pretrainGlobal, .pretrainLocal, .finetune])
        let (global, local, ft) = (plan[0], plan[1], plan[2])
        try TinyExperiment.runner(e).run()
        _ = try RunArchiving.archive(e, plan: plan)
        // The global stage's file goes (archived), the fine-tuning run loses its copy, the local file stays.
        try FileManager.default.removeItem(atPath: global.output)
        try FileManager.default.removeItem(atPath: ft.output)
        try FileManager.default.removeItem(atPath: ft.archive!)
        #expect(RunPlanner.pending(plan).map(\.runKey) == [global.runKey, ft.runKey])
        let error = try #require(throws: RunnerError.self) { try TinyExperiment.runner(e).run(.index(ft.index)) }
        #expect("\(error)".contains("needs \(global.runKey), which is not complete"))
        let outcomes = try TinyExperiment.runner(e).run()
        #expect(outcomes.map(\.skipped) == [false, true, false] && outcomes.allSatisfy { $0.failure == nil })

        // --recompute-archived checks a complete file against its copy too: a copy with other numbers fails it.
        var other = try RunFileReader.read(local.output)
        other.curves.losses[0].values[0] += 1
        let otherPath = "\(TinyExperiment.directory)/arch-chain-other.h5"
        try RunFileWriter.write(other, to: otherPath)
        try RunArchive.write(from: otherPath, to: local.archive!)
        var check = TinyExperiment.runner(e)
        check.recomputeArchived = true
        let failure = try #require(throws: ExperimentRunner.GridFailure.self) { try check.run() }
        #expect(failure.failed.map(\.runKey) == [local.runKey])
        #expect(failure.failed[0].failure?.contains("run \(local.runKey) has results hash") == true)
    }

    @Test("archiving and the seed audit refuse an unfinished phantom (volumes written, no phantom.json), naming the data root")
    func anUnfinishedPhantomIsRefused() throws {
        let (root, text) = try unfinishedPhantom("archive")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let e = try ExperimentParser.parse(text, path: "e.toml")
        let split = try SplitFileParser.read(e.data.split)
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        // Archiving and the seed audit need the data the runs were made from: they refuse, naming the root.
        var elsewhere = e
        elsewhere.output = "\(root)-out"
        elsewhere.archive = "\(root)-archive"
        defer { for d in ["out", "archive", "scratch"] { try? FileManager.default.removeItem(atPath: "\(root)-\(d)") } }
        let refusal = #expect(throws: RunnerError.self) { try RunArchiving.archive(elsewhere, plan: plan) }
        #expect(refusal?.path == root && refusal?.description.contains("did not finish (no phantom.json)") == true)
        let audit = SeedAudit(experiment: elsewhere, sample: 1, steps: nil, scratch: "\(root)-scratch",
                              current: RunProvenanceProbe.current(engineThreads: 1))
        let auditRefusal = #expect(throws: RunnerError.self) { try audit.run() }
        #expect(auditRefusal?.path == root)
    }


    @Test("an archive directory that is output, or lies inside it, or contains it, is refused")
    func archiveMustNotOverlapOutput() throws {
        let here = (TinyExperiment.directory as NSString).lastPathComponent
        for archive in ["overlap", "overlap/results", ".", "../\(here)/overlap/x", "\(TinyExperiment.directory)/overlap/", "overlap/../overlap"] {
            #expect(throws: ExperimentError.self, "\(archive)") { try TinyExperiment.experiment("overlap", methods: ["baseline"], archive: archive) }
        }
        let e = try TinyExperiment.experiment("overlap", methods: ["baseline"], archive: "overlap-results")
        #expect(e.archive == "\(TinyExperiment.directory)/overlap-results")
        #expect(try TinyExperiment.experiment("overlap", methods: ["baseline"]).archive == nil)
    }
}
