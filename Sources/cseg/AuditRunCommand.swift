import ArgumentParser
import Foundation
import Planning
import Running

/// `cseg audit run FILE.h5… [--experiment EXP | --split FILE] [--data DIR]`: verifies each run file and
/// re-hashes its inputs on disk; provenance that differs from this process is flagged (docs/audit.md).
struct AuditRun: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "run",
        abstract: "Check run files: schema and content hash, the split and data files on disk against the recorded SHA-256, provenance (dirty tree, matrix kernels, OpenBLAS core/threads, harness version), and which files hold the same numbers (results hash).",
        discussion: """
        Exits 1 if a file fails verification or an input no longer has its recorded hash; provenance \
        differences are warnings. The data root defaults to the one recorded in the file (/volatile/data_root).
        """)

    @Argument(help: "Run files (HDF5, docs/run-file.md).")
    var files: [String]

    @Option(help: "The experiment the runs belong to: its split file and data root are checked.")
    var experiment: String?

    @Option(help: "The split file to re-hash (instead of --experiment's).")
    var split: String?

    @Option(name: .customLong("data"), help: "The data root (instead of --experiment's or the recorded one).")
    var dataRoot: String?

    func run() throws {
        let exp = try experiment.map(ExperimentParser.read)
        // Engine threads are never compared (results are bit-identical for any count).
        let current = RunProvenanceProbe.current(engineThreads: 1)
        let reports = RunFileAudit.compareResults(files.map {
            RunFileAudit.audit($0, splitPath: split ?? exp?.data.split, dataRoot: dataRoot ?? exp?.data.root, current: current)
        })
        print(reports.map(\.text).joined(separator: "\n\n"))
        let failed = reports.filter(\.hasErrors).count
        if failed > 0 {
            FileHandle.standardError.write(Data("\(failed) of \(reports.count) run file\(reports.count == 1 ? "" : "s") failed the audit\n".utf8))
            throw ExitCode(1)
        }
    }
}
