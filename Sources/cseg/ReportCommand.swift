import ArgumentParser
import Foundation
import Planning
import Reports
import Running

/// `cseg report EXPERIMENT [--out DIR]`: README.md, CSV and figures from the run files alone.
struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Render an experiment's report (README.md, per-volume CSV, PNG figures) from its run files, without training.",
        discussion: """
        The plan decides what the report expects: runs missing on disk, out of date with the plan or unreadable \
        are listed at the top and left out of the numbers; where a run file is missing, its archived copy \
        (the experiment's archive) is read. The same run files always give the same bytes. A phantom \
        experiment's phantom is generated on first use, as by cseg run. Contents and the published-values \
        format: docs/report.md.
        """)

    @Argument(help: "The experiment file (TOML, see docs/experiments.md).")
    var experiment: String

    @Option(help: "Output directory (default: reports/<experiment name>).")
    var out: String?

    @Option(help: "A TOML file of published values to compare with (format in docs/report.md).")
    var published: String?

    @Flag(help: "Use run files whose config differs from the plan (marked in the report) instead of leaving them out.")
    var includeStale = false

    @Option(help: "Comma-separated test volume ids for the overlays (default: the first two test volumes).")
    var overlayVolumes: String?

    @Option(help: "The budget whose predictions the overlays show (default: the smallest).")
    var overlayBudget: String?

    @Option(help: "Read archived copies from this directory (in the experiment's output layout) where a run file is missing, instead of the experiment's own archive: e.g. the demo from the science grid's results/phantom-quick.")
    var archive: String?

    func run() throws {
        let e = try Planning.ExperimentParser.read(experiment)
        let name = e.name
        // As `cseg run` does: a fresh checkout has the archived runs (results/) but not the phantom they
        // were computed on, and without it the plan's data hashes, and so its configs, are provisional.
        try ExperimentData.ensurePhantom(e, harnessVersion: VersionReport.version,
                                         log: { FileHandle.standardError.write(Data("\($0)\n".utf8)) })
        let options = ReportOptions(outputDirectory: out ?? "reports/\(name)", publishedValuesPath: published,
                                    includeStale: includeStale,
                                    overlayVolumes: overlayVolumes.map { $0.split(separator: ",").map(String.init) },
                                    overlayBudget: overlayBudget, archive: archive)
        let report = try ReportBuilder.render(experimentPath: experiment, options: options)
        print(try report.write(to: options.outputDirectory))
    }
}
