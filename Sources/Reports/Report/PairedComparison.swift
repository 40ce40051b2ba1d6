/// One arm against another at one budget, paired by (combination, seed, test volume): the paired
/// Wilcoxon signed-rank test (SciPy's defaults) on the per-volume scores, with the differences a reader
/// wants next to a p-value.
public struct PairedComparison: Sendable {
    public let treatment: Arm
    public let control: Arm
    public let budget: Budget
    /// Pairs where both arms have a score.
    public let pairCount: Int
    public let treatmentMean: Double
    public let controlMean: Double
    /// Mean and median of treatment − control over the pairs.
    public let meanDifference: Double
    public let medianDifference: Double
    /// nil without pairs.
    public let test: WilcoxonSignedRank?
    /// Mean treatment − control per training pair (combination, seed), in key order: the pairs of the test
    /// are test volumes within these trainings, so this is what says whether a difference holds across
    /// trainings or comes from one of them.
    public let trainingDifferences: [TrainingDifference]

    public struct TrainingDifference: Sendable {
        public let combination: String
        public let seed: UInt64
        public let meanDifference: Double
    }

    /// Below this many pairs no two-sided p can fall under 0.05: with n = 5 the smallest exact p is 2/2⁵ = 0.0625.
    public static let minimumPairsForSignificance = 6
    public static let alpha = 0.05

    public init(_ treatment: Arm, _ control: Arm, budget: Budget, grid: ScoreGrid) throws {
        // One score per key by construction (one run per combination and seed); the first wins if not.
        let t = Dictionary(grid.volumeScores(treatment, budget.key).map { ($0.key, $0.score) }, uniquingKeysWith: { a, _ in a })
        let keyed = grid.volumeScores(control, budget.key).compactMap { c in t[c.key].map { (key: c.key, x: $0, y: c.score) } }
        let pairs = keyed.map { (x: $0.x, y: $0.y) }
        var trainings: [TrainingDifference] = []
        var i = 0
        while i < keyed.count {   // keyed is sorted by (combination, seed, volume)
            var j = i
            while j < keyed.count && keyed[j].key.combination == keyed[i].key.combination && keyed[j].key.seed == keyed[i].key.seed { j += 1 }
            trainings.append(TrainingDifference(combination: keyed[i].key.combination, seed: keyed[i].key.seed,
                                                meanDifference: SampleSummary(keyed[i..<j].map { $0.x - $0.y }).mean))
            i = j
        }
        trainingDifferences = trainings
        self.treatment = treatment
        self.control = control
        self.budget = budget
        pairCount = pairs.count
        let x = pairs.map(\.x), y = pairs.map(\.y)
        let d = pairs.map { $0.x - $0.y }
        treatmentMean = SampleSummary(x).mean
        controlMean = SampleSummary(y).mean
        meanDifference = SampleSummary(d).mean
        medianDifference = Median.of(d)
        test = pairs.isEmpty ? nil
            : try WilcoxonSignedRank(x, y, context: "\(treatment.id) vs \(control.id), \(budget.key)")
    }

    public var pValue: Double { test?.pValue ?? .nan }

    /// "c1 s1 +0.012, c1 s2 −0.093".
    public var trainingDifferencesText: String {
        trainingDifferences.map { ScoreGrid.trainingLabel($0.combination, $0.seed) + " " + NumberText.signed($0.meanDifference) }.joined(separator: ", ")
    }

    /// Trainings whose mean difference points the way `outcome` says (above 0 for better, below 0 for
    /// worse; a training with no difference agrees with neither), of all trainings with pairs.
    public func trainingsAgreeing(with outcome: Outcome) -> (count: Int, of: Int) {
        (Self.agreeing(trainingDifferences.map(\.meanDifference), outcome), trainingDifferences.count)
    }

    static func agreeing(_ differences: [Double], _ outcome: Outcome) -> Int {
        switch outcome {
        case .better: differences.filter { $0 > 0 }.count
        case .worse: differences.filter { $0 < 0 }.count
        default: 0
        }
    }
    public var canReachSignificance: Bool { pairCount >= Self.minimumPairsForSignificance }

    /// How the comparison came out at `alpha` on a (possibly adjusted) p-value.
    public enum Outcome: String, Sendable {
        case better = "better", worse = "worse", notSignificant = "no significant difference"
        case tooFewPairs = "too few pairs", noPairs = "no pairs"
    }

    public func outcome(p: Double) -> Outcome {
        guard pairCount > 0 else { return .noPairs }
        guard canReachSignificance else { return .tooFewPairs }
        guard p.isFinite, p < Self.alpha, let t = test else { return .notSignificant }
        // The direction the test detected: which rank sum dominates (the signed-rank analogue of the sign of z).
        if t.rankSumPositive > t.rankSumNegative { return .better }
        if t.rankSumPositive < t.rankSumNegative { return .worse }
        return .notSignificant
    }
}
