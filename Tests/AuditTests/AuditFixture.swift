import Datasets
import Foundation
import Imaging
import RunStore
import TestSupport
import Testing
@testable import Planning
@testable import Running

/// A tiny experiment with a run file already stored, copied afresh for every bad-input case: a 6-volume
/// coarse phantom (ACDC layout, 8–9 slices of 48–64², as the runner tests use), read as `kind = "acdc"`
/// so the runner never generates data, at 32² with a few steps per stage.
///
/// The base (made once per test process): `data/` (the phantom), `split.toml`, `experiment.toml`
/// (methods baseline and mixup) and `out/` holding the baseline run's file, computed by the runner.
/// Every case copies the base, breaks one thing, runs the whole experiment (so the mixup run is pending
/// and reads the data) and checks the error, that every file of `out/` and `data/` is unchanged and that
/// no temporary file is left.
enum AuditFixture {
    static let root: String = {
        let tmp = FileManager.default.temporaryDirectory.path
        // The directories of earlier test processes that have exited (tens of MB each).
        for name in (try? FileManager.default.contentsOfDirectory(atPath: tmp)) ?? [] where name.hasPrefix("cseg-audit-") {
            if let pid = Int32(name.dropFirst("cseg-audit-".count)), kill(pid, 0) != 0, errno == ESRCH {
                try? FileManager.default.removeItem(atPath: "\(tmp)/\(name)")
            }
        }
        let dir = "\(tmp)/cseg-audit-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }()

    /// The phantom, generated once.
    static let phantom: String = {
        let dir = "\(root)/phantom"
        try! TinyPhantom.write(root: dir)
        return dir
    }()

    /// Test 005/006; pool 001–003 (validation 004); benchmark 001–003 (validation 004); tr1 c1 = 002.
    static let split = TinySplit.text

    static let provenance = RunProvenance(harnessVersion: "test", gitCommit: "unknown", gitDirty: false, toolchain: "test",
                                          libraries: [], openBLASCore: "test", openBLASThreads: 1, engineThreads: 1, cpuModel: "test")

    /// The base directory with the baseline run done, made once.
    static let base: String = {
        let dir = "\(root)/base"
        try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try! FileManager.default.copyItem(atPath: phantom, toPath: "\(dir)/data")
        try! split.write(toFile: "\(dir)/split.toml", atomically: true, encoding: .utf8)
        let c = CaseDirectory(path: dir)
        try! c.writeExperiment(TinyConfig())
        _ = try! c.runner().run(.matching("baseline_*"))
        return dir
    }()

    /// The base with a whole grid stored: baseline, the global pre-training, the fine-tuning from it, mixup.
    static let gridBase: String = {
        let dir = "\(root)/grid-base"
        try! FileManager.default.copyItem(atPath: base, toPath: dir)
        let c = CaseDirectory(path: dir)
        try! c.writeExperiment(TinyConfig.grid)
        try! c.runner().run()
        return dir
    }()

    /// A fresh copy of the base (or of the grid base) for one case.
    static func makeCase(_ name: String, grid: Bool = false) throws -> CaseDirectory {
        let dir = "\(root)/case-\(name)"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.copyItem(atPath: grid ? gridBase : base, toPath: dir)
        return CaseDirectory(path: dir)
    }
}

/// The experiment file's knobs the cases turn.
struct TinyConfig {
    var methods = ["baseline", "mixup"]
    var budgets = ["tr1"]
    /// TOML value of `grid.seeds`.
    var seeds = "[7]"
    var kind = "acdc"
    var root = "data"
    var split = "split.toml"
    var finetuneIterations = 3
    var finetuneLearningRate: Double?
    var globalLearningRate: Double?
    var globalIterations = 2
    var globalVariants = ["GD"]
    /// Lines appended verbatim (a typo, a wrong type).
    var extra = ""

    /// Every stage kind: baseline, global pre-training and the fine-tuning from it, mixup.
    static var grid: TinyConfig {
        var config = TinyConfig()
        config.methods = ["baseline", "global", "mixup"]
        return config
    }

    func toml(name: String = "tiny") -> String {
        """
        format = 1
        name = "\(name)"
        preset = "quick"
        output = "out"

        [data]
        kind = "\(kind)"
        root = "\(root)"
        split = "\(split)"

        [grid]
        methods = [\(methods.map { "\"\($0)\"" }.joined(separator: ", "))]
        budgets = [\(budgets.map { "\"\($0)\"" }.joined(separator: ", "))]
        combinations = ["c1"]
        seeds = \(seeds)
        global_variants = [\(globalVariants.map { "\"\($0)\"" }.joined(separator: ", "))]

        [network]
        input_size = 32
        channel_multiplier = 0.125
        target_spacing = [8.5, 8.5]

        [stage.pretrain-global]
        iterations = \(globalIterations)
        batch_size = 4
        \(globalLearningRate.map { "learning_rate = \($0)" } ?? "")

        [stage.pretrain-local]
        iterations = 2
        batch_size = 4
        lr_slices = 2

        [stage.finetune]
        iterations = \(finetuneIterations)
        batch_size = 4
        validate_every = 2
        \(finetuneLearningRate.map { "learning_rate = \($0)" } ?? "")
        \(extra)
        """
    }
}

/// One case's copy of the base: where things are, and the before/after checks.
struct CaseDirectory {
    let path: String
    var experimentPath: String { "\(path)/experiment.toml" }
    var output: String { "\(path)/out" }
    var data: String { "\(path)/data" }

    var splitPath: String { "\(path)/split.toml" }

    /// Rewrites the split file with `old` replaced by `new` (which must occur).
    func editSplit(_ old: String, _ new: String) throws {
        let text = try String(contentsOfFile: splitPath, encoding: .utf8)
        precondition(text.contains(old), "split file has no \(old)")
        try text.replacingOccurrences(of: old, with: new).write(toFile: splitPath, atomically: true, encoding: .utf8)
    }

    func writeExperiment(_ config: TinyConfig) throws {
        try config.toml().write(toFile: experimentPath, atomically: true, encoding: .utf8)
    }

    func experiment() throws -> Experiment { try ExperimentParser.read(experimentPath) }

    func runner(allowLeaks: Bool = false) throws -> ExperimentRunner {
        var r = ExperimentRunner(experiment: try experiment(), provenance: AuditFixture.provenance)
        r.allowLeaks = allowLeaks
        return r
    }

    func plan() throws -> [PlannedRun] {
        let e = try experiment()
        let split = try SplitFileParser.read(e.data.split)
        return try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
    }

    /// ACDC layout of the phantom: the ED frame is 01 in its Info.cfg.
    func image(_ id: String) throws -> String { try Dataset(kind: .acdc, root: data).files(for: id).image }
    func label(_ id: String) throws -> String { try Dataset(kind: .acdc, root: data).files(for: id).label }

    /// SHA-256 of every regular file under `out/` and `data/` by relative path. The lock files
    /// (`out/.lock`, `out/.locks/`) are left out: they hold no result, and the PID of the last holder.
    func snapshot() throws -> [String: String] {
        var files: [String: String] = [:]
        for top in ["out", "data"] {
            let dir = "\(path)/\(top)"
            guard let walker = FileManager.default.enumerator(atPath: dir) else { continue }
            while let relative = walker.nextObject() as? String {
                if relative == ".lock" || relative.hasPrefix(".locks") { continue }
                var isDirectory: ObjCBool = false
                guard FileManager.default.fileExists(atPath: "\(dir)/\(relative)", isDirectory: &isDirectory),
                      !isDirectory.boolValue else { continue }
                files["\(top)/\(relative)"] = try ContentHash.sha256(fileAt: "\(dir)/\(relative)")
            }
        }
        return files
    }

    /// Files whose name marks an unfinished write (`.tmp-` of the HDF5, cache and NIfTI writers).
    func temporaryFiles() -> [String] {
        guard let walker = FileManager.default.enumerator(atPath: path) else { return [] }
        var found: [String] = []
        while let relative = walker.nextObject() as? String {
            if relative.contains(".tmp-") { found.append(relative) }
        }
        return found.sorted()
    }

    /// Runs the whole experiment in process and returns the error it stops with (nil if it succeeded),
    /// after checking (b) and (c): every stored file unchanged, no temporary file left. `strict`: no file
    /// may appear either (the error came before any work); otherwise only preprocessing cache entries of
    /// volumes that passed their checks may (a run that diverged after preparing its data).
    func runExpectingFailure(allowLeaks: Bool = false, strict: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws -> String? {
        let before = try snapshot()
        #expect(before.keys.contains { $0.hasPrefix("out/runs/") }, "the case must start with a stored run file", sourceLocation: sourceLocation)
        var message: String?
        do {
            try runner(allowLeaks: allowLeaks).run()
        } catch {
            message = "\(error)"
        }
        let after = try snapshot()
        for (file, hash) in before where after[file] != hash {
            Issue.record("\(file) changed or disappeared", sourceLocation: sourceLocation)
        }
        let added = after.keys.filter { before[$0] == nil }.sorted()
        #expect(added.filter { strict || !$0.hasPrefix("out/cache/preprocess/") } == [], "new files", sourceLocation: sourceLocation)
        #expect(temporaryFiles() == [], sourceLocation: sourceLocation)
        return message
    }

    // MARK: editing volumes

    func readVolume(_ path: String) throws -> Volume { try NIfTI.read(path).volume }

    func rewrite(_ path: String, as datatype: NIfTIDatatype, _ edit: (inout Volume) -> Void) throws {
        var v = try readVolume(path)
        edit(&v)
        try FileManager.default.removeItem(atPath: path)
        try NIfTI.write(v, to: path, as: datatype)
    }
}

/// Asserts that `message` names `file` and says `problem`.
func expectMessage(_ message: String?, names file: String, says problem: String, sourceLocation: SourceLocation = #_sourceLocation) {
    guard let message else {
        Issue.record("the run succeeded; expected an error naming \(file)", sourceLocation: sourceLocation)
        return
    }
    #expect(message.contains(file), "\(message) does not name \(file)", sourceLocation: sourceLocation)
    #expect(message.contains(problem), "\(message) does not say \"\(problem)\"", sourceLocation: sourceLocation)
}
