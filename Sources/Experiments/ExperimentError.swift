/// An experiment file that cannot be used: "<path>: <key path>: <problem>; did you mean "<key>"?".
public struct ExperimentError: Error, CustomStringConvertible, Equatable {
    public let path: String
    /// Dotted TOML key path ("stage.finetune.iterations", "grid.methods[2]"); empty for the whole file.
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
