/// How much a finding matters. `error`: the split leaks or cannot be what it says (the audit exits
/// non-zero); `warning`: a documented defect that can bias results without being a leak of labels;
/// `info`: worth knowing, not wrong.
public enum FindingSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case error, warning, info

    var rank: Int { Self.allCases.firstIndex(of: self)! }
    public static func < (a: Self, b: Self) -> Bool { a.rank < b.rank }
}

/// What the audit checks, one case per rule (data-splits/README.md lists them with their severities).
public enum FindingKind: String, Sendable, Codable, CaseIterable {
    /// A test id in any other list.
    case testOverlap = "test-overlap"
    /// A labelled set shares ids with its own validation list (per key/combination).
    case labelledValidationOverlap = "labelled-validation-overlap"
    /// The benchmark contains one of its own validation ids.
    case benchmarkValidationOverlap = "benchmark-validation-overlap"
    /// The pre-training pool contains one of its own validation ids.
    case poolValidationOverlap = "pool-validation-overlap"
    /// A fine-tuning or benchmark validation id is in the unlabelled pre-training pool (exposure).
    case validationInPool = "validation-in-pool"
    /// Two different ids of one subject group (`subjects.<name>`) in lists that must not share a
    /// volume: an error where the same id would be a leak (test vs any list, a training set vs its own
    /// validation list), a warning where it would be exposure (pool vs a validation list).
    case subjectAcrossRoles = "subject-across-roles"
    case duplicateID = "duplicate-id"
    /// An id whose width or characters differ from the dataset's id form ("000001" for "000").
    case malformedID = "malformed-id"
    /// A well-formed id that is not one of the dataset's cases.
    case unknownID = "unknown-id"
    /// A key whose number differs from its count ("tr22" with 17 ids).
    case countMismatch = "count-mismatch"
    /// An id whose files are not under `--data` by the file's layout rule.
    case missingOnDisk = "missing-on-disk"
    /// A labelled id the pre-training pool does not contain.
    case labelledOutsidePool = "labelled-outside-pool"
    /// A dataset id that is neither test, benchmark, nor benchmark validation (without a benchmark:
    /// in no list at all).
    case noRole = "no-role"
    /// A defect of the source recorded by the transcriber (`source.notes`): reported, not checked.
    case sourceNote = "source-note"
    /// The file could not be read or parsed.
    case unreadable = "unreadable"
}

/// One finding: what, about which ids, in which lists (TOML key paths), in words.
public struct SplitFinding: Sendable, Equatable, Codable {
    public var severity: FindingSeverity
    public var kind: FindingKind
    public var ids: [String]
    public var lists: [String]
    public var message: String

    public init(_ severity: FindingSeverity, _ kind: FindingKind, ids: [String], lists: [String], _ message: String) {
        self.severity = severity
        self.kind = kind
        self.ids = ids
        self.lists = lists
        self.message = message
    }
}
