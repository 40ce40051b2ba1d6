/// A report that cannot be made: names the file (run file, experiment, published-values file) and the
/// problem ("<path>: <problem>").
public struct ReportError: Error, CustomStringConvertible, Equatable {
    public let path: String
    public let problem: String
    public init(_ path: String, _ problem: String) {
        self.path = path
        self.problem = problem
    }
    public var description: String { "\(path): \(problem)" }
}
