import Foundation

/// The audit of one split file, as printed by `cseg audit splits`: file, SHA-256 of its bytes (so a
/// run can cite exactly the split it used), dataset, findings.
public struct SplitAuditReport: Sendable, Equatable, Codable {
    public var file: String
    /// Nil only when the file could not be read.
    public var sha256: String?
    public var dataset: String?
    public var findings: [SplitFinding]

    /// Reads and audits `path`; a file that cannot be read or parsed gives one `unreadable` error.
    public static func audit(path: String, dataRoot: String? = nil) -> SplitAuditReport {
        do {
            let file = try SplitFileParser.read(path)
            return SplitAuditReport(file: path, sha256: file.sha256, dataset: file.dataset.name,
                                    findings: SplitAudit.audit(file, dataRoot: dataRoot))
        } catch {
            return SplitAuditReport(file: path, sha256: try? ContentHash.sha256(fileAt: path), dataset: nil,
                                    findings: [SplitFinding(.error, .unreadable, ids: [], lists: [], "\(error)")])
        }
    }

    public func count(_ severity: FindingSeverity) -> Int { findings.filter { $0.severity == severity }.count }

    public var hasErrors: Bool { count(.error) > 0 }

    /// Human-readable block: header, one line per finding, a tally.
    public var text: String {
        var lines = [file]
        lines.append("  sha256  \(sha256 ?? "(unreadable)")")
        if let dataset { lines.append("  dataset \(dataset)") }
        for f in findings {
            let where_ = f.lists.isEmpty ? "" : "  [\(f.lists.joined(separator: ", "))]"
            lines.append("  \(f.severity.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \(f.kind.rawValue): \(f.message)\(where_)")
        }
        let tally = FindingSeverity.allCases.map { s in "\(count(s)) \(s.rawValue)\(count(s) == 1 || s == .info ? "" : "s")" }
        lines.append("  " + tally.joined(separator: ", "))
        return lines.joined(separator: "\n")
    }
}

extension SplitAuditReport {
    /// Reports as a JSON array with sorted keys (stable for diffs and scripts); findings keep the
    /// audit's order.
    public static func json(_ reports: [SplitAuditReport]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(reports.map(JSONReport.init)), as: UTF8.self)
    }

    /// The JSON shape: the report plus its tally, so scripts need not count.
    private struct JSONReport: Encodable {
        var file: String
        var sha256: String?
        var dataset: String?
        var counts: [String: Int]
        var findings: [SplitFinding]

        init(_ r: SplitAuditReport) {
            file = r.file
            sha256 = r.sha256
            dataset = r.dataset
            counts = Dictionary(uniqueKeysWithValues: FindingSeverity.allCases.map { ($0.rawValue, r.count($0)) })
            findings = r.findings
        }

        func encode(to encoder: Encoder) throws {
            // Explicit nulls: every report has the same keys whether or not the file could be read.
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(file, forKey: .file)
            try c.encode(sha256, forKey: .sha256)
            try c.encode(dataset, forKey: .dataset)
            try c.encode(counts, forKey: .counts)
            try c.encode(findings, forKey: .findings)
        }

        enum CodingKeys: String, CodingKey { case file, sha256, dataset, counts, findings }
    }
}
