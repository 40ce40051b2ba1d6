import Imaging
import Planning

/// Section 3: Dice against labelled volumes, training and validation curves per budget, and the
/// per-volume distributions.
enum PlotsSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument, figures: inout [ReportFigure]) {
        let g = c.grid
        doc.heading("3. Plots", level: 2)
        doc.paragraph(c.commandLine() + "\n\n" + c.sourceLine(c.entries(stage: .finetune), what: "fine-tuning",
                                                              reads: "`/metrics` and `/curves`"))
        guard !g.runs.isEmpty else {
            doc.paragraph("No fine-tuning run file is present yet: nothing to plot.")
            return
        }
        let colours = armColours(g)
        // Budgets without a single run file are left out rather than drawn as empty axes.
        let withRuns = g.budgets.filter { b in g.arms.contains { !g.runs($0, b.key).isEmpty } }
        let budgets = withRuns.isEmpty ? g.budgets : withRuns
        let unplotted = g.budgets.filter { !budgets.contains($0) }
        let plotted = g.allCells.filter { cell in g.arms.contains(cell.arm) && budgets.contains(cell.budget) }.map { g.summary($0.arm, $0.budget.key) }
        let incomplete = plotted.filter { $0.runsPresent > 0 && !$0.isComplete }, empty = plotted.filter { $0.runsPresent == 0 }
        var caveats: [String] = []
        if !unplotted.isEmpty { caveats.append("No run files yet at \(unplotted.map(\.key).joined(separator: ", ")): left out of the figures below.") }
        if !incomplete.isEmpty {
            caveats.append("\(incomplete.count) of the plotted cells hold fewer runs than planned (marked [k/K runs] in section 1): the first figure "
                           + "draws their means as open markers; the curves and distributions draw them like complete ones.")
        }
        if !empty.isEmpty {
            caveats.append(empty.count == 1 ? "1 cell at the plotted budgets has no run file yet and is not drawn."
                                            : "\(empty.count) cells at the plotted budgets have no run file yet and are not drawn.")
        }
        if !caveats.isEmpty { doc.paragraph(caveats.joined(separator: " ")) }

        doc.heading("Dice against the number of labelled volumes", level: 3)
        figures.append(ReportFigure(name: "dice-vs-budget.png", canvas: diceVersusBudget(g, colours, budgets)))
        doc.image("dice-vs-budget.png", alt: "Mean test Dice per method against labelled volumes, error bars ± 1 std")
        doc.paragraph("Points: the cell means of section 1 (open: a cell with fewer runs than planned, whose mean may come from other "
                      + "combinations and seeds than its neighbours'); bars: ± 1 std over the same (volume, combination, seed) triples. "
                      + "Methods are drawn side by side within each budget so their bars stay apart; the x axis is categorical (budgets in the experiment's order)."
                      + (g.benchmarkArm != nil ? " Dashed: the benchmark's mean." : ""))

        doc.heading("Training loss and validation Dice", level: 3)
        for b in budgets {
            let name = "curves-\(FileName.safe(b.key)).png"
            figures.append(ReportFigure(name: name, canvas: curves(g, b, colours)))
            doc.image(name, alt: "Training loss and validation Dice, \(b.key)")
        }
        doc.paragraph("Left: the training loss (`total` where a run logs several, else its only series), averaged over the runs of each method at "
                      + "the budget and smoothed by a trailing mean over \(smoothingWindow) logged steps. Right: the validation Dice used for model "
                      + "selection (spec §5.5), averaged over the same runs, unsmoothed. Self-training continues the step axis across its rounds.")

        doc.heading("Per-volume distributions", level: 3)
        figures.append(ReportFigure(name: "per-volume-dice.png", canvas: distributions(g, colours, budgets)))
        doc.image("per-volume-dice.png", alt: "Per-volume Dice per method and budget, box and strip plots")
        doc.paragraph("Boxes: quartiles and median of the per-volume scores of each cell (NumPy's linear percentiles), whiskers to the furthest "
                      + "score within 1.5 IQR; every (volume, combination, seed) score is a dot.")
    }

    static let smoothingWindow = 10

    /// Okabe–Ito colours by arm, in table order; the benchmark is black.
    static func armColours(_ g: ScoreGrid) -> [Arm: RGB] {
        var out: [Arm: RGB] = [:]
        // Okabe–Ito's seven colours, then darker and lighter ones, so that a grid of up to 15 arms (the
        // science grid has 12) gives every arm its own colour.
        let palette = Chart.palette.filter { $0 != RGB(0, 0, 0) } + [RGB(120, 120, 120), RGB(150, 80, 30), RGB(90, 40, 140),
                                                                    RGB(0, 140, 140), RGB(170, 170, 0), RGB(255, 120, 170),
                                                                    RGB(100, 110, 255), RGB(120, 200, 90)]
        for (i, a) in g.arms.enumerated() { out[a] = palette[i % palette.count] }
        if let b = g.benchmarkArm { out[b] = RGB(0, 0, 0) }
        return out
    }

    static func diceVersusBudget(_ g: ScoreGrid, _ colours: [Arm: RGB], _ budgets: [Budget]) -> RGBCanvas {
        ChartRenderer.render(diceVersusBudgetChart(g, colours, budgets))
    }

    /// The cell means per arm and budget; a cell with fewer runs than planned is an open point.
    static func diceVersusBudgetChart(_ g: ScoreGrid, _ colours: [Arm: RGB], _ budgets: [Budget]) -> Chart {
        var chart = Chart(title: "Test Dice against labelled volumes", xLabel: "labelled volumes (budget)",
                          yLabel: "mean foreground Dice", xAxis: .categorical(budgets.map { "\($0.labelledCount) (\($0.key))" }),
                          yRange: 0...1, width: 1100, height: 560)
        chart.dodge = min(0.08, 0.7 / Double(max(1, g.arms.count)))
        chart.series = g.arms.map { arm in
            .init(arm.id, points: budgets.enumerated().compactMap { i, b in
                let cell = g.summary(arm, b.key)
                let s = cell.summary
                guard s.count > 0 else { return nil }
                let e = s.standardDeviation.isFinite ? s.standardDeviation : 0
                return .init(Double(i), s.mean, errorLow: s.mean - e, errorHigh: s.mean + e, open: !cell.isComplete)
            }, color: colours[arm])
        }
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            let s = g.summary(bench, bb.key).summary
            if s.count > 0 { chart.referenceLines = [.init("benchmark", y: s.mean)] }
        }
        return chart
    }

    static func curves(_ g: ScoreGrid, _ b: Budget, _ colours: [Arm: RGB]) -> RGBCanvas {
        var loss = Chart(title: "Training loss, \(b.key)", xLabel: "step", yLabel: "loss (smoothed)", width: 760, height: 480)
        var validation = Chart(title: "Validation Dice, \(b.key)", xLabel: "step", yLabel: "mean foreground Dice",
                               yRange: 0...1, width: 760, height: 480)
        for arm in g.arms {
            let runs = g.runs(arm, b.key)
            guard let first = runs.first else { continue }
            let curves = runs.map(\.record.curves)
            let name = first.record.curves.losses.contains { $0.name == "total" } ? "total" : first.record.curves.losses.first?.name
            let sameTrain = curves.filter { $0.trainSteps == first.record.curves.trainSteps }
            if let name {
                let series = sameTrain.compactMap { c in c.losses.first { $0.name == name }?.values }
                if !series.isEmpty {
                    let mean = average(series), smooth = trailingMean(mean, window: smoothingWindow)
                    loss.series.append(.init(arm.id, points: zip(first.record.curves.trainSteps, smooth).map { .init(Double($0), $1) },
                                             style: .line, color: colours[arm]))
                }
            }
            let sameValidation = curves.filter { $0.validationSteps == first.record.curves.validationSteps && !$0.validationDice.isEmpty }
            if !sameValidation.isEmpty {
                let mean = average(sameValidation.map(\.validationDice))
                validation.series.append(.init(arm.id, points: zip(first.record.curves.validationSteps, mean).map { .init(Double($0), $1) },
                                               style: .line, color: colours[arm]))
            }
        }
        // Only the right panel carries the legend; the colours are the same on both.
        for i in loss.series.indices { loss.series[i].name = "" }
        return RGBCanvas.row([ChartRenderer.render(loss), ChartRenderer.render(validation)], gap: 0, background: ChartRenderer.background)
    }

    static func distributions(_ g: ScoreGrid, _ colours: [Arm: RGB], _ budgets: [Budget]) -> RGBCanvas {
        var chart = Chart(title: "Per-volume Dice", xLabel: "labelled volumes (budget)", yLabel: "mean foreground Dice",
                          xAxis: .categorical(budgets.map { "\($0.labelledCount) (\($0.key))" }), yRange: 0...1, width: 1200, height: 560)
        chart.distributions = g.arms.map { arm in
            .init(arm.id, valuesPerCategory: budgets.map { b in g.volumeScores(arm, b.key).map(\.score) }, color: colours[arm])
        }
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            let s = g.summary(bench, bb.key).summary
            if s.count > 0 { chart.referenceLines = [.init("benchmark mean", y: s.mean)] }
        }
        return ChartRenderer.render(chart)
    }

    /// Element-wise mean of equally long series.
    static func average(_ series: [[Double]]) -> [Double] {
        let n = series.map(\.count).min() ?? 0
        return (0..<n).map { i in series.reduce(0.0) { $0 + $1[i] } / Double(series.count) }
    }

    /// Mean of the last `window` values up to each index (fewer at the start).
    static func trailingMean(_ x: [Double], window: Int) -> [Double] {
        var out: [Double] = [], sum = 0.0
        for i in x.indices {
            sum += x[i]
            if i >= window { sum -= x[i - window] }
            out.append(sum / Double(min(i + 1, window)))
        }
        return out
    }
}

/// A PNG of the report: its file name beside README.md and its pixels.
public struct ReportFigure: Sendable {
    public let name: String
    public let canvas: RGBCanvas
}

enum FileName {
    /// Letters, digits, '-', '_' and '.' kept; anything else becomes '_'.
    static func safe(_ s: String) -> String {
        String(s.unicodeScalars.map { $0.properties.isAlphabetic || ("0"..."9").contains($0) || "-_.".unicodeScalars.contains($0)
            ? Character($0) : "_" })
    }
}
