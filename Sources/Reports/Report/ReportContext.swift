import Datasets
import Foundation
import Imaging
import Planning
import RunStore

/// What `cseg report` was asked for.
public struct ReportOptions: Sendable {
    /// Where README.md, the CSV and the figures go.
    public var outputDirectory: String
    public var publishedValuesPath: String?
    /// Use run files whose config differs from the plan (flagged in the report) instead of leaving them out.
    public var includeStale: Bool
    /// Test volumes to draw overlays for; nil: the first two test volumes of the split.
    public var overlayVolumes: [String]?
    /// The budget whose predictions the overlays show; nil: the smallest.
    public var overlayBudget: String?
    /// Archived copies to read where a run file is missing, in the experiment's output layout, instead of
    /// the experiment's own `archive`: a grid that is a subset of another renders from the larger grid's
    /// committed archive (the demo from the science grid's) without sharing it when it runs.
    public var archive: String?

    public init(outputDirectory: String, publishedValuesPath: String? = nil, includeStale: Bool = false,
                overlayVolumes: [String]? = nil, overlayBudget: String? = nil, archive: String? = nil) {
        self.outputDirectory = outputDirectory
        self.archive = archive
        self.publishedValuesPath = publishedValuesPath
        self.includeStale = includeStale
        self.overlayVolumes = overlayVolumes
        self.overlayBudget = overlayBudget
    }
}

/// Everything a section reads: the experiment, its plan, the run files found for it, and the scores.
public struct ReportContext: Sendable {
    public let experiment: Experiment
    public let split: SplitFile
    public let inventory: RunInventory
    public let grid: ScoreGrid
    public let options: ReportOptions
    public let published: PublishedValues?
    /// The data root, when it exists (overlays and the images under the similarity maps need it).
    public let dataset: Dataset?

    public init(experiment: Experiment, split: SplitFile, plan: [PlannedRun], options: ReportOptions) throws {
        try self.init(experiment: experiment, split: split, inventory: RunInventory.load(plan, includeStale: options.includeStale),
                      options: options)
    }

    /// With the run files already read (tests build inventories in memory).
    public init(experiment: Experiment, split: SplitFile, inventory: RunInventory, options: ReportOptions) throws {
        self.experiment = experiment
        self.split = split
        self.options = options
        self.inventory = inventory
        grid = try ScoreGrid(inventory: inventory)
        published = try options.publishedValuesPath.map(PublishedValues.read)
        dataset = FileManager.default.fileExists(atPath: experiment.data.root)
            ? try? Dataset(kind: experiment.data.layout, root: experiment.data.root, classes: experiment.classes(split)) : nil
    }

    /// The command that regenerates the run files.
    public var runCommand: String { "cseg run \(Shell.quote(experiment.path))" }

    /// The command that regenerates this report.
    public var reportCommand: String {
        var words = ["cseg", "report", Shell.quote(experiment.path), "--out", Shell.quote(options.outputDirectory)]
        if let p = options.publishedValuesPath { words += ["--published", Shell.quote(p)] }
        if options.includeStale { words.append("--include-stale") }
        if let v = options.overlayVolumes { words += ["--overlay-volumes", v.joined(separator: ",")] }
        if let b = options.overlayBudget { words += ["--overlay-budget", Shell.quote(b)] }
        if let a = options.archive { words += ["--archive", Shell.quote(a)] }
        return words.joined(separator: " ")
    }

    public func entries(stage: Stage) -> [RunInventory.Entry] { inventory.entries.filter { $0.planned.stage == stage } }

    /// The first line of a section: the commands that produced it, in a code span each.
    public func commandLine(only pattern: String? = nil) -> String {
        let run = pattern.map { "\(runCommand) --only \(Shell.quote($0))" } ?? runCommand
        return "`\(run)` → `\(reportCommand)`"
    }

    /// "29 of 29 planned fine-tuning runs (harness 0.4.0 at 8fcf13b, clean)": what a section's numbers come
    /// from, with the code that made them.
    public func sourceLine(_ entries: [RunInventory.Entry], what: String, reads: String) -> String {
        let used = entries.filter(\.isUsed)
        let stale = used.filter(\.isStale).count
        var text = "Source: \(used.count) of \(entries.count) planned \(what) run files, \(reads)"
        let builds = Set(used.map { e -> String in
            let p = e.record!.provenance
            return "harness \(p.harnessVersion) at \(p.gitCommit.prefix(12))\(p.gitDirty ? " (uncommitted changes)" : "")"
        }).sorted()
        if !builds.isEmpty { text += "; " + builds.joined(separator: ", ") }
        if stale > 0 { text += "; **\(stale) out of date with the plan** (included by --include-stale)" }
        return text + "."
    }
}

/// POSIX shell quoting for the commands printed in the report: plain words stay as they are.
enum Shell {
    static func quote(_ word: String) -> String {
        let safe = word.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) || "-_./=:,+@%".unicodeScalars.contains($0) }
        return safe && !word.isEmpty ? word : "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}
