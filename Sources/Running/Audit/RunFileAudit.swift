import Datasets
import Foundation
import HDF5
import Planning
import RunStore

/// `cseg audit run FILE.h5…`: can this stored result be trusted and traced (docs/audit.md)?
///
/// Errors (exit status 1): the file fails schema or content-hash verification; the split file or a data
/// file on disk no longer has the SHA-256 the run recorded, or is missing. Warnings: the run was made
/// from a dirty tree, with another OpenBLAS core, thread count or library version, or by another harness
/// version than this process; it was made from a leaking split (--allow-leaks); the pre-training file it
/// started from now holds another result. Notes: another commit; what could not be checked.
public enum RunFileAudit {
    public enum Level: String, Sendable { case ok, note, warning, error }

    public struct Line: Sendable, Equatable {
        public var level: Level
        public var message: String
    }

    public struct Report: Sendable, Equatable {
        public var path: String
        public var lines: [Line]
        /// The results hash recomputed from the file (nil if it does not verify).
        public var resultsSHA256: String? = nil
        public var hasErrors: Bool { lines.contains { $0.level == .error } }

        public var text: String {
            ([path] + lines.map { "  \($0.level.rawValue.padding(toLength: 7, withPad: " ", startingAt: 0)) \($0.message)" })
                .joined(separator: "\n")
        }
    }

    /// `splitPath`: the split file to re-hash (nil: not checked); `dataRoot`: where the volumes are
    /// (nil: the run's recorded `/volatile/data_root`).
    public static func audit(_ path: String, splitPath: String?, dataRoot: String?, current: RunProvenance) -> Report {
        var lines: [Line] = []
        func add(_ level: Level, _ message: String) { lines.append(Line(level: level, message: message)) }
        let record: RunRecord
        let results: String
        do {
            let header = try RunFileVerifier.verify(path)
            record = try RunFileReader.read(path)
            let file = try HDF5File.open(path)
            defer { file.close() }
            add(.ok, "schema version \(header.schemaVersion), content hash \(header.contentSHA256.prefix(16))… verifies (\(header.stage) run \(header.runKey))")
            if let source = header.archivedFrom {
                // Its weights are digests only, so the results hash is the one its run file recorded.
                results = source.resultsSHA256
                add(.ok, "archived copy (weights as SHA-256 digests) of the run file with content hash \(source.contentSHA256.prefix(16))…; "
                    + "results hash \(results.prefix(16))… as that file recorded it")
            } else {
                results = try RunResultsHash.compute(file)
                add(.ok, "results hash \(results.prefix(16))… (weights, curves, metrics, predictions, activations; provenance and timings excluded)\(header.resultsSHA256 == nil ? ", computed: the file predates stored results hashes" : "")")
            }
        } catch {
            add(.error, "does not verify: \(error)")
            return Report(path: path, lines: lines)
        }
        checkSplit(record, splitPath, add)
        checkData(record, dataRoot, add)
        for finding in record.inputs.splitAuditFindings {
            add(.warning, "made from a leaking split (allowed by --allow-leaks): \(finding)")
        }
        checkProvenance(record.provenance, current, add)
        checkDependencies(record, path, add)
        return Report(path: path, lines: lines, resultsSHA256: results)
    }

    /// Across the files of one audit: a file whose results hash equals an earlier file's holds the same
    /// numbers (whatever commit, machine or run key made it); with several files, one that matches none
    /// is noted. Reports come back in their order with these lines appended.
    public static func compareResults(_ reports: [Report]) -> [Report] {
        guard reports.count > 1 else { return reports }
        return reports.enumerated().map { i, report in
            guard let hash = report.resultsSHA256 else { return report }
            var r = report
            let twins = reports.indices.filter { $0 != i && reports[$0].resultsSHA256 == hash }
            if let first = twins.first {
                let more = twins.count > 1 ? " and \(twins.count - 1) more" : ""
                r.lines.append(Line(level: .ok, message: "same numbers as \(reports[first].path)\(more) (results hash \(hash.prefix(16))…)"))
            } else {
                r.lines.append(Line(level: .note, message: "no other file of this audit holds the same numbers"))
            }
            return r
        }
    }

    static func checkSplit(_ record: RunRecord, _ splitPath: String?, _ add: (Level, String) -> Void) {
        guard let splitPath else {
            add(.note, "split file not checked (give --experiment or --split); the run recorded sha256 \(record.inputs.splitSHA256.prefix(16))…")
            return
        }
        do {
            let sha = try ContentHash.sha256(fileAt: splitPath)
            if sha == record.inputs.splitSHA256 {
                add(.ok, "split \(splitPath): sha256 matches")
            } else {
                add(.error, "\(splitPath): sha256 \(sha), the run recorded \(record.inputs.splitSHA256) (the split file changed since the run)")
            }
        } catch {
            add(.error, "\(splitPath): cannot read the split file (\(error))")
        }
    }

    static func checkData(_ record: RunRecord, _ dataRoot: String?, _ add: (Level, String) -> Void) {
        let root = dataRoot ?? record.volatile.dataRoot
        let relativeNote = dataRoot == nil && !root.hasPrefix("/")
            ? " (the run recorded the relative root \"\(root)\", made before roots were stored absolute: it is read against this working directory; give --data or --experiment)" : ""
        struct Layout: Decodable { struct D: Decodable { var layout: DatasetLayoutKind }; var dataset: D }
        guard let layout = try? JSONDecoder().decode(Layout.self, from: Data(record.configJSON.utf8)).dataset.layout else {
            add(.error, "the run's config names no dataset layout: data files not checked")
            return
        }
        let dataset: Dataset
        do {
            dataset = try Dataset(kind: layout, root: root)
        } catch {
            add(.error, "\(error)\(relativeNote.isEmpty ? (dataRoot == nil ? " (the root recorded in /volatile/data_root; give --data or --experiment)" : "") : relativeNote)")
            return
        }
        var mismatches = 0
        for v in record.inputs.volumes {
            do {
                let files = try dataset.files(for: v.id)
                for (file, recorded) in [(files.image, v.imageSHA256), (files.label, v.labelSHA256)] {
                    let sha = try ContentHash.sha256(fileAt: file)
                    if sha != recorded {
                        mismatches += 1
                        add(.error, "\(file): sha256 \(sha), the run recorded \(recorded) (volume \(v.id) changed since the run)")
                    }
                }
            } catch {
                mismatches += 1
                add(.error, "volume \(v.id): \(error)")
            }
        }
        if mismatches == 0 {
            add(.ok, "data: the \(2 * record.inputs.volumes.count) files of \(record.inputs.volumes.count) volumes under \(root) match the recorded sha256")
        }
    }

    static func checkProvenance(_ p: RunProvenance, _ current: RunProvenance, _ add: (Level, String) -> Void) {
        if p.gitDirty {
            add(.warning, "made from a dirty tree: commit \(p.gitCommit) had uncommitted changes, so the commit does not identify the code")
        }
        if p.harnessVersion != current.harnessVersion {
            add(.warning, "made by cseg \(p.harnessVersion); this is cseg \(current.harnessVersion)")
        }
        // OpenBLAS's core and thread count decide bits only where OpenBLAS computed the products.
        if p.usesOpenBLAS && current.usesOpenBLAS {
            if p.openBLASCore != current.openBLASCore {
                add(.warning, "made with OpenBLAS core \(p.openBLASCore); this process uses \(current.openBLASCore) (kernels round differently: a rerun here is not bit-identical)")
            }
            if p.openBLASThreads != current.openBLASThreads {
                add(.warning, "made with \(p.openBLASThreads) OpenBLAS thread(s); this process uses \(current.openBLASThreads) (some kernels round differently with another count)")
            }
        } else if p.usesOpenBLAS != current.usesOpenBLAS {
            add(.warning, "made with matrix kernels \(p.matrixKernels); this process uses \(current.matrixKernels) (they round differently: a rerun here is not bit-identical)")
        }
        for lib in p.libraries {
            guard let now = current.libraries.first(where: { $0.name == lib.name }), now.version != lib.version else { continue }
            add(.warning, "made with \(lib.name) \(lib.version); this process links \(now.version)")
        }
        if p.gitCommit != current.gitCommit {
            add(.note, "made from commit \(p.gitCommit); this binary was built from \(current.gitCommit)")
        }
    }

    /// Pre-training dependencies, looked up where the runner puts them (`<output>/pretrain/`, next to the
    /// file's `runs/` or `pretrain/` directory) by run key and content hash, or by results hash: a
    /// pre-training run recomputed elsewhere, or archived from such a recomputation, has the same numbers.
    static func checkDependencies(_ record: RunRecord, _ path: String, _ add: (Level, String) -> Void) {
        guard !record.inputs.dependencies.isEmpty else { return }
        // Absolute first: "runs/x.h5" has no grandparent to strip, and would point at /pretrain.
        let absolute = resolve(path, against: FileManager.default.currentDirectoryPath)
        let output = ((absolute as NSString).deletingLastPathComponent as NSString).deletingLastPathComponent
        let dir = "\(output)/pretrain"
        let headers = ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".h5") }.sorted()
            .compactMap { name in (try? RunFileReader.header("\(dir)/\(name)")).map { ("\(dir)/\(name)", $0) } }
        // The numbers a file holds: its own results hash, or for an archived copy its source's.
        func results(_ h: RunFileHeader) -> String? { h.archivedFrom?.resultsSHA256 ?? h.resultsSHA256 }
        for d in record.inputs.dependencies {
            let sameKey = headers.filter { $0.1.runKey == d.runKey }
            if let match = sameKey.first(where: { $0.1.contentSHA256 == d.contentSHA256 }) {
                add(.ok, "started from \(d.runKey): \(match.0) has the recorded content hash")
            } else if let match = sameKey.first(where: { $0.1.archivedFrom?.contentSHA256 == d.contentSHA256 }) {
                add(.ok, "started from \(d.runKey): \(match.0) is the archived copy of the file with the recorded content hash")
            } else if let recorded = d.resultsSHA256,
                      let match = sameKey.first(where: { results($0.1) == recorded }) {
                add(.ok, "started from \(d.runKey): \(match.0) \(match.1.isArchive ? "is the archived copy of" : "is") a recomputation with the recorded "
                    + "results hash \(recorded.prefix(16))… (the same numbers; other provenance)")
            } else if let other = sameKey.first {
                let why = d.resultsSHA256 == nil
                    ? "the pre-training run was redone since; this file predates recorded results hashes, so whether it has the same numbers cannot be told from the files"
                    : "the pre-training run was redone since, with other numbers: results hash \(d.resultsSHA256!.prefix(16))… recorded, "
                      + "\(results(other.1).map { String($0.prefix(16)) + "…" } ?? "none") there"
                add(.warning, "started from \(d.runKey) with content hash \(d.contentSHA256.prefix(16))…, but \(other.0) now holds \(other.1.contentSHA256.prefix(16))… (\(why))")
            } else {
                add(.note, "started from \(d.runKey) (content hash \(d.contentSHA256.prefix(16))…): no such file in \(dir)")
            }
        }
    }
}
