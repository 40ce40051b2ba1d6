import Datasets
import Foundation
import TOMLKit

/// Published numbers to set beside ours (`cseg report --published FILE`; format in docs/report.md). The
/// harness ships none: whoever transcribes a table names the source and who checked it against the paper.
public struct PublishedValues: Sendable, Equatable {
    public struct Cell: Sendable, Equatable {
        /// An arm id as the report names rows ("baseline", "global-GD+local-LR").
        public var arm: String
        /// A budget key of the experiment ("tr1"), or the benchmark's key.
        public var budget: String
        public var mean: Double
        public var std: Double?
    }

    public var path: String
    public var sha256: String
    public var source: String
    public var checkedBy: String
    public var cells: [Cell]

    public static func read(_ path: String) throws -> PublishedValues {
        guard let data = FileManager.default.contents(atPath: path) else { throw ConfigFileError(path, "cannot read the file") }
        guard let text = String(data: data, encoding: .utf8) else { throw ConfigFileError(path, "not UTF-8 text") }
        return try parse(text, path: path, sha256: ContentHash.sha256(data))
    }

    public static func parse(_ text: String, path: String, sha256: String) throws -> PublishedValues {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigFileError(path, "line \(error.source.begin.line), column \(error.source.begin.column): not valid TOML: \(error.description)")
        }
        try allowOnly(["format", "source", "checked_by", "metric", "cell"], root, "", path)
        guard root["format"]?.int == 1 else { throw ConfigFileError(path, keyPath: "format", "must be 1") }
        let source = try string("source", root, "", path)
        let checkedBy = try string("checked_by", root, "", path)
        let metric = try string("metric", root, "", path)
        guard metric == "mean foreground Dice" else {
            throw ConfigFileError(path, keyPath: "metric", "must be \"mean foreground Dice\" (the score this report tables), got \"\(metric)\"")
        }
        guard let array = root["cell"]?.array else {
            throw ConfigFileError(path, keyPath: "cell", "missing: list the values as [[cell]] tables")
        }
        var cells: [Cell] = []
        for (i, item) in array.enumerated() {
            let at = "cell[\(i)]"
            guard let t = item.table else { throw ConfigFileError(path, keyPath: at, "must be a table") }
            try allowOnly(["method", "budget", "mean", "std"], t, at, path)
            let mean = try number("mean", t, at, path)
            let std = t["std"] == nil ? nil : try number("std", t, at, path)
            guard (0...1).contains(mean) else { throw ConfigFileError(path, keyPath: "\(at).mean", "must be a Dice in [0, 1], got \(mean)") }
            if let std, !(0...1).contains(std) { throw ConfigFileError(path, keyPath: "\(at).std", "must be in [0, 1], got \(std)") }
            let cell = Cell(arm: try string("method", t, at, path), budget: try string("budget", t, at, path), mean: mean, std: std)
            if cells.contains(where: { $0.arm == cell.arm && $0.budget == cell.budget }) {
                throw ConfigFileError(path, keyPath: at, "a second value for \(cell.arm) at \(cell.budget)")
            }
            cells.append(cell)
        }
        return PublishedValues(path: path, sha256: sha256, source: source, checkedBy: checkedBy, cells: cells)
    }

    private static func allowOnly(_ keys: [String], _ t: TOMLTable, _ at: String, _ path: String) throws {
        try TOMLReader(path: path).allowOnly(keys, in: t, at: at)
    }

    /// A required string with something in it (a source or a checker named by blanks says nothing).
    private static func string(_ key: String, _ t: TOMLTable, _ at: String, _ path: String) throws -> String {
        let r = TOMLReader(path: path)
        let s = try r.string(key, in: t, at: at)
        guard !s.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ConfigFileError(path, keyPath: r.join(at, key), "must be a non-empty string")
        }
        return s
    }

    private static func number(_ key: String, _ t: TOMLTable, _ at: String, _ path: String) throws -> Double {
        let r = TOMLReader(path: path)
        let d = try r.number(try r.value(key, in: t, at: at), r.join(at, key))
        guard d.isFinite else { throw ConfigFileError(path, keyPath: r.join(at, key), "must be a finite number") }
        return d
    }
}
