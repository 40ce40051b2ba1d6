import HDF5

/// Names shared by the writer, the reader and the content hash (the layout is documented in
/// docs/run-file.md; change both together and bump `version`).
public enum RunFileSchema {
    /// Root attribute `schema_version`.
    public static let version: Int64 = 1
    /// Root attribute `format`, so a run file is recognisable without knowing its name.
    public static let format = "ContrastiveSeg run"
    /// Root attribute `format` of an archived run (`RunArchive`): the same layout with each weight array
    /// replaced by its SHA-256, small enough to commit to git.
    public static let archiveFormat = "ContrastiveSeg archived run"
    /// The one group outside the content hash.
    public static let volatileGroup = "volatile"
    /// Root attributes, in the order they are hashed. `content_sha256` itself is not hashed.
    static let hashedRootAttributes = ["format", "run_key", "schema_version", "stage"]
    /// An archived run's, with the hashes of its source: they are what a recomputed run is checked against.
    static let hashedArchiveRootAttributes = ["format", "run_key", "schema_version", "source_content_sha256", "source_results_sha256", "stage"]
    static let contentHashAttribute = "content_sha256"
    /// Root attribute with `RunResultsHash` (absent from files written before it existed); not part of
    /// the content hash, being a function of hashed datasets.
    static let resultsHashAttribute = "results_sha256"
    /// Root attributes of an archived run: the content and results hashes of the run file it was made
    /// from (its own `content_sha256` covers what the archive holds).
    static let sourceContentHashAttribute = "source_content_sha256"
    static let sourceResultsHashAttribute = "source_results_sha256"
    /// Top-level groups holding what a run computed (the results hash's scope).
    static let resultGroups: Set<String> = ["weights", "curves", "metrics", "predictions", "activations", "activations_initial"]
    /// deflate with shuffle for the bulky arrays (weights, activations, predictions); zlib's output is a
    /// pure function of its input and level, so compressed files stay byte-identical run to run.
    static let bulk = HDF5Compression(level: 4)
}
