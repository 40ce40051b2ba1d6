/// Appendix: every planned run with its status and content hash, so each number above can be traced to a file.
enum RunFilesSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        doc.heading("Appendix: run files", level: 2)
        doc.paragraph("`\(c.runCommand)` → `\(c.reportCommand)`\n\nEvery run of the plan in plan order; content SHA-256 of the run file as `cseg` verifies it (everything but `/volatile`); for a run read from its archived copy, the hash of the run file the copy was made from.")
        var t = MarkdownTable(columns: [.init("#", .right), .init("run"), .init("stage"), .init("status"), .init("content SHA-256"), .init("wall time", .right)])
        for e in c.inventory.entries {
            let status: String
            switch e.status {
            case .complete: status = e.isArchived ? "complete (archived)" : "complete"
            case .missing: status = "missing"
            case .stale, .dataChanged: status = e.isUsed ? "out of date (used)" : "out of date"
            case .unreadable: status = "unreadable"
            }
            let seconds = e.record.map { r in r.volatile.timings.reduce(0.0) { $0 + $1.seconds } }
            t.addRow(["\(e.planned.index)", e.planned.runKey, e.planned.stage.rawValue, status,
                      e.contentSHA256.map { "`\($0)`" } ?? NumberText.missing, seconds.map(Duration.text) ?? NumberText.missing])
        }
        doc.table(t)
    }
}
