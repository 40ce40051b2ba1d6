import Foundation
import Imaging
import Planning
import RunStore

/// The top of the report: how to regenerate it, which runs are missing, and the provenance of everything
/// below (experiment, split and data hashes, code, libraries, machine, wall time).
enum HeaderSection {
    static func render(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        let e = c.experiment
        doc.heading("Report: \(e.name)")
        doc.paragraph("""
            Regenerate this report and its figures from the run files (no training): `\(c.reportCommand)`. \
            Regenerate the run files: `\(c.runCommand)` (\(c.inventory.entries.count) runs; `cseg plan \(Shell.quote(e.path))` lists them). \
            Everything below is computed from the run files and the experiment's data; the same files give the same bytes.
            """)
        missingRuns(c, &doc)
        convergence(c, &doc)

        doc.heading("Provenance", level: 2)
        doc.paragraph("`\(c.reportCommand)`")
        let used = c.inventory.used.compactMap(\.record)
        var items: [String] = []
        items.append("experiment: `\(e.path)` (name \(e.name), preset \(e.preset.rawValue)), SHA-256 `\(e.sha256)`")
        items.append("split: `\(c.split.path)`, SHA-256 `\(c.split.sha256)`; " + splitAgreement(c, used))
        items.append(dataLine(c, used))
        items += distinct(used, "harness") { "\($0.provenance.harnessVersion) at commit \($0.provenance.gitCommit)" + ($0.provenance.gitDirty ? " with uncommitted changes" : " (clean)") }
        items += distinct(used, "toolchain") { $0.provenance.toolchain }
        items += distinct(used, "libraries") { r in r.provenance.libraries.map { $0.version.hasPrefix($0.name) ? $0.version : "\($0.name) \($0.version)" }.joined(separator: "; ") }
        items += distinct(used, "OpenBLAS") { "core \($0.provenance.openBLASCore), \($0.provenance.openBLASThreads) thread(s); engine threads \($0.provenance.engineThreads)" }
        items += distinct(used, "CPU") { $0.provenance.cpuModel }
        items.append(wallTime(c))
        doc.bulletList(items)
    }

    static func missingRuns(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        let archived = c.inventory.entries.filter { $0.isUsed && $0.isArchived }
        if !archived.isEmpty {
            let place = c.experiment.archive.map { " (under `\($0)`)" } ?? ""
            doc.paragraph("\(archived.count) of \(c.inventory.entries.count) runs are read from their archived copies\(place): the run file without "
                          + "its weights, each weight array kept as its SHA-256, naming the run file's content and results hashes "
                          + "(docs/run-file.md). "
                          + (c.options.archive != nil
                             ? "This directory came from `--archive`, not from the experiment, so `\(c.runCommand)` does not read it: it computes "
                               + "every run, and `cseg audit run` on a computed run file and its copy here says whether they hold the same numbers. "
                             : "`cseg run` skips them; `\(c.runCommand) --recompute-archived` computes them again and checks each against its "
                               + "archived copy's results hash: the same numbers on this machine, or a failure naming both hashes. ")
                          + "The appendix lists the run files' hashes.")
        }
        let absent = c.inventory.entries.filter { $0.status != .complete }
        guard !absent.isEmpty else {
            doc.paragraph("All \(c.inventory.entries.count) planned runs are present, verify (schema and content hash) and hold their planned configs and data.")
            return
        }
        let counts = "\(absent.count) of \(c.inventory.entries.count) planned runs are not complete"
        let rule = c.options.includeStale
            ? "Out-of-date files are **used** (--include-stale) and marked; missing and unreadable ones are left out of every number below."
            : "They are left out of every number below; cells list how many of their runs are present."
        doc.paragraph("**\(counts).** \(rule)")
        var t = MarkdownTable(columns: [.init("run"), .init("stage"), .init("status"), .init("file")])
        for a in absent {
            let status: String
            switch a.status {
            case .complete: continue
            case .missing: status = "missing"
            case .stale(let keys): status = "out of date: config differs in \(keys.joined(separator: ", "))" + (a.isUsed ? " (used)" : "")
            case .dataChanged(let volumes): status = "out of date: made from other data (volumes \(volumes.joined(separator: ", ")))" + (a.isUsed ? " (used)" : "")
            case .unreadable(let why): status = "unreadable: \(why)"
            }
            t.addRow([a.planned.runKey, a.planned.stage.rawValue, status, "`\(a.path)`"])
        }
        doc.table(t)
    }

    /// Runs whose best validation step lies in the last 10 % of training: their numbers may understate
    /// what the method reaches with more steps.
    static func convergence(_ c: ReportContext, _ doc: inout MarkdownDocument) {
        let runs = c.grid.runs
        let late = runs.filter(\.mayNotHaveConverged)
        guard !late.isEmpty else {
            if !runs.isEmpty {
                let unflattened = runs.filter(\.mayNotHaveFlattened).count
                doc.paragraph("Every fine-tuning run (\(runs.count)) found its best validation step before the last 10 % of its training steps; "
                              + "\(unflattened) of them in the last 20 % (the preset's flattening criterion, docs/experiments.md).")
            }
            return
        }
        let unflattened = runs.filter(\.mayNotHaveFlattened).count
        doc.paragraph("**\(late.count) of \(runs.count) fine-tuning runs may not have converged**: their best validation step lies in "
                      + "the last 10 % of their training steps, so the validation curve may still have been rising. By the "
                      + "preset's stricter flattening criterion (best step in the last 20 %, docs/experiments.md), "
                      + "\(unflattened) of \(runs.count) have not flattened.")
        var t = MarkdownTable(columns: [.init("run"), .init("best step", .right), .init("steps trained", .right),
                                        .init("validation gain, last 20 %", .right)])
        for r in late {
            let steps = r.lastTraining.map { "\($0.lowerBound)–\($0.upperBound)" } ?? "–"
            t.addRow([r.runKey, "\(r.record.curves.bestStep)", steps, r.lateValidationGain.map { NumberText.signed($0, decimals: 3) } ?? NumberText.missing])
        }
        doc.table(t)
        doc.paragraph("*Validation gain, last 20 %*: the mean validation Dice over the last 20 % of the training's steps minus "
                      + "the mean over the 20 % before. Near 0, the curve is a plateau and its noise put the best step late; "
                      + "clearly positive, it was still rising.")
        if late.contains(where: { ($0.lastTraining?.lowerBound ?? 0) > 0 }) {
            doc.paragraph("Self-training's rounds continue one step axis; a round is judged on its own steps.")
        }
    }

    static func splitAgreement(_ c: ReportContext, _ used: [RunRecord]) -> String {
        let other = used.filter { $0.inputs.splitSHA256 != c.split.sha256 }
        if used.isEmpty { return "no run files to compare with" }
        if other.isEmpty { return "every run file records this hash" }
        return "**\(other.count) run file(s) record another split hash** (\(other.map(\.runKey).prefix(5).joined(separator: ", "))\(other.count > 5 ? ", …" : ""))"
    }

    /// One hash for the data: SHA-256 over "id image-sha label-sha\n" of every volume the runs read, sorted by
    /// id, as the run files record them; and whether the runs agree on each volume's hashes.
    static func dataLine(_ c: ReportContext, _ used: [RunRecord]) -> String {
        var byID: [String: Set<String>] = [:]
        for r in used { for v in r.inputs.volumes { byID[v.id, default: []].insert("\(v.imageSHA256) \(v.labelSHA256)") } }
        guard !byID.isEmpty else { return "data: no run files to read volume hashes from" }
        let conflicts = byID.keys.sorted().filter { byID[$0]!.count > 1 }
        let text = byID.keys.sorted().map { "\($0) \(byID[$0]!.sorted().first!)\n" }.joined()
        let test = Set(c.split.test)
        let testCount = byID.keys.filter(test.contains).count
        var line = "data: \(byID.count) volumes read by the runs (\(testCount) of them test volumes), "
            + "SHA-256 over their recorded image and label hashes `\(ContentHash.sha256(Data(text.utf8)))`"
        line += conflicts.isEmpty ? "; every run records the same hashes for the volumes it shares"
            : "; **the runs disagree on the files of \(conflicts.joined(separator: ", "))** (the data changed between runs)"
        return line
    }

    /// "name: value" when every run agrees, otherwise each value with how many runs have it.
    static func distinct(_ runs: [RunRecord], _ name: String, _ value: (RunRecord) -> String) -> [String] {
        guard !runs.isEmpty else { return ["\(name): no run files"] }
        var counts: [String: Int] = [:]
        for r in runs { counts[value(r), default: 0] += 1 }
        if counts.count == 1 { return ["\(name): \(counts.keys.first!)"] }
        return counts.keys.sorted().map { "\(name) (\(counts[$0]!) of \(runs.count) runs): \($0)" }
    }

    static func wallTime(_ c: ReportContext) -> String {
        func total(_ stage: Stage?) -> (Double, Int) {
            let rs = c.inventory.used.filter { stage == nil || $0.planned.stage == stage! }.compactMap(\.record)
            return (rs.reduce(0.0) { $0 + $1.volatile.timings.reduce(0) { $0 + $1.seconds } }, rs.count)
        }
        let (all, n) = total(nil)
        let parts = [(Stage.pretrainGlobal, "global pre-training"), (.pretrainLocal, "local pre-training"),
                     (.pretrainPretext, "pretext pre-training"), (.finetune, "fine-tuning")]
            .compactMap { s, name -> String? in
                let (t, k) = total(s)
                return k == 0 ? nil : "\(name) \(Duration.text(t)) over \(k) run\(k == 1 ? "" : "s")"
            }
        return "wall time: \(Duration.text(all)) over \(n) runs (\(parts.joined(separator: ", "))), summed from the run files' `/volatile` timings"
    }
}

enum Duration {
    /// "1 h 02 min 05 s", "3 min 07 s", "12.3 s".
    static func text(_ seconds: Double) -> String {
        guard seconds.isFinite else { return NumberText.missing }
        if seconds < 60 { return "\(NumberText.fixed(seconds, decimals: 1)) s" }
        let s = Int(seconds.rounded())
        let (h, m, r) = (s / 3600, (s % 3600) / 60, s % 60)
        func two(_ x: Int) -> String { x < 10 ? "0\(x)" : "\(x)" }
        return h > 0 ? "\(h) h \(two(m)) min \(two(r)) s" : "\(m) min \(two(r)) s"
    }
}
