/// A TOML file of ours (split file, experiment file) that cannot be used: names the file, the key path
/// inside it and the problem, and the nearest valid key when a key is unknown
/// ("<path>: <key path>: <problem>; did you mean …?").
public struct ConfigFileError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// Dotted TOML key path ("labelled.tr1.c1.validation", "grid.methods[2]"); empty for the whole file.
    public let keyPath: String
    public let problem: String
    public let suggestion: String?

    public init(_ path: String, keyPath: String = "", _ problem: String, suggestion: String? = nil) {
        self.path = path
        self.keyPath = keyPath
        self.problem = problem
        self.suggestion = suggestion
    }

    public var description: String {
        let place = keyPath.isEmpty ? "" : "\(keyPath): "
        let hint = suggestion.map { "; did you mean \"\($0)\"?" } ?? ""
        return "\(path): \(place)\(problem)\(hint)"
    }
}

/// Errors of split files.
public typealias SplitFileError = ConfigFileError
