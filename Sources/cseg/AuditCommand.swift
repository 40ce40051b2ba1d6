import ArgumentParser
import Datasets
import Foundation

/// `cseg audit …`: checks of the inputs and outputs a researcher must trust before citing a result
/// (docs/audit.md): split files, stored runs against their inputs, and re-execution from the seeds.
struct Audit: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Audit split files for leaks and defects, run files against their inputs, and results by re-executing them.",
        subcommands: [AuditSplits.self, AuditRun.self, AuditSeeds.self])
}

/// `cseg audit splits FILE… [--data DIR] [--json]`: role-aware audit of split files; exits 1 if any
/// file has an error-severity finding. The checks live in `Datasets.SplitAudit`.
struct AuditSplits: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "splits",
        abstract: "Check split files: overlaps between roles, validation exposure to the pre-training pool, malformed, duplicate, unknown and missing ids, counts against key names.")

    @Argument(help: "Split files (TOML, see data-splits/README.md).")
    var files: [String]

    @Option(name: .customLong("data"), help: "Dataset root: check that every id has its files there (by the file's dataset.layout).")
    var dataRoot: String?

    @Flag(help: "One JSON array for scripts (sorted keys).")
    var json = false

    func run() throws {
        let reports = files.map { SplitAuditReport.audit(path: $0, dataRoot: dataRoot) }
        print(json ? try SplitAuditReport.json(reports) : reports.map(\.text).joined(separator: "\n\n"))
        if reports.contains(where: \.hasErrors) { throw ExitCode(1) }
    }
}
