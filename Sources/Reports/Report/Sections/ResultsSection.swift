import Foundation
import Planning

/// Section 1: the main table (methods × label budgets), the median table, per-class tables for Dice, HD95
/// and ASSD, and the per-volume CSV beside the report.
enum ResultsSection {
    static let csvName = "per-volume.csv"
    static let runCSVName = "per-run.csv"

    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument, files: inout [ReportFile]) {
        let g = c.grid
        doc.heading("1. Test Dice by method and label budget", level: 2)
        doc.paragraph(c.commandLine() + "\n\n" + c.sourceLine(c.entries(stage: .finetune), what: "fine-tuning",
                                                              reads: "`/metrics` (per test volume × class, native resolution)"))
        guard !g.runs.isEmpty else {
            doc.paragraph("No fine-tuning run file is present yet: there is nothing to tabulate.")
            return
        }
        var main = MarkdownTable(columns: [.init("method")] + g.budgets.map { .init($0.title, .right) })
        var medians = MarkdownTable(columns: [.init("method")] + g.budgets.map { .init($0.title, .right) })
        for arm in g.arms {
            main.addRow([arm.id] + g.budgets.map { cellText(c, arm, $0) })
            medians.addRow([arm.id] + g.budgets.map { b in
                guard g.plannedRunCount(arm, b.key) > 0, let box = g.summary(arm, b.key).box else { return NumberText.missing }
                return "\(NumberText.fixed(box.median, decimals: 3)) [\(NumberText.fixed(box.lowerQuartile, decimals: 3)), \(NumberText.fixed(box.upperQuartile, decimals: 3))]"
                    + runsMarker(c, arm, b)
            })
        }
        doc.table(main)
        var notes = [whatTheCellsAre(c)] + [presentRunsText(c)].compactMap { $0 }
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            notes.append("Benchmark (upper bound: the baseline trained on \(bb.key), \(bb.labelledCount) labelled volumes): \(cellText(c, bench, bb)).")
        }
        if g.allCells.contains(where: { !g.summary($0.arm, $0.budget.key).isComplete }) {
            notes.append("[k/K runs]: only k of the cell's K planned runs are present; its n is smaller accordingly.")
        }
        if g.runs.contains(where: \.stale) {
            notes.append("‡: the cell includes run files whose config or data differ from the plan (--include-stale); see the list at the top.")
        }
        doc.paragraph(notes.joined(separator: "\n\n"))
        doc.paragraph("Median [first quartile, third quartile] of the same per-volume scores (NumPy's linear percentiles):")
        doc.table(medians)
        doc.bulletList((g.arms + g.ablatedArms).map { "`\($0.id)`: \($0.meaning)" } + (g.benchmarkArm.map { ["`\($0.id)`: \($0.meaning)"] } ?? []))
        perTraining(c, &doc)

        for metric in ScoreGrid.Metric.allCases {
            doc.heading("\(metric.title) per class", level: 3)
            var t = MarkdownTable(columns: [.init("method"), .init("budget")] + g.classNames.map { .init($0, .right) }
                                  + [.init("both empty", .right)])
            for (arm, budget) in g.allCells {
                let s = g.summary(arm, budget.key)
                t.addRow([arm.id, budget.key + runsMarker(c, arm, budget)] + g.classNames.indices.map { k in
                    NumberText.meanStd(SampleSummary(g.classValues(arm, budget.key, classIndex: k, metric: metric)), decimals: metric.decimals)
                } + ["\(s.bothEmptyClassScores) of \(s.classScores)"])
            }
            doc.table(t)
        }
        doc.paragraph("""
            Per class: mean ± std (n) over the (test volume, combination, seed) triples of the cell, leaving out the \
            cases where reference and prediction are both empty (counted in the last column). HD95 and ASSD follow \
            MedPy 0.5 (spec §11): the surface is the voxels with a face-neighbour outside the mask, distances are between \
            voxel centres in mm, HD95 is the 95th percentile of both directions' distances pooled and ASSD their mean; a \
            structure missed or hallucinated entirely scores Dice 0 and HD95 = ASSD = the image diagonal in mm, never NaN.
            """)
        doc.paragraph("Every score of every run, one row per (run, test volume): [\(csvName)](\(csvName)) (numbers as stored, NaN where both empty). "
                      + "One row per run, with the per-training table's numbers and the convergence measures: [\(runCSVName)](\(runCSVName)).")
        files.append(ReportFile(name: csvName, bytes: Data(perVolumeCSV(c).render().utf8)))
        files.append(ReportFile(name: runCSVName, bytes: Data(perRunCSV(c).render().utf8)))
    }

    /// One table per budget: each run's mean test Dice by (combination, seed), with where its tested
    /// checkpoint lies in its training, so that a reader sees how far one training set or seed moves a
    /// cell and which runs were still improving when they stopped.
    static func perTraining(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        let g = c.grid, e = c.experiment
        doc.heading("Per training", level: 3)
        doc.paragraph("Each run's mean test Dice (the mean of its per-volume scores above) by combination and seed: "
                      + "how much a cell moves from one training set or seed to the next. In brackets, where the tested "
                      + "checkpoint's validation step lies within its training (self-training: within its last round): "
                      + "at 80 % or later the run has not flattened by the preset's criterion, at 90 % or later it may not have converged.")
        for budget in g.budgets {
            let trainings = e.grid.combinations(for: budget.key, in: c.split).flatMap { combo in e.grid.seeds.map { (combo, $0) } }
            var t = MarkdownTable(columns: [.init("method")] + trainings.map { .init(ScoreGrid.trainingLabel($0.0, $0.1), .right) })
            for arm in g.arms + g.ablatedArms where g.plannedRunCount(arm, budget.key) > 0 {
                let runs = g.runs(arm, budget.key)
                t.addRow([arm.id] + trainings.map { combo, seed in
                    runs.first { $0.combination == combo && $0.seed == seed }.map(runText) ?? NumberText.missing
                })
            }
            doc.paragraph("\(budget.title):")
            doc.table(t)
        }
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            let runs = g.runs(bench, bb.key).sorted { $0.seed < $1.seed }
            let text = runs.isEmpty ? "no run file yet" : runs.map { "s\($0.seed) \(runText($0))" }.joined(separator: ", ")
            doc.paragraph("Benchmark (\(bb.key), \(bb.labelledCount) labelled volumes), by seed: \(text).")
        }
    }

    /// "0.720 (57 %)": a run's mean test Dice and its best step's place in its training; ‡ when stale.
    static func runText(_ r: ScoredRun) -> String {
        NumberText.fixed(r.meanDice, decimals: 3) + (r.bestStepPercent.map { " (\($0) %)" } ?? "")
            + (r.stale ? " ‡" : "")
    }

    static func cellText(_ c: ReportContext, _ arm: Arm, _ budget: Budget) -> String {
        let g = c.grid
        guard g.plannedRunCount(arm, budget.key) > 0 else { return "not planned" }
        let s = g.summary(arm, budget.key)
        var text = NumberText.meanStd(s.summary, decimals: 3) + runsMarker(c, arm, budget)
        if g.runs(arm, budget.key).contains(where: \.stale) { text += " ‡" }
        return text
    }

    /// " [k/K runs]" for a cell with only k of its K planned runs, else "".
    static func runsMarker(_ c: ReportContext, _ arm: Arm, _ budget: Budget) -> String {
        let s = c.grid.summary(arm, budget.key)
        return s.isComplete ? "" : " [\(s.runsPresent)/\(s.runsPlanned) runs]"
    }

    /// What the run files present cover, when some are missing: the combinations and seeds of the
    /// non-benchmark runs, so that a reader knows which spread a partial grid's std can hold.
    static func presentRunsText(_ c: ReportContext) -> String? {
        let g = c.grid
        let runs = g.runs.filter { $0.arm != g.benchmarkArm }
        guard !runs.isEmpty, g.allCells.contains(where: { !g.summary($0.arm, $0.budget.key).isComplete }) else { return nil }
        let combos = Set(runs.map(\.combination)).sorted(), seeds = Set(runs.map(\.seed)).sorted()
        var text = "The run files present so far come from combination\(combos.count == 1 ? "" : "s") \(combos.joined(separator: ", ")) "
            + "and seed\(seeds.count == 1 ? "" : "s") \(seeds.map(String.init).joined(separator: ", ")) (cells marked [k/K runs] hold fewer)"
        if combos.count == 1 {
            text += ": with one combination, a cell's spread holds no variation over training sets yet, only over test volumes and seeds"
        }
        return text + "."
    }

    /// The line under the main table: what the score is and what mean and std run over, with the counts.
    static func whatTheCellsAre(_ c: ReportContext) -> String {
        let g = c.grid, e = c.experiment
        let volumes = c.split.test.count
        let seeds = e.grid.seeds.count
        let perBudget = e.grid.budgets.map { ($0, e.grid.combinations(for: $0, in: c.split)) }
        let combos = Set(perBudget.map(\.1.count)).count == 1 ? perBudget.first?.1.count ?? 0 : nil
        let empty = g.allCells.map { g.summary($0.arm, $0.budget.key) }
        let left = empty.reduce(0) { $0 + $1.bothEmptyClassScores }, all = empty.reduce(0) { $0 + $1.classScores }
        let undefined = empty.reduce(0) { $0 + $1.undefinedVolumes }
        let combinationText = if let combos, !e.grid.allCombinations {
            "\(combos) combination\(combos == 1 ? "" : "s") (\(e.grid.combinations.joined(separator: ", ")))"
        } else {
            "every combination the split file lists (" + perBudget.map { "\($0.0): \($0.1.joined(separator: ", "))" }.joined(separator: "; ") + ")"
        }
        let complete = combos.map { "\(volumes * $0 * seeds)" } ?? perBudget.map { "\(volumes * $0.1.count * seeds) at \($0.0)" }.joined(separator: ", ")
        var text = "Each cell: mean ± std (n) of the per-volume score, the mean Dice over the foreground classes "
            + "(\(g.classNames.joined(separator: ", "))) of one test volume at native resolution (spec §5.6), over all "
            + "(test volume, combination, seed) triples of the cell: \(volumes) test volumes × \(combinationText) "
            + "× \(seeds) seed\(seeds == 1 ? "" : "s") (\(e.grid.seeds.map(String.init).joined(separator: ", "))) "
            + "= \(complete) for a complete cell (the benchmark has one combination: \(volumes * seeds)). "
            + "The std is the sample standard deviation (n − 1) of those scores, so it mixes the spread over test volumes, "
            + "training sets and seeds; it is not a standard error. "
            + "Classes empty in both reference and prediction are left out of a volume's mean: \(left) of \(all) class scores."
        if undefined > 0 { text += " \(undefined) volume score(s) had no class left and are not counted in n." }
        let f = e.settings.finetune
        // The step count as the run files record it (out-of-date files may differ from the experiment's).
        let recorded = Dictionary(grouping: g.runs, by: \.iterations).map { (steps: $0.key, runs: $0.value.count) }.sorted { $0.steps < $1.steps }
        let stepsText = recorded.count <= 1 ? "\(recorded.first?.steps ?? f.iterations)"
            : recorded.map { "\($0.steps) (\($0.runs) runs)" }.joined(separator: ", ")
        text += " Each run is scored with the checkpoint of its best validation Dice: \(stepsText) fine-tuning steps, validated "
            + "every \(f.validateEvery) steps and at the last on the combination's validation volumes"
            + (e.grid.methods.contains { $0.addition == .selfTrain }
               ? "; self-training trains \(e.settings.selfTrain.rounds + 1) times in a row (the labelled run, then \(e.settings.selfTrain.rounds) round\(e.settings.selfTrain.rounds == 1 ? "" : "s") with pseudo-labels) and is scored on the last."
               : ".")
        return text
    }

    /// Run key → the content SHA-256 the CSVs name each used run file by ("" if unknown).
    static func contentHashes(_ c: ReportContext) -> [String: String] {
        Dictionary(uniqueKeysWithValues: c.inventory.used.map { ($0.planned.runKey, $0.contentSHA256 ?? "") })
    }

    /// One row per fine-tuning run: its coordinates, its mean test Dice (the per-training table's number),
    /// the training its tested checkpoint comes from and where in it, and the late validation gain.
    static func perRunCSV(_ c: ReportContext) -> CSVTable {
        var csv = CSVTable(header: ["run_key", "method", "budget", "labelled_volumes", "combination", "seed", "out_of_date", "content_sha256",
                                    "mean_foreground_dice", "scored_volumes", "best_step", "training_first_step", "training_last_step",
                                    "best_step_percent", "late_validation_gain", "may_not_have_converged", "not_flattened"])
        let hashes = contentHashes(c)
        for r in c.grid.runs {
            let training = r.lastTraining
            csv.addRow([r.runKey, r.arm.id, r.budget, "\(r.labelledCount)", r.combination, "\(r.seed)", r.stale ? "1" : "0", hashes[r.runKey] ?? "",
                        NumberText.roundTrip(r.meanDice), "\(r.volumes.filter { $0.meanDice.isFinite }.count)", "\(r.record.curves.bestStep)",
                        training.map { "\($0.lowerBound)" } ?? "", training.map { "\($0.upperBound)" } ?? "",
                        r.bestStepPercent.map(String.init) ?? "", r.lateValidationGain.map(NumberText.roundTrip) ?? "NaN",
                        r.mayNotHaveConverged ? "1" : "0", r.mayNotHaveFlattened ? "1" : "0"])
        }
        return csv
    }

    static func perVolumeCSV(_ c: ReportContext) -> CSVTable {
        let g = c.grid
        let classes = g.classNames
        var csv = CSVTable(header: ["run_key", "method", "budget", "labelled_volumes", "combination", "seed", "out_of_date",
                                    "content_sha256", "volume", "mean_foreground_dice"]
                           + classes.map { "dice_\($0)" } + classes.map { "hd95_mm_\($0)" } + classes.map { "assd_mm_\($0)" }
                           + classes.map { "both_empty_\($0)" })
        let hashes = contentHashes(c)
        for r in g.runs {
            for v in r.volumes {
                csv.addRow([r.runKey, r.arm.id, r.budget, "\(r.labelledCount)", r.combination, "\(r.seed)", r.stale ? "1" : "0",
                            hashes[r.runKey] ?? "", v.volumeID, NumberText.roundTrip(v.meanDice)]
                           + v.dice.map(NumberText.roundTrip) + v.hd95.map(NumberText.roundTrip) + v.assd.map(NumberText.roundTrip)
                           + v.bothEmpty.map { $0 ? "1" : "0" })
            }
        }
        return csv
    }
}

/// A non-figure file written beside README.md.
public struct ReportFile: Sendable {
    public let name: String
    public let bytes: Data
}
