/// Input a statistic cannot be computed from; `context` names what was being summarised (a table cell,
/// a file) so the message says where the bad numbers came from.
public struct StatisticsError: Error, CustomStringConvertible, Equatable {
    public let context: String
    public let problem: String
    public init(_ context: String, _ problem: String) {
        self.context = context
        self.problem = problem
    }
    public var description: String { "\(context): \(problem)" }
}
