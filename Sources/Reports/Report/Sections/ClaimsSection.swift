/// Section 6: the paper's four claims (method-spec §7), each with a verdict computed from this
/// experiment's scores and the comparisons behind it.
enum ClaimsSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument) throws {
        doc.heading("6. The paper's four claims on this data", level: 2)
        doc.paragraph(c.commandLine() + "\n\n" + c.sourceLine(c.entries(stage: .finetune), what: "fine-tuning",
                                                              reads: "`/metrics`, per-volume scores as in section 1"))
        doc.paragraph("""
            Each claim is a family of paired comparisons (Wilcoxon signed-rank on per-volume scores, paired by combination, \
            seed and test volume, as in section 2), Holm-adjusted within the claim. Verdicts are computed: **supported** when \
            every comparison favours the claim at adjusted p < 0.05; **not supported** when at least one goes significantly \
            against it; **inconclusive** otherwise (differences not significant, or too few pairs for any p below 0.05); \
            **not testable** when the grid lacks what the claim needs. A verdict holds for this data, at this scale and with \
            these n, and says nothing about the paper's data.

            The pairs are test volumes within a few trainings per arm (one per combination and seed), and the test takes them \
            as independent: its p-values leave out how much a result moves from one training to the next, so a verdict is a \
            screen. The column *Δ per training* gives the mean difference in each training pair; a difference carried by one \
            training shows there. Holm's adjustment runs within each claim only, not across the claims or with section 2, so \
            the same comparison can carry a different adjusted p in another family. *mean* and *against mean* are over the n \
            paired scores, which can differ from section 1's cell means when one side has runs the other lacks. At the \
            preset's step count the smallest budget may not have converged (docs/experiments.md): a gain there can be partly \
            a faster start rather than a better end point.
            """)
        for claim in try PaperClaims.evaluate(c.grid) {
            doc.heading("Claim \(claim.number): \(claim.statement)", level: 3)
            doc.paragraph("**Verdict: \(claim.verdict.rawValue).** \(claim.reason)")
            let rows = claim.rows.filter { $0.comparison.pairCount > 0 }
            if !rows.isEmpty {
                var t = MarkdownTable(columns: [.init("method"), .init("against"), .init("budget"), .init("n", .right), .init("mean", .right),
                                                .init("against mean", .right), .init("mean Δ", .right), .init("median Δ", .right),
                                                .init("Δ per training"), .init("p", .right), .init("p (Holm)", .right), .init("outcome")])
                for r in rows {
                    let cmp = r.comparison
                    t.addRow([cmp.treatment.id, cmp.control.id, cmp.budget.key, "\(cmp.pairCount)", NumberText.fixed(cmp.treatmentMean, decimals: 3),
                              NumberText.fixed(cmp.controlMean, decimals: 3), NumberText.signed(cmp.meanDifference),
                              NumberText.signed(cmp.medianDifference), cmp.trainingDifferencesText,
                              NumberText.pValue(cmp.pValue), NumberText.pValue(r.adjustedP),
                              r.outcome.rawValue])
                }
                doc.table(t)
            }
            if !claim.untested.isEmpty && claim.verdict != .notTestable {
                doc.paragraph("Not tested here: " + claim.untested.joined(separator: "; ") + ".")
            }
        }
    }
}
