import Planning

/// Section 2: each method against the baseline of the same budget, paired per (volume, combination, seed),
/// and the differences to published values when a file of them is given.
enum StatisticsSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument) throws {
        let g = c.grid
        doc.heading("2. Paired tests against the baseline", level: 2)
        doc.paragraph(c.commandLine() + "\n\n" + c.sourceLine(c.entries(stage: .finetune), what: "fine-tuning",
                                                              reads: "`/metrics`, per-volume scores as in section 1"))
        if let baseline = g.baseline {
            // The ablated arms too: each value of the setting against random init, in the same Holm family.
            let comparisons = try (g.arms + g.ablatedArms).filter { $0 != baseline }.flatMap { arm in
                try g.budgets.filter { g.plannedRunCount(arm, $0.key) > 0 }.map { try PairedComparison(arm, baseline, budget: $0, grid: g) }
            }
            if comparisons.isEmpty {
                doc.paragraph("The grid has no method besides the baseline.")
            } else {
                let holm = HolmAdjustment.adjust(comparisons.map(\.pValue))
                var t = MarkdownTable(columns: [.init("method"), .init("budget"), .init("n", .right), .init("mean", .right),
                                                .init("baseline", .right), .init("median Δ", .right), .init("mean Δ", .right),
                                                .init("Δ per training"), .init("W", .right), .init("p", .right), .init("p (Holm)", .right),
                                                .init("test"), .init("note")])
                for (k, cmp) in comparisons.enumerated() {
                    t.addRow([cmp.treatment.id, cmp.budget.key, "\(cmp.pairCount)", NumberText.fixed(cmp.treatmentMean, decimals: 3),
                              NumberText.fixed(cmp.controlMean, decimals: 3), NumberText.signed(cmp.medianDifference), NumberText.signed(cmp.meanDifference),
                              cmp.trainingDifferences.isEmpty ? NumberText.missing : cmp.trainingDifferencesText,
                              cmp.test.map { NumberText.fixed($0.statistic, decimals: 1) } ?? NumberText.missing,
                              NumberText.pValue(cmp.pValue), NumberText.pValue(holm[k]), cmp.test.map { testName($0.method) } ?? NumberText.missing,
                              note(cmp)])
                }
                doc.table(t)
                doc.paragraph("""
                    Paired Wilcoxon signed-rank test of each method against `\(baseline.id)` at the same budget, pairs matched by \
                    (combination, seed, test volume), as SciPy's `wilcoxon(x, y)` with its defaults (two-sided; zero differences \
                    dropped before ranking; exact, permutation or normal method as SciPy chooses). W = min(R+, R−); Δ = method − \
                    baseline in per-volume Dice; *Δ per training* is its mean in each training pair (combination, seed). p (Holm) \
                    adjusts the \(comparisons.filter { $0.pValue.isFinite }.count) tests of this table that have a p-value together \
                    (this table is its own family; section 6 adjusts each claim on its own). With fewer \
                    than \(PairedComparison.minimumPairsForSignificance) pairs no two-sided p can fall below 0.05 (n = 5 gives at least \
                    0.0625), and the note says so. Pairs that share a test volume (across combinations and seeds) are not independent, \
                    which the test assumes: read the p-values as a screen, not as confirmatory evidence.
                    """)
            }
        } else {
            doc.paragraph("The grid has no `baseline`: there is nothing to test the methods against.")
        }
        publishedValues(c, &doc)
    }

    static func testName(_ m: WilcoxonSignedRank.Method) -> String {
        switch m {
        case .exact: "exact"
        case .permutation: "permutation"
        case .asymptotic: "normal approx."
        }
    }

    static func note(_ cmp: PairedComparison) -> String {
        if cmp.pairCount == 0 { return "no pairs (cell empty on one side)" }
        if !cmp.canReachSignificance { return "n < \(PairedComparison.minimumPairsForSignificance): cannot reach p < 0.05" }
        if cmp.test?.pValue.isNaN == true { return "every difference is zero" }
        return ""
    }

    static func publishedValues(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        doc.heading("Differences to published values", level: 3)
        guard let p = c.published else {
            doc.paragraph("No published values given (`--published FILE`, format in docs/report.md). The harness ships none: a number belongs here only once someone has checked it against its source.")
            return
        }
        doc.paragraph("`\(c.reportCommand)`\n\nPublished values: `\(p.path)` (SHA-256 `\(p.sha256)`), source: \(p.source); checked by: \(p.checkedBy).")
        let g = c.grid
        let cells = g.allCells
        var t = MarkdownTable(columns: [.init("method"), .init("budget"), .init("ours", .right), .init("published", .right), .init("Δ (ours − published)", .right)])
        var unmatched: [String] = []
        for v in p.cells {
            guard let cell = cells.first(where: { $0.arm.id == v.arm && $0.budget.key == v.budget }) else {
                unmatched.append("\(v.arm) at \(v.budget)")
                continue
            }
            let ours = g.summary(cell.arm, cell.budget.key).summary
            let published = NumberText.fixed(v.mean, decimals: 3) + (v.std.map { " ± " + NumberText.fixed($0, decimals: 3) } ?? "")
            t.addRow([v.arm, v.budget, NumberText.meanStd(ours, decimals: 3), published, NumberText.signed(ours.mean - v.mean)])
        }
        if !t.rows.isEmpty { doc.table(t) }
        if !unmatched.isEmpty {
            doc.paragraph("Published values with no cell in this experiment (not compared): \(unmatched.joined(separator: "; ")).")
        }
        doc.paragraph("The published numbers come from other data, code and hardware; a difference says how far this experiment is from them, not which is right.")
    }
}
