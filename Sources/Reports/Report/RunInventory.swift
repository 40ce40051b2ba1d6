import Foundation
import Planning
import RunStore

/// Every run the plan lists, with what is on disk for it. The report is driven by the plan, so a run
/// that is missing, out of date or unreadable is named rather than silently left out.
public struct RunInventory: Sendable {
    public struct Entry: Sendable {
        public enum Status: Sendable, Equatable {
            /// The file verifies (schema, content hash) and holds the planned config.
            case complete
            case missing
            /// The file verifies but holds another config: the listed keys of the config differ.
            case stale(differingKeys: [String])
            /// The file holds the planned config but was made from other data: the volumes whose recorded
            /// hashes differ from today's files (`RunCompletion.changedVolumes`).
            case dataChanged(volumes: [String])
            /// The file exists but cannot be read or does not verify; the reader's message.
            case unreadable(String)
        }
        public let planned: PlannedRun
        public let status: Status
        /// The run as the report uses it: complete files, and stale ones when the caller allows them.
        public let record: RunRecord?
        /// The run file's content hash; for an archived copy, that of the run file it was made from (which
        /// the archive names), so that a report reads the same from either.
        public let contentSHA256: String?
        /// The file read: the planned output, or its archived copy (`RunArchive`) when the output is missing.
        public let path: String

        public init(planned: PlannedRun, status: Status, record: RunRecord?, contentSHA256: String?, path: String? = nil) {
            self.planned = planned
            self.status = status
            self.record = record
            self.contentSHA256 = contentSHA256
            self.path = path ?? planned.output
        }

        public var isUsed: Bool { record != nil }
        /// Read from the run's archived copy rather than its run file.
        public var isArchived: Bool { path != planned.output }
        /// Out of date, by config or by data.
        public var isStale: Bool {
            switch status {
            case .stale, .dataChanged: true
            default: false
            }
        }
    }

    /// In plan order.
    public let entries: [Entry]

    public init(entries: [Entry]) { self.entries = entries }

    /// Reads every planned output; where it is missing or not complete (stale, unreadable) and the
    /// archived copy is complete, the copy, as `cseg run` counts it done. Stale files are reported
    /// always and used only with `includeStale`.
    public static func load(_ plan: [PlannedRun], includeStale: Bool) -> RunInventory {
        RunInventory(entries: plan.map { run in
            let fm = FileManager.default
            let output = fm.fileExists(atPath: run.output) ? entry(run, run.output, includeStale: includeStale) : nil
            if output?.status == .complete { return output! }
            if let archive = run.archive, fm.fileExists(atPath: archive) {
                let copy = entry(run, archive, includeStale: includeStale)
                if copy.status == .complete || output == nil { return copy }
            }
            return output ?? Entry(planned: run, status: .missing, record: nil, contentSHA256: nil, path: run.output)
        })
    }

    static func entry(_ run: PlannedRun, _ path: String, includeStale: Bool) -> Entry {
        do {
            let header = try RunFileVerifier.verify(path)
            let record = try RunFileReader.read(path)
            let contentSHA256 = header.archivedFrom?.contentSHA256 ?? header.contentSHA256
            if record.configJSON == run.configJSON {
                let changed = RunCompletion.changedVolumes(record.inputs, run)
                return Entry(planned: run, status: changed.isEmpty ? .complete : .dataChanged(volumes: changed),
                             record: changed.isEmpty || includeStale ? record : nil, contentSHA256: contentSHA256, path: path)
            }
            let keys = ConfigDifference.keys(record.configJSON, run.configJSON)
            return Entry(planned: run, status: .stale(differingKeys: keys), record: includeStale ? record : nil,
                         contentSHA256: contentSHA256, path: path)
        } catch {
            return Entry(planned: run, status: .unreadable("\(error)"), record: nil, contentSHA256: nil, path: path)
        }
    }

    public var used: [Entry] { entries.filter(\.isUsed) }
    public var notUsed: [Entry] { entries.filter { !$0.isUsed } }
}

/// Which keys of two JSON objects differ (dotted paths, sorted), to say why a run file is out of date.
enum ConfigDifference {
    static func keys(_ a: String, _ b: String) -> [String] {
        guard let x = try? JSONSerialization.jsonObject(with: Data(a.utf8)),
              let y = try? JSONSerialization.jsonObject(with: Data(b.utf8)) else { return ["(config is not JSON)"] }
        var out: [String] = []
        walk(x, y, "", &out)
        return out.sorted()
    }

    private static func walk(_ x: Any, _ y: Any, _ path: String, _ out: inout [String]) {
        if let dx = x as? [String: Any], let dy = y as? [String: Any] {
            for key in Set(dx.keys).union(dy.keys).sorted() {
                let p = path.isEmpty ? key : "\(path).\(key)"
                switch (dx[key], dy[key]) {
                case let (u?, v?): walk(u, v, p, &out)
                default: out.append(p)
                }
            }
            return
        }
        // Leaves and arrays: compared by their canonical serialisation (sorted keys), which is what the file stores.
        func text(_ v: Any) -> Data? { try? JSONSerialization.data(withJSONObject: [v], options: [.sortedKeys]) }
        if text(x) != text(y) || text(x) == nil { out.append(path.isEmpty ? "(whole config)" : path) }
    }
}
