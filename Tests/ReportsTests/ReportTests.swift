import Foundation
import Imaging
import Planning
import RunStore
import TestSupport
import Testing
@testable import Reports

/// One fixture with every run file written and its report rendered, shared by the tests that only read them
/// (writing ~30 run files and rendering take most of this suite's time).
enum SharedReport {
    static let fixture: ReportFixture = {
        let f = try! ReportFixture(name: "shared")
        try! f.writeRuns()
        // Removed when the test process ends (Swift Testing has no suite-wide teardown).
        atexit { try? FileManager.default.removeItem(atPath: SharedReport.directory) }
        return f
    }()
    static let directory = FileManager.default.temporaryDirectory.appendingPathComponent("cseg-report-\(getpid())-shared").path
    static let context: ReportContext = try! fixture.context()
    static let report: RenderedReport = try! ReportBuilder.render(context)
    /// The records as written, in plan order, for building inventories in memory.
    static let entries: [RunInventory.Entry] = context.inventory.entries
}

@Suite("cseg report on a fixture experiment")
struct ReportTests {
    static let sections = ["# Report: fixture", "## Provenance", "## 1. Test Dice by method and label budget", "### Dice per class",
                           "### HD95 (mm) per class", "### ASSD (mm) per class", "## 2. Paired tests against the baseline",
                           "### Differences to published values", "## 3. Plots", "## 4. Qualitative overlays",
                           "## 5. What the pre-training learned", "### Global features: PCA of the g1 embeddings",
                           "### Local features: similarity to a query pixel", "### Pre-training losses",
                           "## 6. The paper's four claims on this data", "## Appendix: run files"]
    static let arms = ["baseline", "intensity", "rotation", "global-GR", "global-GD", "global-GD+local-LR", "global-GD+local-LR+intensity", "benchmark"]
    static let figures: [String: (Int, Int)] = [
        "dice-vs-budget.png": (1100, 560), "curves-tr1.png": (1520, 480), "curves-tr2.png": (1520, 480),
        "per-volume-dice.png": (1200, 560), // random init, G^R, G^D, rotation; the losses of G^R, G^D, L^R and rotation.
        "embeddings-pca.png": (4 * 520, 460), "pretraining-losses.png": (4 * 640, 420),
    ]

    @Test("every section, every method and every figure is there; PNGs read back through libpng at their sizes")
    func sectionsMethodsFigures() throws {
        let f = SharedReport.fixture
        let report = SharedReport.report
        let readme = report.readme
        var last = readme.startIndex
        for s in Self.sections {
            let r = try #require(readme.range(of: "\n" + s + "\n", range: last..<readme.endIndex) ?? (s.hasPrefix("# ") ? readme.range(of: s) : nil), "\(s)")
            last = r.upperBound
        }
        #expect(readme.contains("All \(f.plan.count) planned runs are present"))
        let mainTable = try #require(readme.components(separatedBy: "## 1.").last?.components(separatedBy: "### Dice per class").first)
        for a in Self.arms where a != "benchmark" { #expect(mainTable.contains("| \(a) "), "\(a) missing from the main table") }
        #expect(mainTable.contains("Benchmark (upper bound"))
        for claim in 1...4 { #expect(readme.contains("### Claim \(claim):")) }
        // Each section starts with the commands that produced it.
        for part in readme.components(separatedBy: "\n## ").dropFirst() {
            #expect(part.contains("`cseg report \(f.directory)/fixture.toml --out \(f.directory)/report`"), "\(part.prefix(40))")
        }

        let out = "\(f.directory)/report-sections"
        let readmePath = try report.write(to: out)
        #expect(readmePath == "\(out)/README.md")
        var expected = Self.figures
        for id in ["006", "007"] { expected["overlay-\(id).png"] = nil }
        #expect(Set(report.figures.map(\.name)) == Set(Self.figures.keys).union(["overlay-006.png", "overlay-007.png", "local-similarity.png"]))
        for fig in report.figures {
            let png = try PNGFile.read("\(out)/\(fig.name)", as: .rgb)
            #expect(png.width == fig.canvas.width && png.height == fig.canvas.height && png.pixels == fig.canvas.pixels, "\(fig.name)")
            if let (w, h) = expected[fig.name] { #expect((png.width, png.height) == (w, h), "\(fig.name)") }
            #expect(readme.contains("](\(fig.name))"), "\(fig.name) not referenced")
        }
        let csv = try String(contentsOfFile: "\(out)/per-volume.csv", encoding: .utf8)
        let fineTuning = f.plan.filter { $0.stage == .finetune }.count
        #expect(csv.components(separatedBy: "\r\n").filter { !$0.isEmpty }.count == 1 + fineTuning * ReportFixture.testIDs.count)
    }

    @Test("rendering twice gives byte-identical README, CSV and PNGs")
    func deterministic() throws {
        let f = SharedReport.fixture
        func snapshot(_ out: String) throws -> [String: Data] {
            // The same options (hence the same command line in the README), a fresh read of the run files.
            try ReportBuilder.render(try f.context()).write(to: "\(f.directory)/\(out)")
            let names = try FileManager.default.contentsOfDirectory(atPath: "\(f.directory)/\(out)").sorted()
            return Dictionary(uniqueKeysWithValues: try names.map { ($0, try Data(contentsOf: URL(fileURLWithPath: "\(f.directory)/\(out)/\($0)"))) })
        }
        let a = try snapshot("det-a"), b = try snapshot("det-b")
        #expect(a.keys.sorted() == b.keys.sorted() && a.count == 13 && a[RenderedReport.manifestName] != nil && a["per-run.csv"] != nil)
        for k in a.keys.sorted() { #expect(a[k] == b[k], "\(k) differs between two renderings") }
        #expect(SharedReport.report.readme == String(decoding: a["README.md"]!, as: UTF8.self))
    }

    @Test("overlays draw each run's own prediction: a run without RV adds no RV-blue pixels, one with it does")
    func overlayContours() throws {
        let c = SharedReport.context
        let loaded = try #require(c.dataset).load("006")
        let tr1 = c.grid.budgets[0]
        let baseline = try #require(c.grid.runs(c.grid.arms[0], tr1.key).first)   // effect < 0.05: RV dropped
        let local = try #require(c.grid.runs(c.grid.arms.first { $0.id == "global-GD+local-LR" }!, tr1.key).first)
        func blue(_ columns: [(arm: Arm, run: ScoredRun)]) throws -> Int {
            let picture = try OverlaySection.overlay(id: "006", image: loaded.image, label: loaded.label, columns: columns,
                                                     classColours: OverlaySection.classColours(count: 3), classNames: ReportFixture.classNames)
            #expect(picture.slices == [1, 2, 4])
            let rv = OverlaySection.classColours(count: 3)[0]
            return (0..<picture.canvas.height).reduce(0) { n, y in n + (0..<picture.canvas.width).filter { picture.canvas[$0, y] == rv }.count }
        }
        let none = try blue([]), withBaseline = try blue([(baseline.arm, baseline)]), withLocal = try blue([(local.arm, local)])
        #expect(none > 0 && withBaseline == none && withLocal > none)
    }

    @Test("cseg report prints the README's path, writes what the library renders, and refuses a non-test overlay volume")
    func command() throws {
        let f = SharedReport.fixture
        let out = "\(f.directory)/cli"
        let (status, stdout) = try CSegExecutable.run(["report", "\(f.directory)/fixture.toml", "--out", out])
        #expect(status == 0)
        #expect(stdout == "\(out)/README.md\n")
        let expected = try ReportBuilder.render(try f.context(f.options("cli"))).readme
        #expect(try String(contentsOfFile: "\(out)/README.md", encoding: .utf8) == expected)
        let (bad, _) = try CSegExecutable.run(["report", "\(f.directory)/fixture.toml", "--out", out, "--overlay-volumes", "001"])
        #expect(bad != 0)
    }

    @Test("the README and CSV equal the stored golden files (regenerate: CSEG_UPDATE_GOLDEN=1, see docs/report.md)")
    func golden() throws {
        let f = SharedReport.fixture
        let report = SharedReport.report
        let readme = report.readme.replacingOccurrences(of: f.directory, with: "FIXTURE")
        let csv = String(decoding: report.files.first { $0.name == "per-volume.csv" }!.bytes, as: UTF8.self)
        let runCSV = String(decoding: report.files.first { $0.name == "per-run.csv" }!.bytes, as: UTF8.self)
        let goldenDir = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/report-golden")
        if ProcessInfo.processInfo.environment["CSEG_UPDATE_GOLDEN"] == "1" {
            try FileManager.default.createDirectory(at: goldenDir, withIntermediateDirectories: true)
            try readme.write(to: goldenDir.appendingPathComponent("README.md"), atomically: true, encoding: .utf8)
            try csv.write(to: goldenDir.appendingPathComponent("per-volume.csv"), atomically: true, encoding: .utf8)
            try runCSV.write(to: goldenDir.appendingPathComponent("per-run.csv"), atomically: true, encoding: .utf8)
            return  // the bundled copies are the old ones until the next build
        }
        let bundled = try #require(Bundle.module.url(forResource: "README", withExtension: "md", subdirectory: "Fixtures/report-golden"))
        let storedReadme = try String(contentsOf: bundled, encoding: .utf8)
        let storedCSV = try String(contentsOf: bundled.deletingLastPathComponent().appendingPathComponent("per-volume.csv"), encoding: .utf8)
        #expect(readme == storedReadme)
        #expect(csv == storedCSV)
        #expect(runCSV == (try String(contentsOf: bundled.deletingLastPathComponent().appendingPathComponent("per-run.csv"), encoding: .utf8)))
    }

    @Test("the main table's cell is the mean ± std (n) of per-volume mean foreground Dice, a both-empty class left out")
    func mainTableNumbers() throws {
        let f = SharedReport.fixture
        let model = ReportFixture.ScoreModel()
        let c = SharedReport.context
        // baseline at tr1: 4 volumes × 2 combinations; volume 009 of c1 has RV empty in both, so its mean is over 2 classes.
        var scores: [Double] = []
        for comb in ["c1", "c2"] {
            for v in 6...9 {
                let classes = (0..<3).filter { !(comb == "c1" && v == 9 && $0 == 0) }
                scores.append(classes.map { model.dice(arm: "baseline", budget: "tr1", combination: comb, volume: v, classIndex: $0) }
                    .reduce(0, +) / Double(classes.count))
            }
        }
        let mean = scores.reduce(0, +) / 8
        let std = (scores.map { ($0 - mean) * ($0 - mean) }.reduce(0, +) / 7).squareRoot()
        let cell = "\(NumberText.fixed(mean, decimals: 3)) ± \(NumberText.fixed(std, decimals: 3)) (8)"
        let baseline = try #require(c.grid.arms.first)
        #expect(ResultsSection.cellText(c, baseline, c.grid.budgets[0]) == cell)
        let readme = SharedReport.report.readme
        #expect(readme.contains("| baseline "))
        #expect(readme.contains(cell))
        #expect(readme.contains("1 of \(3 * 4 * (f.plan.filter { $0.stage == .finetune }.count)) class scores"))

        // The statistics table's p for global-GD at tr1 is SciPy-Wilcoxon on the same pairs, in the same order.
        let gd = try #require(c.grid.arms.first { $0.id == "global-GD" })
        let cmp = try PairedComparison(gd, baseline, budget: c.grid.budgets[0], grid: c.grid)
        let x = ["c1", "c2"].flatMap { comb in (6...9).map { v in
            (0..<3).map { model.dice(arm: "global-GD", budget: "tr1", combination: comb, volume: v, classIndex: $0) }.reduce(0, +) / 3 } }
        let direct = try WilcoxonSignedRank(x, scores)
        #expect(cmp.pairCount == 8 && cmp.pValue == direct.pValue && cmp.test?.statistic == direct.statistic)
    }

    @Test("the per-training table: each run's mean of its per-volume scores by combination and seed, with its best step's place")
    func perTrainingTable() throws {
        let c = SharedReport.context
        let readme = SharedReport.report.readme
        let part = try #require(readme.components(separatedBy: "### Per training").dropFirst().first?.components(separatedBy: "### Dice per class").first)
        #expect(part.contains("tr1 (1 labelled volume):") && part.contains("tr2 (2 labelled volumes):"))
        let seed = try #require(c.experiment.grid.seeds.first)
        #expect(part.contains("| method ") && part.contains(" c1 s\(seed) |") && part.contains(" c2 s\(seed) |"))
        let model = ReportFixture.ScoreModel()
        // baseline at tr1, c2 (no both-empty class there): the mean of its 4 volumes' 3-class means; best
        // step 15 of the fixture's 20 steps: 75 %.
        let scores = (6...9).map { v in (0..<3).map { model.dice(arm: "baseline", budget: "tr1", combination: "c2", volume: v, classIndex: $0) }.reduce(0, +) / 3 }
        let run = try #require(c.grid.runs(c.grid.arms[0], "tr1").first { $0.combination == "c2" })
        #expect(abs(run.meanDice - scores.reduce(0, +) / 4) < 1e-12)
        #expect(ResultsSection.runText(run) == NumberText.fixed(scores.reduce(0, +) / 4, decimals: 3) + " (75 %)")
        let row = try #require(part.components(separatedBy: "\n").first { $0.hasPrefix("| baseline ") })
        #expect(row.contains(ResultsSection.runText(run)), "\(row)")
        #expect(part.contains("Benchmark (trall, 4 labelled volumes), by seed: s\(seed) "), "\(part)")

        // per-run.csv: the same run's row, with its coordinates and convergence measures.
        let csv = String(decoding: try #require(SharedReport.report.files.first { $0.name == "per-run.csv" }).bytes, as: UTF8.self)
        let lines = csv.split(whereSeparator: \.isNewline).map(String.init)
        #expect(lines.count == c.grid.runs.count + 1)
        let header = lines[0].split(separator: ",").map(String.init)
        let fields = try #require(lines.first { $0.hasPrefix("baseline_tr1_c2_s\(seed),") }).split(separator: ",", omittingEmptySubsequences: false).map(String.init)
        let field = { (name: String) in fields[header.firstIndex(of: name)!] }
        #expect(field("mean_foreground_dice") == NumberText.roundTrip(run.meanDice) && field("scored_volumes") == "4")
        #expect(field("best_step") == "15" && field("training_first_step") == "0" && field("training_last_step") == "19")
        #expect(field("best_step_percent") == "75" && field("may_not_have_converged") == "0" && field("not_flattened") == "0")
        #expect(field("late_validation_gain") == run.lateValidationGain.map(NumberText.roundTrip) ?? "NaN")
    }

    @Test("a run whose best step is late is counted and listed in the header, with its late validation gain; the per-training table shows where")
    func lateBestStep() throws {
        let f = SharedReport.fixture
        let key = "global-GD_tr1_c1_s7"
        // Validations at 0, 5, 10, 15, 19 of steps 0…19: the best at 19 (95 %); the last 20 % (16…19)
        // hold 19's 0.9, the 20 % before (12…15) 15's 0.7: a gain of +0.2.
        let entries = SharedReport.entries.map { e -> RunInventory.Entry in
            guard e.planned.runKey == key, var record = e.record else { return e }
            record.curves.validationSteps = [0, 5, 10, 15, 19]
            record.curves.validationDice = [0.1, 0.4, 0.6, 0.7, 0.9]
            record.curves.bestStep = 19
            return RunInventory.Entry(planned: e.planned, status: e.status, record: record, contentSHA256: e.contentSHA256)
        }
        let c = try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries), options: f.options())
        let readme = try ReportBuilder.render(c).readme
        let runs = c.grid.runs.count
        #expect(readme.contains("**1 of \(runs) fine-tuning runs may not have converged**"), "\(readme.prefix(2000))")
        #expect(readme.contains("1 of \(runs) have not flattened"))
        let row = try #require(readme.components(separatedBy: "\n").first { $0.hasPrefix("| \(key) ") })
        #expect(row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) } == [key, "19", "0–19", "+0.200"], "\(row)")
        let run = try #require(c.grid.runs.first { $0.runKey == key })
        #expect(run.bestStepPercent == 95 && readme.contains(ResultsSection.runText(run)) && ResultsSection.runText(run).hasSuffix(" (95 %)"))
    }

    @Test("claim 4 says when its budgets' gains rest on different trainings (a partial grid), and not when they rest on the same")
    func claim4NamesItsTrainings() throws {
        let f = SharedReport.fixture
        func claim4(_ skip: Set<String>) throws -> String {
            let entries = SharedReport.entries.filter { !skip.contains($0.planned.runKey) }
            return try #require(try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: entries))).first { $0.number == 4 }).reason
        }
        #expect(!(try claim4([])).contains("rest on different trainings"))
        let seed = try #require(f.experiment.grid.seeds.first)
        let partial = try claim4(["global-GD_tr2_c1_s\(seed)", "global-GR_tr2_c1_s\(seed)", "global-GD+local-LR_tr2_c1_s\(seed)"])
        #expect(partial.contains("The budgets' gains rest on different trainings (tr1: c1 s\(seed), c2 s\(seed); tr2: c2 s\(seed))"), "\(partial)")
    }

    @Test("missing runs are listed at the top and counted in their cells; the report still renders")
    func missingRuns() throws {
        let f = SharedReport.fixture
        let local = try #require(f.plan.first { $0.stage == .pretrainLocal })
        let skip: Set<String> = ["intensity_tr2_c1_s7", local.runKey]
        let entries = SharedReport.entries.map { e in
            skip.contains(e.planned.runKey) ? RunInventory.Entry(planned: e.planned, status: .missing, record: nil, contentSHA256: nil) : e
        }
        let c = try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries), options: f.options())
        let report = try ReportBuilder.render(c)
        #expect(report.readme.contains("**2 of \(f.plan.count) planned runs are not complete.**"))
        #expect(report.readme.contains("| intensity_tr2_c1_s7 "))
        #expect(report.readme.contains("| \(local.runKey) "))
        #expect(report.readme.contains("[1/2 runs]"))
        // The per-training table shows the missing run as —, its c2 twin with its score.
        let tr2Table = try #require(report.readme.components(separatedBy: "tr2 (2 labelled volumes):").dropFirst().first?.components(separatedBy: "\n\n").dropFirst().first)
        let intensityRow = try #require(tr2Table.components(separatedBy: "\n").first { $0.hasPrefix("| intensity ") })
        let twin = try #require(c.grid.runs(c.grid.arms.first { $0.id == "intensity" }!, "tr2").first)
        let cells = intensityRow.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        #expect(cells == ["intensity", "—", ResultsSection.runText(twin)], "\(intensityRow)")
        #expect(report.readme.contains("the first figure draws their means as open markers"))
        // The incomplete cell's mean is an open point; every complete cell's is filled.
        let chart = PlotsSection.diceVersusBudgetChart(c.grid, PlotsSection.armColours(c.grid), c.grid.budgets)
        let points = chart.series.flatMap { s in s.points.map { (s.name, Int($0.x), $0.open) } }
        let tr2 = try #require(c.grid.budgets.firstIndex { $0.key == "tr2" })
        #expect(points.filter(\.2).map { "\($0.0)@\($0.1)" } == ["intensity@\(tr2)"])
        #expect(points.count > 1)
        #expect(!report.figures.contains { $0.name == "local-similarity.png" })
        #expect(report.readme.contains("No local pre-training run file holds decoder features"))
    }

    @Test("an ablation over S gets its own table (every pre-trained arm at each value, random init as reference); the main table and the claims keep the shared arms only")
    func ablationTable() throws {
        let f = try ReportFixture(name: "ablation", extra: "[ablation]\nsetting = \"stage.pretrain-global.partitions\"\nvalues = [2, 4]")
        defer { f.remove() }
        try f.writeRuns()
        let rendered = try ReportBuilder.render(try f.context())
        let readme = rendered.readme
        // Its plot: one line per pre-trained arm and budget, random init dashed.
        let figure = try #require(rendered.figures.first { $0.name == "ablation-S.png" })
        #expect(readme.contains("![Mean test Dice against S"))
        if let dir = ProcessInfo.processInfo.environment["REPORTS_EXAMPLE_DIR"] { try figure.canvas.writePNG(to: dir + "/ablation-S.png") }
        let section = try #require(readme.components(separatedBy: "### Ablation: S (`stage.pretrain-global.partitions`)").dropFirst().first?
            .components(separatedBy: "## 2.").first)
        let table = section.replacingOccurrences(of: " +", with: " ", options: .regularExpression)
        for row in ["| baseline | — |", "| global-GD | 2 |", "| global-GD | 4 |",
                    "| global-GD+local-LR | 2 |", "| global-GD+local-LR+intensity | 4 |"] {
            #expect(table.contains(row), "\(row) missing from the ablation table")
        }
        // G^R ignores partitions: planned once, a shared arm of the main table.
        #expect(!table.contains("| global-GR |"))
        // The main table: the first table of section 1.
        let sectionOne = try #require(readme.components(separatedBy: "## 1.").dropFirst().first)
        let main = sectionOne.split(separator: "\n").drop { !$0.hasPrefix("|") }.prefix { $0.hasPrefix("|") }.joined(separator: "\n")
        #expect(!main.contains("@S=") && main.contains("| baseline ") && main.contains("| global-GR ") && main.contains("| rotation "))
        // The per-class tables and the paired tests include the ablated arms; the claims do not.
        let sections = readme.components(separatedBy: "\n## ")
        let stats = try #require(sections.first { $0.hasPrefix("2.") }), claims = try #require(sections.first { $0.hasPrefix("6.") })
        let perClass = try #require(readme.components(separatedBy: "### Dice per class").dropFirst().first)
        #expect(perClass.contains("| global-GD@S=2 ") && stats.contains("| global-GD@S=4 ") && !claims.contains("@S="))
        #expect(readme.contains("global-GD@S=2_tr1_c1_s7"), "the run list names every run")
        // Without an ablation the section is absent (the golden file holds the rest).
        #expect(!SharedReport.report.readme.contains("### Ablation"))
    }

    @Test("a run file made from other data (its recorded volume hashes differ from the plan's) is out of date, named by volume")
    func dataChangedRuns() throws {
        let f = SharedReport.fixture
        var planned = try #require(f.plan.first { $0.runKey == "intensity_tr1_c1_s7" })
        let volumes = try #require(planned.volumes)
        planned.volumes = volumes.map { v in
            var v = v
            if v.id == "006" { v.labelSHA256 = String(repeating: "0", count: 64) }
            return v
        }
        let strict = RunInventory.load([planned], includeStale: false).entries[0]
        #expect(strict.status == .dataChanged(volumes: ["006 (label)"]))
        #expect(strict.record == nil && strict.isStale)
        #expect(RunInventory.load([planned], includeStale: true).entries[0].record != nil)
        let entries = SharedReport.entries.map { $0.planned.runKey == planned.runKey ? strict : $0 }
        let c = try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries), options: f.options())
        #expect(try ReportBuilder.render(c).readme.contains("out of date: made from other data (volumes 006 (label))"))
    }

    @Test("a run file holding another config is out of date: left out by default, used and marked with --include-stale")
    func staleRuns() throws {
        let f = SharedReport.fixture
        let planned = try #require(f.plan.first { $0.runKey == "intensity_tr1_c1_s7" })
        var record = try #require(SharedReport.entries.first { $0.planned.runKey == planned.runKey }?.record)
        record.configJSON = record.configJSON.replacingOccurrences(of: "\"seed\":7", with: "\"seed\":8")
        var moved = planned
        moved.output = "\(f.directory)/stale/\(planned.runKey).h5"
        try FileManager.default.createDirectory(atPath: "\(f.directory)/stale", withIntermediateDirectories: true)
        try RunFileWriter.write(record, to: moved.output)
        let strict = RunInventory.load([moved], includeStale: false).entries[0]
        #expect(strict.status == .stale(differingKeys: ["seed"]) && strict.record == nil && strict.contentSHA256 != nil)
        let loose = RunInventory.load([moved], includeStale: true).entries[0]
        #expect(loose.isStale && loose.record == record)
        #expect(RunInventory.load([planned], includeStale: false).entries[0].status == .complete)

        func context(_ entry: RunInventory.Entry, stale: Bool) throws -> ReportContext {
            let entries = SharedReport.entries.map { $0.planned.runKey == planned.runKey ? entry : $0 }
            return try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries),
                                     options: f.options(includeStale: stale))
        }
        let strictReadme = try ReportBuilder.render(try context(strict, stale: false)).readme
        #expect(strictReadme.contains("out of date: config differs in seed"))
        let looseContext = try context(loose, stale: true)
        #expect(looseContext.grid.runs.contains { $0.runKey == planned.runKey && $0.stale })
        let looseReadme = try ReportBuilder.render(looseContext).readme
        #expect(looseReadme.contains("‡") && looseReadme.contains("--include-stale") && looseReadme.contains("(used)"))
    }

    @Test("claim verdicts follow the numbers: the fixture's effects support claims 1–4, and flipping them flips the verdicts")
    func claimsFlip() throws {
        let f = SharedReport.fixture
        func verdicts(_ model: ReportFixture.ScoreModel) throws -> [ClaimEvaluation.Verdict] {
            let entries = try f.plan.map { p in
                RunInventory.Entry(planned: p, status: .complete, record: try f.record(p, model), contentSHA256: nil)
            }
            return try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: entries))).map(\.verdict)
        }
        var model = ReportFixture.ScoreModel()
        model.bothEmpty = []
        #expect(try verdicts(model) == [.supported, .supported, .supported, .supported])

        var worse = model
        worse.effect["global-GD"] = ["tr1": -0.06, "tr2": -0.05]        // G^D now loses to random init
        worse.effect["global-GD+local-LR"] = ["tr1": -0.1, "tr2": -0.08] // and the local stage loses to G^D alone
        worse.effect["global-GD+local-LR+intensity"] = ["tr1": -0.2, "tr2": -0.2]
        let flipped = try verdicts(worse)
        #expect(flipped[0] == .notSupported && flipped[1] == .notSupported && flipped[2] == .notSupported)

        var growing = model
        growing.effect["global-GD+local-LR"] = ["tr1": 0.1, "tr2": 0.14]  // the gain grows with the budget
        #expect(try verdicts(growing)[3] == .notSupported)

        var flat = model
        flat.effect["global-GD"] = ["tr1": 0, "tr2": 0]                   // no gain at all: nothing established
        let flatVerdicts = try verdicts(flat)
        #expect(flatVerdicts[0] == .inconclusive || flatVerdicts[0] == .notSupported)
        #expect(flatVerdicts[3] == .inconclusive)
    }

    @Test("per-training differences: one per (combination, seed), each the mean of that training's paired volume differences")
    func trainingDifferences() throws {
        let g = try ScoreGrid(inventory: RunInventory(entries: SharedReport.entries))
        let gd = try #require(g.arms.first { $0.id == "global-GD" }), baseline = try #require(g.baseline)
        let tr1 = try #require(g.budgets.first { $0.key == "tr1" })
        let cmp = try PairedComparison(gd, baseline, budget: tr1, grid: g)
        #expect(cmp.trainingDifferences.map(\.combination) == ["c1", "c2"] && cmp.trainingDifferences.allSatisfy { $0.seed == 7 })
        let control = Dictionary(uniqueKeysWithValues: g.volumeScores(baseline, "tr1").map { ($0.key, $0.score) })
        for t in cmp.trainingDifferences {
            let d = g.volumeScores(gd, "tr1").filter { $0.key.combination == t.combination }.map { $0.score - control[$0.key]! }
            #expect(abs(t.meanDifference - d.reduce(0, +) / Double(d.count)) < 1e-12)
        }
        // Equal volumes per training: the trainings' mean is the overall mean difference.
        #expect(abs(cmp.trainingDifferences.map(\.meanDifference).reduce(0, +) / 2 - cmp.meanDifference) < 1e-12)
        #expect(cmp.trainingDifferencesText.hasPrefix("c1 s7 ") && cmp.trainingDifferencesText.contains(", c2 s7 "))
        #expect(cmp.trainingsAgreeing(with: .better) == (count: 2, of: 2))
    }

    @Test("claim 3 sets pre-training with the default augmentation against augmentation alone (the baseline) as well as against no augmentation")
    func claim3AugmentationAlone() throws {
        let f = try ReportFixture(name: "claim3", methods: ["baseline", "global", "global+local", "global+local-noaug", "benchmark"])
        defer { f.remove() }
        let entries = try f.plan.map { p in
            RunInventory.Entry(planned: p, status: .complete, record: try f.record(p, .init()), contentSHA256: nil)
        }
        let claim3 = try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: entries)))[2]
        let pairs = claim3.rows.map { "\($0.comparison.treatment.id) vs \($0.comparison.control.id) \($0.comparison.budget.key)" }
        #expect(pairs == ["global-GD+local-LR vs global-GD+local-LR-noaug tr1", "global-GD+local-LR vs global-GD+local-LR-noaug tr2",
                          "global-GD+local-LR vs baseline tr1", "global-GD+local-LR vs baseline tr2"])
    }

    @Test("rendering into the same directory again removes the files an earlier render wrote and this one does not, and nothing else")
    func leftoversRemoved() throws {
        let dir = "\(SharedReport.fixture.directory)/rerender"
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try SharedReport.report.write(to: dir)
        let manifest = "\(dir)/\(RenderedReport.manifestName)"
        try Data("old-figure.png\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/old-figure.png"))
        try Data("mine\n".utf8).write(to: URL(fileURLWithPath: "\(dir)/notes.txt"))
        try (try String(contentsOfFile: manifest, encoding: .utf8) + "old-figure.png\n").write(toFile: manifest, atomically: true, encoding: .utf8)
        try SharedReport.report.write(to: dir)
        #expect(!FileManager.default.fileExists(atPath: "\(dir)/old-figure.png"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/notes.txt"))
        #expect(FileManager.default.fileExists(atPath: "\(dir)/per-volume.csv") && FileManager.default.fileExists(atPath: "\(dir)/README.md"))
        #expect(try String(contentsOfFile: manifest, encoding: .utf8).split(separator: "\n").count
                == SharedReport.report.files.count + SharedReport.report.figures.count)
    }

    @Test("a partial grid (no tr2 run files): the figures leave tr2 out and say so, the main table names the present runs, the claims name tr2 as untested")
    func partialGridRender() throws {
        let f = SharedReport.fixture
        let entries = SharedReport.entries.map { e in
            e.planned.runKey.contains("_tr2_") ? RunInventory.Entry(planned: e.planned, status: .missing, record: nil, contentSHA256: nil) : e
        }
        let report = try ReportBuilder.render(try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries),
                                                                options: f.options()))
        #expect(report.readme.contains("No run files yet at tr2: left out of the figures below."))
        #expect(!report.figures.contains { $0.name == "curves-tr2.png" } && report.figures.contains { $0.name == "curves-tr1.png" })
        #expect(report.readme.contains("The run files present so far come from combinations c1, c2 and seed 7"))
        #expect(report.readme.contains("tr2: ") && report.readme.contains("lack run files on one side or both"))
        #expect(report.readme.contains("[0/2 runs]"))
    }

    @Test("a cell without any run file at a plotted budget is counted apart from the incomplete ones and not drawn")
    func emptyCellNotDrawn() throws {
        let f = SharedReport.fixture
        let entries = SharedReport.entries.map { e in
            e.planned.runKey.hasPrefix("intensity_tr1_") ? RunInventory.Entry(planned: e.planned, status: .missing, record: nil, contentSHA256: nil) : e
        }
        let c = try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: entries), options: f.options())
        let readme = try ReportBuilder.render(c).readme
        #expect(readme.contains("1 cell at the plotted budgets has no run file yet and is not drawn."))
        #expect(!readme.contains("of the plotted cells hold fewer runs than planned"))
        let chart = PlotsSection.diceVersusBudgetChart(c.grid, PlotsSection.armColours(c.grid), c.grid.budgets)
        let intensity = try #require(chart.series.first { $0.name == "intensity" })
        let tr1 = try #require(c.grid.budgets.firstIndex { $0.key == "tr1" })
        #expect(!intensity.points.contains { Int($0.x) == tr1 } && intensity.points.allSatisfy { !$0.open })
    }

    @Test("a significant comparison agrees with a training whose mean difference points its way; a zero agrees with neither; the text names the ones that do not hold in every training")
    func perTrainingAgreement() {
        #expect(PairedComparison.agreeing([0.02, -0.01, 0], .better) == 1)
        #expect(PairedComparison.agreeing([0.02, -0.01, 0], .worse) == 1)
        #expect(PairedComparison.agreeing([0.02, -0.01], .notSignificant) == 0)
        #expect(PaperClaims.perTrainingSentence([]) == "")
        #expect(PaperClaims.perTrainingSentence([(label: "x vs y at tr1", agreement: (count: 2, of: 2))])
                == " Of the 1 significant comparison, 1 goes the same way in every training (combination, seed).")
        #expect(PaperClaims.perTrainingSentence([(label: "x vs y at tr1", agreement: (count: 2, of: 2)), (label: "z vs y at tr2", agreement: (count: 1, of: 2))])
                == " Of the 2 significant comparisons, 1 goes the same way in every training (combination, seed); these do not: z vs y at tr2 (1 of 2 trainings).")
    }

    @Test("claims the grid cannot test say so")
    func untestableClaims() throws {
        let f = SharedReport.fixture
        let entries = try f.plan.filter { $0.method == "baseline" || $0.method == "benchmark" }.map { p in
            RunInventory.Entry(planned: p, status: .complete, record: try f.record(p, .init()), contentSHA256: nil)
        }
        let claims = try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: entries)))
        #expect(claims.map(\.verdict) == [.notTestable, .notTestable, .notTestable, .notTestable])
        #expect(claims[0].reason.contains("no fine-tuning from G^D or G^D-"))

        // Every arm planned, only the baseline's and benchmark's files present: not testable, because files are missing.
        let partial = try f.plan.map { p in
            p.method == "baseline" || p.method == "benchmark"
                ? RunInventory.Entry(planned: p, status: .complete, record: try f.record(p, .init()), contentSHA256: nil)
                : RunInventory.Entry(planned: p, status: .missing, record: nil, contentSHA256: nil)
        }
        let waiting = try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: partial)))
        #expect(waiting.map(\.verdict) == [.notTestable, .notTestable, .notTestable, .notTestable])
        #expect(waiting.allSatisfy { $0.reason.contains("run files missing") })

        // Every file but tr2's: the claims are judged on tr1 and name the budget they could not test.
        let tr1Only = try f.plan.map { p in
            p.runKey.contains("_tr2_") ? RunInventory.Entry(planned: p, status: .missing, record: nil, contentSHA256: nil)
                : RunInventory.Entry(planned: p, status: .complete, record: try f.record(p, .init()), contentSHA256: nil)
        }
        let half = try PaperClaims.evaluate(ScoreGrid(inventory: RunInventory(entries: tr1Only)))
        #expect(half[1].verdict != .notTestable)
        #expect(half[1].untested.contains { $0.hasPrefix("tr2: ") && $0.contains("lack run files") })
    }

    @Test("published values: differences shown per cell; bad files are refused with the file, key and problem")
    func published() throws {
        let f = SharedReport.fixture
        let path = "\(f.directory)/published.toml"
        try """
            format = 1
            source = "made up for a test"
            checked_by = "nobody: test data"
            metric = "mean foreground Dice"

            [[cell]]
            method = "global-GD"
            budget = "tr1"
            mean = 0.5
            std = 0.1

            [[cell]]
            method = "mixup"
            budget = "tr1"
            mean = 0.7
            """.write(toFile: path, atomically: true, encoding: .utf8)
        let c = try ReportContext(experiment: f.experiment, split: f.split, inventory: RunInventory(entries: SharedReport.entries),
                                  options: f.options(published: path))
        let readme = try ReportBuilder.render(c).readme
        let gd = c.grid.summary(c.grid.arms.first { $0.id == "global-GD" }!, "tr1").summary.mean
        #expect(readme.contains("| global-GD | tr1    |"))
        #expect(readme.contains(NumberText.signed(gd - 0.5)))
        #expect(readme.contains("Published values with no cell in this experiment (not compared): mixup at tr1."))
        #expect(readme.contains("`cseg report \(f.directory)/fixture.toml --out \(f.directory)/report --published \(path)`"))

        func error(_ text: String) -> String {
            do { _ = try PublishedValues.parse(text, path: "p.toml", sha256: ""); return "no error" } catch { return "\(error)" }
        }
        let head = "format = 1\nsource = \"s\"\nchecked_by = \"c\"\n"
        #expect(error(head + "metric = \"Dice\"\n[[cell]]\nmethod = \"a\"\nbudget = \"tr1\"\nmean = 0.5\n")
                == "p.toml: metric: must be \"mean foreground Dice\" (the score this report tables), got \"Dice\"")
        #expect(error(head + "metric = \"mean foreground Dice\"\n[[cell]]\nmethod = \"a\"\nbudget = \"tr1\"\nmaen = 0.5\n")
                == "p.toml: cell[0].maen: unknown key (valid here: method, budget, mean, std); did you mean \"cell[0].mean\"?")
        #expect(error(head + "metric = \"mean foreground Dice\"\n[[cell]]\nmethod = \"a\"\nbudget = \"tr1\"\nmean = 81.2\n")
                == "p.toml: cell[0].mean: must be a Dice in [0, 1], got 81.2")
        #expect(error("format = 1\nsource = \"s\"\nmetric = \"mean foreground Dice\"\n[[cell]]\nmethod = \"a\"\nbudget = \"tr1\"\nmean = 0.5\n")
                == "p.toml: checked_by: missing required key")
    }
}
