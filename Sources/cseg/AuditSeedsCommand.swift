import ArgumentParser
import Foundation
import Planning
import Running

/// `cseg audit seeds EXPERIMENT [--sample K] [--steps N]`: re-executes stored runs and compares them with
/// their run files (docs/audit.md).
struct AuditSeeds: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "seeds",
        abstract: "Re-execute K runs of a grid (or their first N steps) and compare with the stored run files: 'identical' or the first step and tensor that differ.",
        discussion: """
        Runs are re-executed into a scratch directory, never over a stored file. The sample is drawn \
        from the complete runs with a stream seeded from the experiment's name, so it is the same every \
        time. Exits 1 on any difference or a damaged run file.
        """)

    @Argument(help: "The experiment file (TOML).")
    var experiment: String

    @Option(help: "Re-execute this many runs (default: every complete run).")
    var sample: Int?

    @Option(help: "Re-execute only the first N training steps of each and compare the stored loss curve (weights are not compared).")
    var steps: Int?

    @Option(help: "Scratch directory for the re-executed runs (kept); default a temporary one, removed after.")
    var scratch: String?

    @OptionGroup var threads: ThreadOptions

    func validate() throws {
        if let sample, sample < 1 { throw ValidationError("--sample must be at least 1, got \(sample)") }
        if let steps, steps < 1 { throw ValidationError("--steps must be at least 1, got \(steps)") }
    }

    func run() throws {
        try threads.apply()
        let exp = try ExperimentParser.read(experiment)
        let dir = scratch ?? FileManager.default.temporaryDirectory.appendingPathComponent("cseg-audit-seeds-\(getpid())").path
        defer { if scratch == nil { try? FileManager.default.removeItem(atPath: dir) } }
        let audit = SeedAudit(experiment: exp, sample: sample, steps: steps, scratch: dir,
                              current: RunProvenanceProbe.current(engineThreads: threads.threads),
                              log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
        let report = try audit.run()
        for path in report.damaged { print("damaged  \(path)") }
        for path in report.stale { print("stale    \(path): holds another config than the plan's (not audited)") }
        for r in report.results {
            switch r.verdict {
            case .identical(let why): print("[\(r.index)] \(r.runKey)  identical: \(why)")
            case .differs(let what): print("[\(r.index)] \(r.runKey)  DIFFERS: \(what)")
            }
            for note in r.notes { print("    note: \(note)") }
        }
        let differing = report.results.filter { if case .differs = $0.verdict { true } else { false } }.count
        print("\(report.results.count) re-executed, \(report.results.count - differing) identical, \(differing) differ"
              + (report.damaged.isEmpty ? "" : ", \(report.damaged.count) damaged")
              + (report.stale.isEmpty ? "" : ", \(report.stale.count) stale") + ", \(report.missing) not run yet")
        if report.hasDifferences { throw ExitCode(1) }
    }
}
