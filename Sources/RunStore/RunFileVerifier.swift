import HDF5

/// Whether a run file (or an archived run) can be trusted: it reads as schema version 1 with every object
/// in place, and the content hash recomputed from the file equals the stored one.
public enum RunFileVerifier {
    /// Returns the header of a file that verifies; throws a `RunFileError` (or the `HDF5Error` of a file
    /// HDF5 cannot even open) saying what is wrong.
    @discardableResult
    public static func verify(_ path: String) throws -> RunFileHeader {
        _ = try RunFileReader.read(path)
        let file = try HDF5File.open(path)
        defer { file.close() }
        let header = try RunFileReader.header(path)
        let actual = try RunContentHash.compute(file)
        guard actual == header.contentSHA256 else {
            throw RunFileError(path, "content hash mismatch: stored \(header.contentSHA256), computed \(actual) (the file was modified or damaged)")
        }
        if let stored = header.resultsSHA256 {
            let results = try RunResultsHash.compute(file)
            guard results == stored else {
                throw RunFileError(path, "results hash mismatch: stored \(stored), computed \(results) (the file was modified or damaged)")
            }
        }
        return header
    }

    /// What the runner asks before starting a run: is there a verified file at `path` holding exactly this
    /// config? A file that fails verification, or was written for another config, is not complete (the
    /// runner overwrites it atomically).
    public static func isComplete(_ path: String, configJSON: String) -> Bool {
        holds(path, configJSON: configJSON, archive: false)
    }

    /// Whether `path` is an archived run (`RunArchive`) that verifies and holds exactly this config: its
    /// results stand for the run's, though its weights are not there to start another run from.
    public static func isArchived(_ path: String, configJSON: String) -> Bool {
        holds(path, configJSON: configJSON, archive: true)
    }

    private static func holds(_ path: String, configJSON: String, archive: Bool) -> Bool {
        guard let header = try? verify(path), header.isArchive == archive, let file = try? HDF5File.open(path) else { return false }
        defer { file.close() }
        return (try? file.readStrings("config").values) == [configJSON]
    }
}
