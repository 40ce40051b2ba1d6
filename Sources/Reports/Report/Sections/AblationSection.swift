import Experiments

/// Under section 1, for an experiment with `[ablation]`: each pre-trained arm at every value of the
/// ablated setting (rows) × label budgets, the same cells as the main table, with random init and the
/// benchmark as the reference rows. Nothing is rendered without an ablation.
enum AblationSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument) {
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
                let value = arm.ablation.map { String($0.dropFirst(ablation.setting.symbol.count + 1)) } ?? "?"
                t.addRow([group.id, value] + g.budgets.map { ResultsSection.cellText(c, arm, $0) })
            }
        }
        doc.table(t)
        if let bench = g.benchmarkArm, let bb = g.benchmarkBudget {
            doc.paragraph("Benchmark (\(bb.key), \(bb.labelledCount) labelled volumes): \(ResultsSection.cellText(c, bench, bb)).")
        }
    }
}
