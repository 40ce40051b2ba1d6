import ArgumentParser
import CHDF5
import CNIfTI
import CPNG
import Engine
import Experiments
import Foundation
import RunStore

/// `cseg run EXPERIMENT`: executes the plan (docs/experiments.md), one run file per run (docs/run-file.md).
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run an experiment: pre-training, fine-tuning and test evaluation, one HDF5 file per run; complete runs are skipped.",
        discussion: """
        Runs execute in plan order (`cseg plan EXPERIMENT` lists it). A run whose output verifies and holds \
        its planned config is skipped, so an interrupted grid resumes where it stopped. --only selects runs \
        by key (glob, * and ?) and adds the pre-training runs they need; --index runs exactly one plan entry, \
        whose dependencies must be complete.
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    @Option(help: "Only runs whose key matches this glob (e.g. 'baseline_tr1_*'), with their pre-training runs.")
    var only: String?

    @Option(help: "Exactly the plan entry with this 1-based index.")
    var index: Int?

    @Option(help: "Runs at once, each in its own process with threads/jobs engine threads (at least 1); results are identical for any value.")
    var jobs: Int = 1

    @Option(help: .hidden) var progressInterval: Double = 30

    @Flag(help: "Run even if the split file leaks (a test id in a training list, train ∩ validation); every run file then records the findings.")
    var allowLeaks = false

    @Flag(help: "Compute runs that the experiment's archive holds too, each checked against its archived copy (results hash): regenerates a committed grid on this machine.")
    var recomputeArchived = false

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if only != nil && index != nil { throw ValidationError("give --only or --index, not both") }
        if jobs < 1 { throw ValidationError("--jobs must be at least 1, got \(jobs)") }
        if jobs > 1 && index != nil { throw ValidationError("--index runs one entry: --jobs does not apply") }
    }

    func run() throws {
        try threads.apply()
        let exp = try ExperimentParser.read(experiment)
        let err = FileHandle.standardError
        let interactive = isatty(2) == 1
        var lastProgress = Date.distantPast
        var runner = ExperimentRunner(
            experiment: exp, provenance: RunProvenanceProbe.current(engineThreads: threads.threads),
            log: { line in
                if interactive { err.write(Data("\r\u{1B}[K".utf8)) }
                FileHandle.standardOutput.write(Data("\(line)\n".utf8))
            },
            progressLine: { line in
                // On a terminal the line is rewritten in place; in a log, one line every 30 s at most.
                if interactive {
                    err.write(Data("\r\u{1B}[K\(line)".utf8))
                } else if Date().timeIntervalSince(lastProgress) > progressInterval {
                    err.write(Data("\(line)\n".utf8))
                    lastProgress = Date()
                }
            })
        runner.allowLeaks = allowLeaks
        runner.recomputeArchived = recomputeArchived
        let selection: ExperimentRunner.Selection = index.map { .index($0) } ?? only.map { .matching($0) } ?? .all
        let start = Date()
        if jobs > 1 {
            let outcomes = try LocalJobs(experiment: exp, experimentPath: experiment, selection: selection, jobs: jobs,
                                         threadsPerJob: max(1, threads.threads / jobs), harnessVersion: VersionReport.version,
                                         allowLeaks: allowLeaks, recomputeArchived: recomputeArchived, kernels: threads.kernels).run()
            print(ExperimentRunner.summary(outcomes))
            err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
            return
        }
        do {
            let outcomes = try runner.run(selection)
            print(ExperimentRunner.summary(outcomes))
        } catch let failure as ExperimentRunner.GridFailure {
            // The runs that could run are done: show them, then fail with the reasons.
            print(ExperimentRunner.summary(failure.outcomes))
            err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
            throw failure
        }
        err.write(Data(String(format: "wall time %.1f s\n", Date().timeIntervalSince(start)).utf8))
    }
}

/// What a run file records about the code and the host (docs/run-file.md, /provenance).
enum RunProvenanceProbe {
    static func current(engineThreads: Int) -> RunProvenance {
        var major: UInt32 = 0, minor: UInt32 = 0, release: UInt32 = 0
        H5get_libversion(&major, &minor, &release)
        var nifti = [CChar](repeating: 0, count: 256)
        cnifti_lib_version(&nifti, nifti.count)
        let (commit, dirty) = git()
        return RunProvenance(
            harnessVersion: VersionReport.version, gitCommit: commit, gitDirty: dirty, toolchain: toolchain,
            libraries: [LibraryVersion(name: "OpenBLAS", version: BLAS.config),
                        LibraryVersion(name: "HDF5", version: "\(major).\(minor).\(release)"),
                        LibraryVersion(name: "libnifti2", version: String(cString: nifti)),
                        LibraryVersion(name: "libpng", version: String(cString: png_get_libpng_ver(nil)))],
            openBLASCore: BLAS.coreName, openBLASThreads: BLAS.threadCount, engineThreads: engineThreads,
            cpuModel: cpuModel(), matrixKernels: MatrixKernels.provenance)
    }

    static let gitCommitVariable = "CSEG_GIT_COMMIT", gitDirtyVariable = "CSEG_GIT_DIRTY"

    static var toolchain: String {
        #if compiler(>=6.3)
        "Swift 6.3 or later"
        #elseif compiler(>=6.2)
        "Swift 6.2"
        #elseif compiler(>=6.1)
        "Swift 6.1"
        #else
        "Swift 6.0"
        #endif
    }

    /// The commit of the source tree this binary was built from (found through this file's compile-time
    /// path) and whether it had uncommitted changes; "unknown" without git or outside a repository.
    static func git() -> (String, Bool) {
        // A parent `cseg run --jobs` probes once and hands the answer to its children, so every run of one
        // invocation records the same commit even if the tree changes while the grid runs.
        let env = ProcessInfo.processInfo.environment
        if let commit = env[gitCommitVariable], let dirty = env[gitDirtyVariable] { return (commit, dirty == "1") }
        let dir = (String(#filePath) as NSString).deletingLastPathComponent
        guard let head = shell(["git", "-C", dir, "rev-parse", "HEAD"]), head.count == 40 else { return ("unknown", false) }
        let status = shell(["git", "-C", dir, "status", "--porcelain", "--untracked-files=no"]) ?? ""
        return (head, !status.isEmpty)
    }

    static func shell(_ arguments: [String]) -> String? {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        p.arguments = arguments
        let out = Pipe()
        p.standardOutput = out
        p.standardError = FileHandle.nullDevice
        do { try p.run() } catch { return nil }
        let data = out.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        guard p.terminationStatus == 0 else { return nil }
        return String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    static func cpuModel() -> String {
        guard let text = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
              let line = text.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
              let colon = line.firstIndex(of: ":") else { return "unknown" }
        return line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
}
