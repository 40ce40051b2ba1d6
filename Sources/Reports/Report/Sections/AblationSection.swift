import Imaging
import Planning

/// Under section 1, for an experiment with `[ablation]`: each pre-trained arm at every value of the
/// ablated setting (rows) × label budgets, the same cells as the main table, with random init and the
/// benchmark as the reference rows. Nothing is rendered without an ablation.
enum AblationSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument, figures: inout [ReportFigure]) {
        let g = c.grid
        guard let ablation = c.experiment.ablation, !g.ablatedArms.isEmpty else { return }
        doc.heading("Ablation: \(ablation.setting.symbol) (`\(ablation.setting.rawValue)`)", level: 3)
        let values = ablation.variants.map { $0.label(ablation.setting) }
        doc.paragraph("""
            The grid was planned once for each value of \(ablation.setting.meaning): \
            \(values.map { "`\($0)`" }.joined(separator: ", ")). The runs the setting reaches (its pre-training stage, the \
            stages after it, and the fine-tuning runs that start from them) carry the value in their run key and config; \
            the other arms are shared by every value and appear in the main table. Cells as in the main table.
            """)
        var t = MarkdownTable(columns: [.init("method"), .init(ablation.setting.symbol, .right)] + g.budgets.map { .init($0.title, .right) })
        if let baseline = g.baseline {
            t.addRow([baseline.id, "—"] + g.budgets.map { ResultsSection.cellText(c, baseline, $0) })
        }
        var groups: [Arm] = []
        for arm in g.ablatedArms where !groups.contains(arm.withoutAblation) { groups.append(arm.withoutAblation) }
        for group in groups {
            for arm in g.ablatedArms where arm.withoutAblation == group {
                t.addRow([group.id, value(arm, ablation)] + g.budgets.map { ResultsSection.cellText(c, arm, $0) })
            }
        }
        doc.table(t)
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            doc.paragraph("Benchmark (\(bb.key), \(bb.labelledCount) labelled volumes): \(ResultsSection.cellText(c, bench, bb)).")
        }
        let name = "ablation-\(FileName.safe(ablation.setting.symbol)).png"
        figures.append(ReportFigure(name: name, canvas: chart(g, ablation, groups: groups)))
        doc.image(name, alt: "Mean test Dice against \(ablation.setting.symbol), per pre-trained arm and budget, error bars ± 1 std")
        doc.paragraph("Points: the cells above, one line per pre-trained arm and budget; bars: ± 1 std; dashed: random init at each budget. "
                      + "The x axis is categorical (the values in the file's order).")
    }

    /// The value of the variant whose label the arm carries ("2" for "S=2"), looked up rather than cut
    /// out of the label; "?" for a run file made with a value the experiment no longer lists.
    static func value(_ arm: Arm, _ ablation: Ablation) -> String {
        ablation.variants.first { $0.label(ablation.setting) == arm.ablation }?.value ?? "?"
    }

    static func chart(_ g: ScoreGrid, _ ablation: Ablation, groups: [Arm]) -> RGBCanvas {
        let values = ablation.variants.map(\.value)
        var chart = Chart(title: "Test Dice against \(ablation.setting.symbol)", xLabel: ablation.setting.symbol,
                          yLabel: "mean foreground Dice", xAxis: .categorical(values), yRange: 0...1, width: 900, height: 520)
        var series: [Chart.Series] = []
        for group in groups {
            for b in g.budgets {
                let points: [Chart.Point] = g.ablatedArms.filter { $0.withoutAblation == group }.compactMap { arm in
                    guard let x = values.firstIndex(of: value(arm, ablation)) else { return nil }
                    let s = g.summary(arm, b.key).summary
                    guard s.count > 0 else { return nil }
                    let e = s.standardDeviation.isFinite ? s.standardDeviation : 0
                    return .init(Double(x), s.mean, errorLow: s.mean - e, errorHigh: s.mean + e)
                }
                if !points.isEmpty { series.append(.init("\(group.id), \(b.key)", points: points, color: Chart.palette[series.count % Chart.palette.count])) }
            }
        }
        chart.series = series
        chart.dodge = min(0.08, 0.7 / Double(max(1, series.count)))
        if let baseline = g.baseline {
            chart.referenceLines = g.budgets.compactMap { b in
                let s = g.summary(baseline, b.key).summary
                return s.count > 0 ? .init("baseline \(b.key)", y: s.mean) : nil
            }
        }
        return ChartRenderer.render(chart)
    }
}
