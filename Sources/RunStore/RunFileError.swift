/// A run file that cannot be written, read or trusted: "<path>: <problem>".
public struct RunFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String

    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }

    public var description: String { "\(path): \(problem)" }
}

/// A recomputed run whose numbers are not those of its archived copy (`RunFileWriter.write(_:to:reproducing:)`).
public struct RunResultsMismatch: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// The archived copy's `source_results_sha256`.
    public let expected: String
    public let actual: String
    public var description: String { "\(path): results hash \(actual), expected \(expected); nothing was written" }
}
