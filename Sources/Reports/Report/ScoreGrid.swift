import Planning

/// A label budget of the grid: the split key and how many labelled volumes it holds.
public struct Budget: Sendable, Hashable {
    public let key: String
    public let labelledCount: Int

    /// "tr2 (2 labelled volumes)".
    public var title: String { "\(key) (\(labelledCount) labelled volume\(labelledCount == 1 ? "" : "s"))" }
}

/// The fine-tuning runs arranged as the report's tables see them: arms (rows) × budgets (columns), each
/// cell holding the per-volume scores of all its (combination, seed) runs.
public struct ScoreGrid: Sendable {
    /// Non-benchmark arms outside an ablation, in plan order: the main table's rows and the claims' arms.
    public let arms: [Arm]
    /// Arms made at one value of the experiment's ablation (`Arm.ablation`), in plan order: the ablation
    /// table's rows, kept out of the main table and the claims.
    public let ablatedArms: [Arm]
    public let benchmarkArm: Arm?
    /// The experiment's budgets in file order (the benchmark's set is not one of them).
    public let budgets: [Budget]
    public let benchmarkBudget: Budget?
    public let runs: [ScoredRun]
    public let classNames: [String]
    /// Planned fine-tuning runs per cell (what n would be with every run present).
    private let plannedRuns: [CellKey: Int]

    struct CellKey: Hashable { let arm: String, budget: String }

    public init(inventory: RunInventory) throws {
        var arms: [Arm] = [], ablatedArms: [Arm] = [], budgets: [Budget] = [], planned: [CellKey: Int] = [:]
        var benchmarkArm: Arm?, benchmarkBudget: Budget?
        for e in inventory.entries where e.planned.stage == .finetune {
            let at = try RunCoordinates(configJSON: e.planned.configJSON, path: e.path)
            planned[CellKey(arm: at.arm.id, budget: at.budget), default: 0] += 1
            let budget = Budget(key: at.budget, labelledCount: at.labelledCount)
            if at.arm.isBenchmark {
                benchmarkArm = at.arm
                benchmarkBudget = budget
            } else if at.arm.ablation != nil {
                if !ablatedArms.contains(at.arm) { ablatedArms.append(at.arm) }
                if !budgets.contains(where: { $0.key == budget.key }) { budgets.append(budget) }
            } else {
                if !arms.contains(at.arm) { arms.append(at.arm) }
                if !budgets.contains(where: { $0.key == budget.key }) { budgets.append(budget) }
            }
        }
        var runs: [ScoredRun] = []
        for e in inventory.used where e.planned.stage == .finetune {
            runs.append(try ScoredRun(record: e.record!, stale: e.isStale, path: e.path))
        }
        let classNames = runs.first?.classNames ?? []
        if let odd = runs.first(where: { $0.classNames != classNames }) {
            throw ReportError(inventory.entries.first { $0.planned.runKey == odd.runKey }!.path,
                              "scores classes \(odd.classNames) where other runs score \(classNames)")
        }
        self.arms = arms
        self.ablatedArms = ablatedArms
        self.benchmarkArm = benchmarkArm
        self.budgets = budgets
        self.benchmarkBudget = benchmarkBudget
        self.runs = runs
        self.classNames = classNames
        plannedRuns = planned
    }

    public var baseline: Arm? { arms.first(where: \.isBaseline) }

    /// "c1 s2": how tables and sentences name one training (combination, seed).
    public static func trainingLabel(_ combination: String, _ seed: UInt64) -> String { "\(combination) s\(seed)" }

    public func runs(_ arm: Arm, _ budget: String) -> [ScoredRun] {
        runs.filter { $0.arm == arm && $0.budget == budget }
    }

    public func plannedRunCount(_ arm: Arm, _ budget: String) -> Int { plannedRuns[CellKey(arm: arm.id, budget: budget)] ?? 0 }

    /// Every (combination, seed, volume) of the cell with its per-volume score (mean foreground Dice), sorted
    /// by that key; volumes whose every class was empty in both reference and prediction are left out.
    public func volumeScores(_ arm: Arm, _ budget: String) -> [(key: PairKey, score: Double)] {
        runs(arm, budget).flatMap { run in run.volumes.map { (run.pairKey($0), $0.meanDice) } }
            .filter { $0.1.isFinite }.sorted { $0.0 < $1.0 }.map { (key: $0.0, score: $0.1) }
    }

    public func summary(_ arm: Arm, _ budget: String) -> CellSummary {
        let cellRuns = runs(arm, budget)
        let volumes = cellRuns.flatMap(\.volumes)
        let scores = volumes.map(\.meanDice).filter(\.isFinite)
        return CellSummary(scores: scores, undefinedVolumes: volumes.count - scores.count,
                           bothEmptyClassScores: volumes.reduce(0) { $0 + $1.bothEmpty.filter { $0 }.count },
                           classScores: volumes.count * classNames.count, runsPresent: cellRuns.count,
                           runsPlanned: plannedRunCount(arm, budget), combinations: Set(cellRuns.map(\.combination)).count,
                           seeds: Set(cellRuns.map(\.seed)).count, volumesPerRun: Set(volumes.map(\.volumeID)).count)
    }

    public enum Metric: String, Sendable, CaseIterable {
        case dice, hd95, assd
        public var title: String {
            switch self {
            case .dice: "Dice"
            case .hd95: "HD95 (mm)"
            case .assd: "ASSD (mm)"
            }
        }
        public var decimals: Int { self == .dice ? 3 : 1 }
    }

    /// One class's values in a cell, both-empty cases left out.
    public func classValues(_ arm: Arm, _ budget: String, classIndex c: Int, metric: Metric) -> [Double] {
        runs(arm, budget).flatMap(\.volumes).compactMap { v in
            guard !v.bothEmpty[c] else { return nil }
            let x: Double
            switch metric {
            case .dice: x = v.dice[c]
            case .hd95: x = v.hd95[c]
            case .assd: x = v.assd[c]
            }
            return x.isFinite ? x : nil
        }
    }

    /// All (arm, budget) cells that have a plan, benchmark last.
    /// Every planned cell: the shared arms, the ablated ones, then the benchmark (the per-class tables).
    public var allCells: [(arm: Arm, budget: Budget)] {
        (arms + ablatedArms).flatMap { a in budgets.filter { plannedRunCount(a, $0.key) > 0 }.map { (arm: a, budget: $0) } }
            + (benchmarkArm.flatMap { a in benchmarkBudget.map { [(arm: a, budget: $0)] } } ?? [])
    }
}

/// What a table cell reports, with the counts a reader needs to judge it.
public struct CellSummary: Sendable {
    /// Per-volume scores (mean foreground Dice) of every (volume, combination, seed) triple present.
    public let scores: [Double]
    /// Volumes whose every class was empty in both reference and prediction (no score).
    public let undefinedVolumes: Int
    /// Class scores left out because reference and prediction were both empty, of `classScores`.
    public let bothEmptyClassScores: Int
    public let classScores: Int
    public let runsPresent: Int
    public let runsPlanned: Int
    public let combinations: Int
    public let seeds: Int
    public let volumesPerRun: Int

    public var summary: SampleSummary { SampleSummary(scores) }
    public var isComplete: Bool { runsPresent == runsPlanned }
    public var box: BoxSummary? { scores.isEmpty ? nil : BoxSummary(scores) }
}
