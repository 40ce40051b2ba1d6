import Foundation
import Planning
import RunStore
import TestSupport
import Testing
@testable import Reports

@Suite("A report read from archived runs")
struct ArchivedReportTests {
    /// Table rows with their cells trimmed and rule cells shortened: a longer status pads its column.
    static func unpadded(_ markdown: String) -> String {
        markdown.components(separatedBy: "\n").map { line in
            guard line.hasPrefix("|") else { return line }
            return line.split(separator: "|", omittingEmptySubsequences: false).map { cell in
                let t = cell.trimmingCharacters(in: .whitespaces)
                return t.allSatisfy({ $0 == "-" || $0 == ":" }) ? t.filter { $0 == ":" } + "-" : t
            }.joined(separator: "|")
        }.joined(separator: "\n")
    }

    /// Every run of the shared fixture archived, the run files out of reach (as in a fresh checkout, where
    /// `output` is empty and the committed archive is all there is), the report rendered again.
    @Test("equals the report from the run files, but for one header paragraph and the appendix's status; CSV and figures byte for byte")
    func sameReportFromTheArchive() throws {
        let f = SharedReport.fixture
        let archiveDirectory = "\(f.directory)/archive"
        var experiment = f.experiment
        experiment.archive = archiveDirectory
        let plan = try f.plan.map { r -> PlannedRun in
            var moved = r
            moved.output = "\(f.directory)/gone/\(r.runKey).h5"
            moved.archive = "\(archiveDirectory)/\(r.runKey).h5"
            try RunArchive.write(from: r.output, to: moved.archive!)
            return moved
        }
        // One run file is there but stale (another seed): the report takes the archived copy, as cseg run does.
        var stale = try #require(SharedReport.entries.first?.record)
        stale.configJSON = stale.configJSON.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":8")
        try FileManager.default.createDirectory(atPath: "\(f.directory)/gone", withIntermediateDirectories: true)
        try RunFileWriter.write(stale, to: plan[0].output)
        defer { try? FileManager.default.removeItem(atPath: plan[0].output) }
        let inventory = RunInventory.load(plan, includeStale: false)
        #expect(inventory.entries.allSatisfy { $0.status == .complete && $0.isArchived })
        #expect(inventory.entries.map(\.contentSHA256) == SharedReport.entries.map(\.contentSHA256),
                "the archived entries name the run files' content hashes")
        #expect(inventory.entries.map(\.record?.finalWeights) == plan.map { _ in [] })

        let c = try ReportContext(experiment: experiment, split: f.split, inventory: inventory, options: f.options())
        let archived = try ReportBuilder.render(c)
        let original = SharedReport.report
        #expect(archived.readme.components(separatedBy: "| complete (archived) ").count - 1 == plan.count)
        let paragraph = "\(plan.count) of \(plan.count) runs are read from their archived copies (under `\(archiveDirectory)`): "
        #expect(archived.readme.contains(paragraph))
        #expect(archived.readme.contains("`\(c.runCommand) --recompute-archived` computes them again"), "the header says how to regenerate archived runs")
        // The paragraph out (up to the blank line that ends it), the appendix's status back: the original.
        let start = try #require(archived.readme.range(of: paragraph))
        let end = try #require(archived.readme.range(of: "\n\n", range: start.upperBound..<archived.readme.endIndex))
        var readme = archived.readme
        readme.removeSubrange(start.lowerBound..<end.upperBound)
        #expect(Self.unpadded(readme.replacingOccurrences(of: "complete (archived)", with: "complete")) == Self.unpadded(original.readme))
        #expect(archived.files.map(\.name) == original.files.map(\.name))
        for (a, b) in zip(archived.files, original.files) { #expect(a.bytes == b.bytes, "\(a.name) differs") }
        #expect(archived.figures.map(\.name) == original.figures.map(\.name))
        for (a, b) in zip(archived.figures, original.figures) {
            #expect(a.canvas == b.canvas, "\(a.name) differs")
        }
    }

    /// A fresh checkout holds the archive but not the phantom its runs were computed on; without the
    /// data the plan's identities are provisional and no archived config would match.
    @Test("cseg report generates a phantom experiment's phantom on first use, as cseg run does")
    func reportGeneratesThePhantom() throws {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-report-phantom-\(getpid())").path
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try TinySplit.text.write(toFile: "\(dir)/split.toml", atomically: true, encoding: .utf8)
        try """
            format = 1
            name = "phantom-6"
            preset = "quick"
            output = "runs"
            archive = "results"
            \(TinySplit.phantomData)
            [grid]
            methods = ["baseline"]
            budgets = ["tr1"]
            combinations = ["c1"]
            seeds = [1]
            """.write(toFile: "\(dir)/e.toml", atomically: true, encoding: .utf8)
        let (status, out) = try CSegExecutable.run(["report", "\(dir)/e.toml", "--out", "\(dir)/report"])
        #expect(status == 0 && out == "\(dir)/report/README.md\n")
        #expect(FileManager.default.fileExists(atPath: "\(dir)/phantom/phantom.json"))
        let readme = try String(contentsOfFile: "\(dir)/report/README.md", encoding: .utf8)
        #expect(readme.contains("**1 of 1 planned runs are not complete.**"), "the report renders with the run missing")
    }

    @Test("--archive reads another directory's archived copies in the experiment's output layout; a missing or overlapping directory is refused; the regenerate command names it")
    func archiveOption() throws {
        let f = SharedReport.fixture
        let other = "\(f.directory)/other-archive"
        try FileManager.default.createDirectory(atPath: other, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: other) }
        let e = try ReportBuilder.experiment(f.experiment.path, archive: other)
        #expect(e.archive == other && e.output == f.experiment.output)
        let plan = try RunPlanner.plan(e, split: f.split, data: .unavailable)
        #expect(plan.allSatisfy { $0.archive == other + $0.output.dropFirst(e.output.count) })
        #expect(try ReportBuilder.experiment(f.experiment.path, archive: nil).archive == f.experiment.archive)

        let missing = "\(f.directory)/no-such-archive"
        #expect(throws: ReportError(missing, "--archive: no such directory")) { try ReportBuilder.experiment(f.experiment.path, archive: missing) }
        let error = try #require(throws: ReportError.self) { try ReportBuilder.experiment(f.experiment.path, archive: f.experiment.output) }
        #expect(error.problem.contains("overlaps the experiment's output"))

        var options = f.options()
        options.archive = other
        let c = try ReportContext(experiment: e, split: f.split, inventory: RunInventory(entries: SharedReport.entries), options: options)
        #expect(c.reportCommand.hasSuffix(" --archive \(other)"))
        // Rendered from copies that `cseg run` would not read, the header does not promise that it skips them.
        var archivedEntries = SharedReport.entries
        let first = archivedEntries[0]
        archivedEntries[0] = RunInventory.Entry(planned: first.planned, status: first.status, record: first.record,
                                                contentSHA256: first.contentSHA256, path: "\(other)/copy.h5")
        let readme = try ReportBuilder.render(ReportContext(experiment: e, split: f.split, inventory: RunInventory(entries: archivedEntries),
                                                            options: options)).readme
        #expect(readme.contains("came from `--archive`, not from the experiment") && !readme.contains("`cseg run` skips them"))
    }
}
