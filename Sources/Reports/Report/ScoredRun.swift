import Foundation
import Planning
import RunStore

/// A fine-tuning run's test scores, with the grid coordinates read from its config.
public struct ScoredRun: Sendable {
    public let runKey: String
    public let arm: Arm
    /// The split key of the training set ("tr1", or the benchmark's "trall").
    public let budget: String
    /// How many labelled volumes it trained on.
    public let labelledCount: Int
    public let combination: String
    public let seed: UInt64
    public let classNames: [String]
    /// One entry per test volume, in the run file's order.
    public let volumes: [VolumeScore]
    public let record: RunRecord
    /// The file holds another config than the plan (used only when the caller allows stale files).
    public let stale: Bool
    /// Steps of one training (of each self-training round).
    public let iterations: Int

    /// The best validation step lies in the last 10 % of its training's steps: the validation curve may
    /// still have been rising when training stopped.
    public var mayNotHaveConverged: Bool {
        guard let s = curveSpan else { return false }
        return Self.bestStepIsLate(bestStep: record.curves.bestStep, firstStep: s.first, lastStep: s.last, iterations: iterations)
    }

    /// Whether the best validation step lies in the last 20 % of the training: the preset's flattening
    /// criterion (issue 13, docs/experiments.md), stricter than `mayNotHaveConverged`'s 10 %.
    public var mayNotHaveFlattened: Bool {
        guard let s = curveSpan else { return false }
        return Self.bestStepIsLate(bestStep: record.curves.bestStep, firstStep: s.first, lastStep: s.last, iterations: iterations, share: 0.2)
    }

    /// Where the tested checkpoint's step lies in the training it comes from, in whole percent of that
    /// training's steps (0 its first step; 90 and more `mayNotHaveConverged`); nil without validation.
    public var bestStepPercent: Int? {
        guard let s = curveSpan else { return nil }
        return Self.bestStepPercent(bestStep: record.curves.bestStep, firstStep: s.first, lastStep: s.last, iterations: iterations)
    }

    /// `100 (bestStep − the training's first step) / its steps`, rounded down in integers (so 228 of 400
    /// is 57, not a float's 56.99…), for the training that ends at `lastStep` and lasted `iterations`
    /// steps (or fewer, if the curve starts later: `firstStep`); nil for a stage without validation
    /// (`bestStep` −1).
    public static func bestStepPercent(bestStep: Int64, firstStep: Int64 = 0, lastStep: Int64, iterations: Int) -> Int? {
        guard bestStep >= 0, iterations > 0 else { return nil }
        let training = lastTraining(firstStep: firstStep, lastStep: lastStep, iterations: iterations)
        return Int((bestStep - training.lowerBound) * 100 / Int64(training.count))
    }

    /// The mean validation Dice over the last 20 % of the tested training's steps minus its mean over the
    /// 20 % before (`lateValidationGain`): near 0 on a plateau whose noise put the best step late, clearly
    /// above 0 on a curve still rising. Nil without a validation in both windows.
    public var lateValidationGain: Double? {
        guard let training = lastTraining else { return nil }
        return Self.lateValidationGain(steps: record.curves.validationSteps, dice: record.curves.validationDice, training: training)
    }

    /// Over the validations `(steps, dice)` within `training`: the mean of those in its last `share` of
    /// steps minus the mean of those in the `share` before; nil if either window holds none.
    public static func lateValidationGain(steps: [Int64], dice: [Double], training: ClosedRange<Int64>, share: Double = 0.2) -> Double? {
        let n = Double(training.count)
        var last: [Double] = [], before: [Double] = []
        for (s, d) in zip(steps, dice) where training.contains(s) && d.isFinite {
            let at = Double(s - training.lowerBound)
            if at >= (1 - share) * n { last.append(d) } else if at >= (1 - 2 * share) * n { before.append(d) }
        }
        guard !last.isEmpty, !before.isEmpty else { return nil }
        return SampleSummary(last).mean - SampleSummary(before).mean
    }

    /// The mean over its test volumes of the per-volume score (volumes without one left out).
    public var meanDice: Double { SampleSummary(volumes.map(\.meanDice).filter(\.isFinite)).mean }

    /// The steps of the training the tested weights come from, on the run's step axis: all of them, or
    /// for self-training the last round's (its rounds continue one axis). Nil without a curve.
    public var lastTraining: ClosedRange<Int64>? {
        guard let s = curveSpan else { return nil }
        return Self.lastTraining(firstStep: s.first, lastStep: s.last, iterations: iterations)
    }

    /// The first and last step of the training curve (all rounds); nil without one.
    private var curveSpan: (first: Int64, last: Int64)? {
        guard let first = record.curves.trainSteps.first, let last = record.curves.trainSteps.last else { return nil }
        return (first, last)
    }

    /// The last `iterations` steps of a curve from `firstStep` to `lastStep`, or all of it if shorter.
    public static func lastTraining(firstStep: Int64 = 0, lastStep: Int64, iterations: Int) -> ClosedRange<Int64> {
        max(firstStep, lastStep + 1 - Int64(max(iterations, 1)))...lastStep
    }

    /// Whether `bestStep` falls in the last `share` of the training that ends at `lastStep` and lasted
    /// `iterations` steps, or fewer if the curve starts later than that (`firstStep`): self-training's
    /// rounds continue one step axis, and the best is in the last round. A stage without validation
    /// (`bestStep` −1) is never late.
    public static func bestStepIsLate(bestStep: Int64, firstStep: Int64 = 0, lastStep: Int64, iterations: Int, share: Double = 0.1) -> Bool {
        guard bestStep >= 0, iterations > 0 else { return false }
        let training = lastTraining(firstStep: firstStep, lastStep: lastStep, iterations: iterations)
        return Double(bestStep - training.lowerBound) >= (1 - share) * Double(training.count)
    }

    /// Builds the scores of a fine-tuning record; `path` names the file in errors.
    public init(record: RunRecord, stale: Bool, path: String) throws {
        guard let m = record.metrics else { throw ReportError(path, "a fine-tuning run file without /metrics") }
        let at = try RunCoordinates(configJSON: record.configJSON, path: path)
        let c = m.classNames.count
        guard m.dice.count == m.volumeIDs.count * c, m.hd95.count == m.dice.count, m.assd.count == m.dice.count,
              m.bothEmpty.count == m.dice.count else {
            throw ReportError(path, "/metrics arrays do not have \(m.volumeIDs.count) × \(c) entries")
        }
        runKey = record.runKey
        arm = at.arm
        budget = at.budget
        labelledCount = at.labelledCount
        combination = at.combination
        seed = at.seed
        classNames = m.classNames
        volumes = m.volumeIDs.enumerated().map { v, id in
            let range = (v * c)..<((v + 1) * c)
            return VolumeScore(volumeID: id, dice: Array(m.dice[range]), hd95: Array(m.hd95[range]), assd: Array(m.assd[range]),
                               bothEmpty: m.bothEmpty[range].map { $0 != 0 })
        }
        self.record = record
        self.stale = stale
        iterations = at.iterations
    }

    /// Pairs runs of two arms test volume by test volume: the same combination, seed and volume.
    public func pairKey(_ volume: VolumeScore) -> PairKey { PairKey(combination: combination, seed: seed, volumeID: volume.volumeID) }
}

/// What pairs two scores in a paired test: the same training set (combination), seed and test volume.
public struct PairKey: Sendable, Hashable, Comparable {
    public let combination: String
    public let seed: UInt64
    public let volumeID: String

    public static func < (a: PairKey, b: PairKey) -> Bool {
        (a.combination, a.seed, a.volumeID) < (b.combination, b.seed, b.volumeID)
    }
}

/// One test volume's scores in one run: per foreground class, in the run's class order.
public struct VolumeScore: Sendable {
    public let volumeID: String
    public let dice: [Double]
    public let hd95: [Double]
    /// In mm, like `hd95`.
    public let assd: [Double]
    /// Reference and prediction both empty for that class: its scores are NaN and left out of means.
    public let bothEmpty: [Bool]

    /// The volume's score (spec §5.6): the mean Dice over the foreground classes, leaving out classes empty
    /// in both reference and prediction; NaN when every class is (counted, not scored).
    public var meanDice: Double {
        let scored = dice.indices.filter { !bothEmpty[$0] && dice[$0].isFinite }.map { dice[$0] }
        return scored.isEmpty ? .nan : scored.reduce(0, +) / Double(scored.count)
    }
}

/// Where a fine-tuning run sits in the grid, read from its canonical config (docs/run-file.md), which
/// decodes as the `FinetuneConfig` the planner wrote.
public struct RunCoordinates: Sendable, Hashable {
    public let arm: Arm
    public let budget: String
    public let labelledCount: Int
    public let combination: String
    public let seed: UInt64
    /// Steps of the training (`settings.iterations`).
    public let iterations: Int

    public init(configJSON: String, path: String) throws {
        let s: FinetuneConfig
        do {
            s = try CanonicalJSON.decode(FinetuneConfig.self, from: configJSON)
        } catch {
            throw ReportError(path, "/config is not a fine-tuning config this report understands: \(error)")
        }
        guard let method = Method(name: s.method) else { throw ReportError(path, "/config: unknown method \"\(s.method)\"") }
        arm = Arm(method: method, globalVariant: s.globalVariant, localVariant: s.localVariant, ablation: s.ablation)
        budget = s.split.key
        labelledCount = s.split.train.count
        combination = s.split.combination
        seed = s.seed
        iterations = s.settings.iterations
    }
}
