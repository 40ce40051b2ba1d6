import Datasets
import Foundation
import Imaging
import Planning

/// A rendered report: README.md, the files beside it and its figures, all in memory until `write`.
public struct RenderedReport: Sendable {
    public let readme: String
    public let files: [ReportFile]
    public let figures: [ReportFigure]

    /// Writes everything into `directory` (created if needed), each file atomically; returns README.md's path.
    @discardableResult
    public func write(to directory: String) throws -> String {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            throw ReportError(directory, "cannot create the report directory: \(error.localizedDescription)")
        }
        for f in files { try ReportText.write(f.bytes, to: "\(directory)/\(f.name)") }
        for f in figures { try f.canvas.writePNG(to: "\(directory)/\(f.name)") }
        let readme = "\(directory)/README.md"
        try ReportText.write(Data(self.readme.utf8), to: readme)
        try removeLeftovers(in: directory)
        return readme
    }

    /// The files the last render wrote beside README.md, one name per line: what a render into the same
    /// directory removes when it no longer makes them (a figure of a budget that has lost its runs), so
    /// that the same inputs leave the same directory; files the report never wrote are not touched.
    static let manifestName = ".cseg-report-files"

    private func removeLeftovers(in directory: String) throws {
        let manifest = "\(directory)/\(Self.manifestName)"
        let now = (files.map(\.name) + figures.map(\.name)).sorted()
        let before = (try? String(contentsOfFile: manifest, encoding: .utf8))?.split(separator: "\n").map(String.init) ?? []
        for name in before where !now.contains(name) && !name.contains("/") && name != "README.md" {
            try? FileManager.default.removeItem(atPath: "\(directory)/\(name)")
        }
        try ReportText.write(Data(now.map { $0 + "\n" }.joined().utf8), to: manifest)
    }
}

/// `cseg report`: the notebook-style report of an experiment, from its run files alone (docs/report.md).
public enum ReportBuilder {
    public static func render(_ c: ReportContext) throws -> RenderedReport {
        var doc = MarkdownDocument()
        var files: [ReportFile] = []
        var figures: [ReportFigure] = []
        HeaderSection.render(c, &doc)
        ResultsSection.render(c, &doc, files: &files)
        AblationSection.render(c, &doc, figures: &figures)
        try StatisticsSection.render(c, &doc)
        PlotsSection.render(c, &doc, figures: &figures)
        try OverlaySection.render(c, &doc, figures: &figures)
        try PretrainingSection.render(c, &doc, figures: &figures)
        try ClaimsSection.render(c, &doc)
        RunFilesSection.render(c, &doc)
        return RenderedReport(readme: doc.render(), files: files, figures: figures)
    }

    /// Reads the experiment, its split and plan, the run files and the data, and renders.
    public static func render(experimentPath: String, options: ReportOptions) throws -> RenderedReport {
        let e = try experiment(experimentPath, archive: options.archive)
        let split = try SplitFileParser.read(e.data.split)
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        return try render(ReportContext(experiment: e, split: split, plan: plan, options: options))
    }

    /// The experiment file, its `archive` replaced by `archive` when given (`cseg report --archive`): a
    /// directory that exists and is not, or does not lie inside, the experiment's output.
    static func experiment(_ path: String, archive: String?) throws -> Experiment {
        var e = try ExperimentParser.read(path)
        guard let archive else { return e }
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: archive, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw ReportError(archive, "--archive: no such directory")
        }
        guard !ExperimentParser.archiveOverlaps(archive, output: e.output) else {
            throw ReportError(archive, "--archive overlaps the experiment's output \(e.output): an archive is a directory of its own")
        }
        e.archive = archive
        return e
    }
}
