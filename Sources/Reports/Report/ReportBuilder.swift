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
        return readme
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
        let e = try ExperimentParser.read(experimentPath)
        let split = try SplitFileParser.read(e.data.split)
        let plan = try RunPlanner.plan(e, split: split, data: try DataHashes.compute(for: e, ids: split.dataset.ids))
        return try render(ReportContext(experiment: e, split: split, plan: plan, options: options))
    }
}
