import Datasets

/// A training method of the grid, by its stable name (used in run keys, files and reports):
/// `baseline`, `augment`, `self-train`, `mixup`, `benchmark`, `global`, `global+local`, and any
/// pre-training combined with one of `augment`, `self-train`, `mixup` (`global+local+mixup`).
public struct Method: Sendable, Hashable, Codable {
    public enum Pretraining: String, Sendable, Codable { case global, globalLocal = "global+local" }
    public enum Addition: String, Sendable, Codable, CaseIterable { case augment, selfTrain = "self-train", mixup }

    /// nil: random initialisation.
    public var pretraining: Pretraining?
    public var addition: Addition?
    /// The baseline trained on the benchmark (upper-bound) set.
    public var benchmark: Bool

    public static let baseline = Method(pretraining: nil, addition: nil, benchmark: false)

    /// Every valid name, in the order documentation and suggestions list them.
    public static let allNames: [String] = {
        var names = ["baseline", "augment", "self-train", "mixup", "benchmark", "global", "global+local"]
        for p in ["global", "global+local"] { for a in Addition.allCases { names.append("\(p)+\(a.rawValue)") } }
        return names
    }()

    public init(pretraining: Pretraining?, addition: Addition?, benchmark: Bool) {
        self.pretraining = pretraining
        self.addition = addition
        self.benchmark = benchmark
    }

    /// Parses a name from `allNames`; nil otherwise.
    public init?(name: String) {
        guard Self.allNames.contains(name) else { return nil }
        if name == "benchmark" { self.init(pretraining: nil, addition: nil, benchmark: true); return }
        var rest = name
        var pretraining: Pretraining?
        if rest.hasPrefix("global+local") {
            pretraining = .globalLocal
            rest = String(rest.dropFirst("global+local".count))
        } else if rest.hasPrefix("global") {
            pretraining = .global
            rest = String(rest.dropFirst("global".count))
        }
        if pretraining != nil { rest = rest.hasPrefix("+") ? String(rest.dropFirst()) : rest }
        let addition: Addition? = rest.isEmpty || rest == "baseline" ? nil : Addition(rawValue: rest)
        self.init(pretraining: pretraining, addition: addition, benchmark: false)
    }

    public var name: String {
        if benchmark { return "benchmark" }
        let parts = [pretraining?.rawValue, addition?.rawValue].compactMap { $0 }
        return parts.isEmpty ? "baseline" : parts.joined(separator: "+")
    }
}

/// G^R (SimCLR-like), G^D- and G^D (spec §3.3–3.5).
public enum GlobalVariant: String, Sendable, Codable, CaseIterable { case GR, GDminus, GD }
/// L^R and L^D (spec §4.3–4.4).
public enum LocalVariant: String, Sendable, Codable, CaseIterable { case LR, LD }
