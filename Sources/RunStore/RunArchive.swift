import Crypto
import Foundation
import HDF5

/// The content and results hashes of the run file an archived run was made from.
public struct RunArchiveSource: Sendable, Equatable {
    public var contentSHA256: String
    /// Its stored results hash, or for a file that predates them, the one computed from it.
    public var resultsSHA256: String
}

/// An archived run: a run file with each weight array replaced by its SHA-256 (docs/run-file.md). It
/// keeps everything a report reads (config, provenance, curves, metrics, predictions, activations) at
/// a tenth of the size at the quick scale, so a grid's results can be committed to git and outlive the machine that
/// computed them. The runner counts an archived run whose config matches as done; a run that needs its
/// weights recomputes it and must reproduce the archived results hash (`source_results_sha256`).
///
/// The archive has its own `content_sha256` over what it holds, so `RunFileVerifier` checks it as it
/// checks a run file; its `format` attribute is `RunFileSchema.archiveFormat`.
public enum RunArchive {
    /// `[V]` strings `name sha256`, in `weights/variables` order.
    static let finalDigests = "weights/final_sha256"
    static let bestDigests = "weights/best_sha256"

    /// Writes the archived form of the verified run file `runFile` to `path` (atomically, as every run
    /// file) and returns the archive's header. Throws if `runFile` does not verify or is an archive.
    @discardableResult
    public static func write(from runFile: String, to path: String) throws -> RunFileHeader {
        let source = try RunFileVerifier.verify(runFile)
        guard !source.isArchive else { throw RunFileError(runFile, "is already an archived run") }
        let record = try RunFileReader.read(runFile)
        let results = try source.resultsSHA256 ?? {
            let file = try HDF5File.open(runFile)
            defer { file.close() }
            return try RunResultsHash.compute(file)
        }()
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try RunFileWriter.write(record, to: path, weights: .digests(source: RunArchiveSource(contentSHA256: source.contentSHA256, resultsSHA256: results)))
        return try RunFileVerifier.verify(path)
    }

    /// `name sha256`, the SHA-256 over the array's float32 values as little-endian bytes (the bytes
    /// `RunContentHash` hashes for it).
    static func digest(_ w: NamedArray) -> String {
        var hasher = SHA256()
        w.values.map { $0.bitPattern.littleEndian }.withUnsafeBytes { hasher.update(bufferPointer: $0) }
        return "\(w.name) " + hasher.finalize().map { String(format: "%02x", $0) }.joined()
    }
}
