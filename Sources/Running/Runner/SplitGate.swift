import Datasets
import Planning

/// The split audit as a gate in front of `cseg run`: only findings about lists this experiment reads
/// count (a leak in the benchmark does not stop a grid without the benchmark).
///
/// - A leak (`test-overlap`, `labelled-validation-overlap`, `benchmark-validation-overlap`, an error
///   `subject-across-roles`) refuses the
///   run, unless `--allow-leaks`; then it is recorded in every run file (`/inputs/split_audit_findings`).
/// - Any other error (duplicate, unknown or malformed id) always refuses: the run could not be what the
///   file says.
/// - Warnings (a validation volume in the pre-training pool …) are reported and the run goes on.
public enum SplitGate {
    public static let leakKinds: Set<FindingKind> = [.testOverlap, .labelledValidationOverlap, .benchmarkValidationOverlap,
                                                     .subjectAcrossRoles]

    public struct Outcome: Sendable, Equatable {
        /// Leaks let through by `allowLeaks`, as recorded in run files ("kind: message [lists]").
        public var recorded: [String]
        /// Warnings about lists the experiment reads, for the log.
        public var warnings: [String]
    }

    public static func check(_ split: SplitFile, experiment e: Experiment, allowLeaks: Bool) throws -> Outcome {
        let used = usedLists(e, split)
        let relevant = SplitAudit.audit(split).filter { isRelevant($0, used) }
        let errors = relevant.filter { $0.severity == .error }
        let defects = errors.filter { !leakKinds.contains($0.kind) }
        if !defects.isEmpty {
            throw RunnerError(split.path, "\(count(defects.count, "error")) in lists this experiment reads: "
                              + defects.map(line).joined(separator: "; ")
                              + ". cseg run refuses a split file with errors (cseg audit splits lists every finding)")
        }
        let leaks = errors.filter { leakKinds.contains($0.kind) }
        if !leaks.isEmpty && !allowLeaks {
            throw RunnerError(split.path, "\(count(leaks.count, "leak")) in lists this experiment reads: "
                              + leaks.map(line).joined(separator: "; ")
                              + ". cseg run refuses a leaking split: fix the file, or pass --allow-leaks to run anyway "
                              + "(the finding is then recorded in every run file, /inputs/split_audit_findings)")
        }
        return Outcome(recorded: leaks.map(line), warnings: relevant.filter { $0.severity == .warning }.map(line))
    }

    /// "kind: message [list, list]".
    static func line(_ f: SplitFinding) -> String {
        "\(f.kind.rawValue): \(f.message)" + (f.lists.isEmpty ? "" : " [\(f.lists.joined(separator: ", "))]")
    }

    static func count(_ n: Int, _ noun: String) -> String { n == 1 ? "1 \(noun)" : "\(n) \(noun)s" }

    /// Key paths of the lists the experiment's runs read (the names findings use).
    static func usedLists(_ e: Experiment, _ split: SplitFile) -> Set<String> {
        var used: Set<String> = ["dataset.ids", "test.ids"]
        let methods = e.grid.methods
        if methods.contains(where: { !$0.benchmark }) {
            for b in e.grid.budgets {
                for c in e.grid.combinations(for: b, in: split) { used.formUnion(["labelled.\(b).\(c).ids", "labelled.\(b).\(c).validation"]) }
            }
        }
        if methods.contains(where: \.benchmark) { used.formUnion(["benchmark.ids", "benchmark.validation"]) }
        if methods.contains(where: { $0.pretraining != nil || $0.addition == .selfTrain }) { used.insert("pool.ids") }
        return used
    }

    /// A test overlap matters when the other list is read (every run reads the test set); exposure of a
    /// validation list to the pool when the pool and that list are both read; any other finding when one
    /// of its lists is.
    static func isRelevant(_ f: SplitFinding, _ used: Set<String>) -> Bool {
        switch f.kind {
        case .testOverlap:
            return f.lists.dropFirst().contains { used.contains($0) }
        case .subjectAcrossRoles:
            // lists: the two conflicting lists, then the subject group.
            return f.lists.prefix(2).allSatisfy { used.contains($0) }
        case .validationInPool, .poolValidationOverlap:
            return used.contains("pool.ids") && f.lists.dropFirst().contains { used.contains($0) }
        default:
            return f.lists.contains { used.contains($0) }
        }
    }
}
