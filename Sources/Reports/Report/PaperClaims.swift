/// The paper's four claims (method-spec §7), each judged on this experiment's numbers. A claim is a
/// family of paired comparisons; their p-values are Holm-adjusted within the claim, and the verdict is
/// computed from the outcomes, never written in advance:
/// - supported: every comparison favours the claim at adjusted p < 0.05;
/// - not supported: at least one comparison goes significantly against it;
/// - inconclusive: neither (some comparisons not significant, or too few pairs to reach p < 0.05);
/// - not testable: the grid lacks the arms or budgets the claim needs.
public struct ClaimEvaluation: Sendable {
    public enum Verdict: String, Sendable {
        case supported, notSupported = "not supported", inconclusive, notTestable = "not testable"
    }

    public struct Row: Sendable {
        public let comparison: PairedComparison
        public let adjustedP: Double
        public var outcome: PairedComparison.Outcome { comparison.outcome(p: adjustedP) }
    }

    public let number: Int
    public let statement: String
    public let verdict: Verdict
    /// One or two sentences with the numbers behind the verdict.
    public let reason: String
    public let rows: [Row]
    /// Parts of the claim this grid cannot test (arms or budgets it lacks).
    public let untested: [String]
}

public enum PaperClaims {
    public static let statements = [
        "G^D and G^D- initialisation beat random init, G^R and the pretext pre-trainings (rotation, inpainting, context restoration) with 1 and 2 labelled volumes.",
        "Adding the local loss (encoder + l decoder blocks pre-trained) adds a further gain.",
        "Pre-training is complementary to augmentation and semi-supervised learning: combining them gains again.",
        "The gain shrinks as the number of labelled volumes grows (1 → 2 → 8).",
    ]

    public static func evaluate(_ grid: ScoreGrid) throws -> [ClaimEvaluation] {
        [try claim1(grid), try claim2(grid), try claim3(grid), try claim4(grid)]
    }

    static func claim1(_ g: ScoreGrid) throws -> ClaimEvaluation {
        // Claims 1, 2 and 4 are about the paper's regime: every arm trained with the default augmentation.
        let treatments = g.arms.filter { $0.method.pretraining == .global && $0.method.addition == nil && $0.method.augmented
            && [.GD, .GDminus].contains($0.globalVariant) }
        let gr = g.arms.first { $0.method.pretraining == .global && $0.method.addition == nil && $0.method.augmented && $0.globalVariant == .GR }
        let pretext = g.arms.filter { $0.method.pretraining.map { !$0.isContrastive } ?? false && $0.method.augmented }
        let controls = [g.baseline, gr].compactMap { $0 } + pretext
        let budgets = g.budgets.filter { [1, 2].contains($0.labelledCount) }
        var untested: [String] = []
        if treatments.isEmpty { untested.append("no fine-tuning from G^D or G^D- in this grid") }
        for v in ["GD", "GDminus"] where !treatments.contains(where: { $0.globalVariant?.rawValue == v }) && !treatments.isEmpty {
            untested.append("global-\(v) is not in this grid")
        }
        if g.baseline == nil { untested.append("no baseline (random init) in this grid") }
        if gr == nil { untested.append("global-GR is not in this grid") }
        if pretext.isEmpty { untested.append("no pretext pre-training (rotation, inpainting, context-restoration) in this grid") }
        for n in [1, 2] where !g.budgets.contains(where: { $0.labelledCount == n }) {
            untested.append("no budget with \(n) labelled volume\(n == 1 ? "" : "s")")
        }
        let pairs = treatments.flatMap { t in controls.flatMap { c in budgets.map { (t, c, $0) } } }
        return try family(1, pairs, g, untested: untested)
    }

    static func claim2(_ g: ScoreGrid) throws -> ClaimEvaluation {
        var pairs: [(Arm, Arm, Budget)] = [], untested: [String] = []
        let local = g.arms.filter { $0.method.pretraining == .globalLocal && $0.method.addition == nil && $0.method.augmented }
        if local.isEmpty { untested.append("no global+local arm without an addition in this grid") }
        for a in local {
            guard let base = a.withoutLocal, g.arms.contains(base) else {
                untested.append("\(a.id) has no \(a.withoutLocal?.id ?? "global-only") arm to compare with")
                continue
            }
            pairs += g.budgets.map { (a, base, $0) }
        }
        return try family(2, pairs, g, untested: untested)
    }

    static func claim3(_ g: ScoreGrid) throws -> ClaimEvaluation {
        var pairs: [(Arm, Arm, Budget)] = [], untested: [String] = []
        let combined = g.arms.filter { $0.method.pretraining != nil && $0.method.addition != nil }
        if combined.isEmpty { untested.append("no arm combining pre-training with augmentation, self-training or Mixup") }
        for a in combined {
            for part in [a.withoutAddition, a.additionAlone].compactMap({ $0 }) {
                if g.arms.contains(part) { pairs += g.budgets.map { (a, part, $0) } } else {
                    untested.append("\(a.id) vs \(part.id): \(part.id) is not in this grid")
                }
            }
        }
        // The default augmentation is itself an augmentation method: pre-training with it against the same
        // pre-training without it, and against augmentation alone, which is the (augmented) baseline.
        for a in g.arms where a.method.pretraining?.isContrastive == true && a.method.addition == nil && a.method.augmented {
            guard let bare = a.withoutAugmentation, g.arms.contains(bare) else { continue }
            pairs += g.budgets.map { (a, bare, $0) }
            if let baseline = g.baseline { pairs += g.budgets.map { (a, baseline, $0) } }
        }
        return try family(3, pairs, g, untested: untested)
    }

    /// Gains over the baseline per budget, in increasing labelled count: supported when the smallest
    /// budget's gain is significant and the mean gain falls at every step for every pre-training arm.
    static func claim4(_ g: ScoreGrid) throws -> ClaimEvaluation {
        let arms = g.arms.filter { $0.method.pretraining?.isContrastive == true && $0.method.addition == nil && $0.method.augmented }
        let budgets = g.budgets.sorted { $0.labelledCount < $1.labelledCount }
        var untested: [String] = []
        if arms.isEmpty { untested.append("no pre-training arm without an addition in this grid") }
        if g.baseline == nil { untested.append("no baseline in this grid") }
        if Set(budgets.map(\.labelledCount)).count < 2 { untested.append("fewer than two label budgets") }
        if !budgets.contains(where: { $0.labelledCount >= 8 }) && !budgets.isEmpty {
            untested.append("no budget with 8 or more labelled volumes (the paper's 1 → 2 → 8)")
        }
        let statement = statements[3]
        guard let baseline = g.baseline, !arms.isEmpty, Set(budgets.map(\.labelledCount)).count >= 2 else {
            return ClaimEvaluation(number: 4, statement: statement, verdict: .notTestable,
                                   reason: "Not testable here: \(untested.joined(separator: "; ")).", rows: [], untested: untested)
        }
        let comparisons = try arms.flatMap { a in try budgets.map { try PairedComparison(a, baseline, budget: $0, grid: g) } }
        let rows = zip(comparisons, HolmAdjustment.adjust(comparisons.map(\.pValue))).map { ClaimEvaluation.Row(comparison: $0, adjustedP: $1) }
        // Budgets of 8 or more labelled volumes where no arm has pairs against the baseline yet.
        let withPairs = budgets.filter { b in rows.contains { $0.comparison.budget == b && $0.comparison.pairCount > 0 } }
        for b in budgets where b.labelledCount >= 8 && !withPairs.contains(b) {
            var seen = Set<Int>()
            let reached = withPairs.map(\.labelledCount).filter { seen.insert($0).inserted }.map { "\($0)" }
            untested.append("\(b.key): no paired run files yet, so the trend stops at \(reached.isEmpty ? "no budget" : reached.joined(separator: " → ") + " labelled volumes")")
        }
        var shrinking: [String] = [], notShrinking: [String] = [], noGain: [String] = [], tested = 0
        for a in arms {
            let mine = rows.filter { $0.comparison.treatment == a && $0.comparison.pairCount > 0 }
            let gains = mine.map(\.comparison.meanDifference)
            let text = "\(a.id): " + mine.map { "\(NumberText.signed($0.comparison.meanDifference)) at \($0.comparison.budget.labelledCount)" }
                .joined(separator: " → ")
            if mine.count < 2 || mine.first!.comparison.budget != budgets.first! {
                untested.append("\(a.id) lacks scores at the smallest budget or at a second one (run files missing)")
                continue
            }
            tested += 1
            if mine.first!.outcome != .better { noGain.append(text) }
            if zip(gains, gains.dropFirst()).allSatisfy({ $0 > $1 }) { shrinking.append(text) } else { notShrinking.append(text) }
        }
        let verdict: ClaimEvaluation.Verdict
        let reason: String
        let gainsText = (shrinking + notShrinking).joined(separator: "; ")
        if tested == 0 {
            verdict = .notTestable
            reason = "No pre-training arm has paired scores against the baseline at the smallest budget and a larger one yet (run files missing)."
        } else if !notShrinking.isEmpty && noGain.isEmpty {
            verdict = .notSupported
            reason = "The mean gain over the baseline (Dice, by labelled volumes) does not fall at every step: \(gainsText)."
        } else if !noGain.isEmpty {
            verdict = .inconclusive
            let direction = notShrinking.isEmpty ? "they fall at every step for every arm, as the claim says"
                : "they do not fall at every step for \(notShrinking.count) of \(tested) arm(s), contrary to the claim"
            reason = "At the smallest budget the gain over the baseline is not significant (Holm-adjusted p ≥ 0.05 or too few pairs) for \(noGain.count) of \(tested) arm(s), so there is no established gain to shrink. Mean gains: \(gainsText); read from the means, \(direction) (not tested)."
        } else {
            verdict = .supported
            reason = "The gain at the smallest budget is significant and the mean gain falls at every step: \(gainsText). The trend itself is read from the means, not tested."
        }
        let perTraining = verdict == .notTestable ? "" : perTrainingText(rows.filter { $0.comparison.pairCount > 0 })
            + trainingsDifferText(rows.map(\.comparison).filter { $0.pairCount > 0 }, budgets: budgets)
        return ClaimEvaluation(number: 4, statement: statement, verdict: verdict, reason: reason + perTraining, rows: rows, untested: untested)
    }

    /// When the budgets' comparisons rest on different trainings (a partial grid: tr8 with one of its
    /// four), a sentence naming them, since a trend read across budgets then mixes the budget with which
    /// trainings are present; "" when every budget has the same (combination, seed) pairs.
    static func trainingsDifferText(_ comparisons: [PairedComparison], budgets: [Budget]) -> String {
        let perBudget = budgets.compactMap { b -> (Budget, [String])? in
            let labels = Set(comparisons.filter { $0.budget == b }.flatMap { $0.trainingDifferences.map { ScoreGrid.trainingLabel($0.combination, $0.seed) } })
            return labels.isEmpty ? nil : (b, labels.sorted())
        }
        guard Set(perBudget.map(\.1)).count > 1 else { return "" }
        return " The budgets' gains rest on different trainings (" + perBudget.map { "\($0.0.key): \($0.1.joined(separator: ", "))" }.joined(separator: "; ")
            + "): a change from one budget to the next mixes the budget with which trainings are present."
    }

    /// The significant comparisons among `rows`, training by training: a p-value over test volumes can
    /// come from one training. "" when none is significant, else a sentence with a leading space.
    static func perTrainingText(_ rows: [ClaimEvaluation.Row]) -> String {
        let decided = rows.filter { $0.outcome == .better || $0.outcome == .worse }.map { r in
            (label: "\(r.comparison.treatment.id) vs \(r.comparison.control.id) at \(r.comparison.budget.key)",
             agreement: r.comparison.trainingsAgreeing(with: r.outcome))
        }
        return perTrainingSentence(decided)
    }

    static func perTrainingSentence(_ decided: [(label: String, agreement: (count: Int, of: Int))]) -> String {
        guard !decided.isEmpty else { return "" }
        let mixed = decided.filter { $0.agreement.count < $0.agreement.of }
        let same = decided.count - mixed.count
        return " Of the \(decided.count) significant comparison\(decided.count == 1 ? "" : "s"), "
            + "\(same) go\(same == 1 ? "es" : "") the same way in every training (combination, seed)"
            + (mixed.isEmpty ? "." : "; these do not: "
               + mixed.map { "\($0.label) (\($0.agreement.count) of \($0.agreement.of) trainings)" }.joined(separator: "; ") + ".")
    }

    static func family(_ number: Int, _ pairs: [(Arm, Arm, Budget)], _ g: ScoreGrid, untested: [String]) throws -> ClaimEvaluation {
        let statement = statements[number - 1]
        let comparisons = try pairs.map { try PairedComparison($0.0, $0.1, budget: $0.2, grid: g) }
        let rows = zip(comparisons, HolmAdjustment.adjust(comparisons.map(\.pValue))).map { ClaimEvaluation.Row(comparison: $0, adjustedP: $1) }
        let withPairs = rows.filter { $0.comparison.pairCount > 0 }
        var untested = untested
        for b in g.budgets {
            let empty = rows.filter { $0.comparison.budget == b && $0.comparison.pairCount == 0 }
            if !empty.isEmpty && !withPairs.isEmpty {
                untested.append("\(b.key): \(empty.count) of the claim's comparisons there lack run files on one side or both")
            }
        }
        guard !withPairs.isEmpty else {
            let why = (rows.isEmpty ? [] : ["none of its \(rows.count) comparisons has scores on both sides (run files missing)"]) + untested
            return ClaimEvaluation(number: number, statement: statement, verdict: .notTestable,
                                   reason: "Not testable here: \(why.joined(separator: "; ")).", rows: rows, untested: untested)
        }
        let count = { (o: PairedComparison.Outcome) in withPairs.filter { $0.outcome == o }.count }
        let (better, worse, flat, few) = (count(.better), count(.worse), count(.notSignificant), count(.tooFewPairs))
        let ns = Set(withPairs.map(\.comparison.pairCount)).sorted().map(String.init).joined(separator: ", ")
        let tally = "\(better) of \(withPairs.count) comparisons significantly in favour, \(worse) significantly against, "
            + "\(flat) without a significant difference, \(few) with too few pairs to reach p < 0.05 (n = \(ns) pairs; Holm-adjusted within this claim)"
        let verdict: ClaimEvaluation.Verdict
        if worse > 0 { verdict = .notSupported } else if better == withPairs.count { verdict = .supported } else { verdict = .inconclusive }
        let mean = withPairs.map(\.comparison.meanDifference)
        let range = "mean Dice differences from \(NumberText.signed(mean.min()!)) to \(NumberText.signed(mean.max()!))"
        let perTraining = perTrainingText(withPairs)
        return ClaimEvaluation(number: number, statement: statement, verdict: verdict, reason: "\(tally); \(range).\(perTraining)",
                               rows: rows, untested: untested)
    }
}
