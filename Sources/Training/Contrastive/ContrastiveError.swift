/// A pool or batch request the contrastive samplers cannot serve. The description starts with the
/// volume (or pool) concerned, so a researcher can find the offending case.
public struct ContrastiveError: Error, CustomStringConvertible, Equatable {
    public let subject: String
    public let problem: String

    public init(_ subject: String, _ problem: String) {
        self.subject = subject
        self.problem = problem
    }

    public var description: String { "\(subject): \(problem)" }
}
