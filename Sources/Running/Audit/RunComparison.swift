import Foundation
import RunStore

/// Where a re-executed run first departs from the stored one: the first training step whose logged
/// values differ, and the first tensor (dataset) that differs — weights in network order first, since
/// training carries a difference forward through them, then everything else in path order.
enum RunComparison {
    static func describe(stored: RunRecord, recomputed: RunRecord, storedContents a: RunFileContents,
                         recomputedContents b: RunFileContents) -> String {
        var parts: [String] = []
        parts.append(firstStep(stored.curves, recomputed.curves, steps: nil).map { "first at \($0)" } ?? "training curves identical")
        let differing = a.differingPaths(b)
        let tensors = order(differing.filter { !$0.hasPrefix("curves/") }, variables: stored.finalWeights.map(\.name))
        if let first = tensors.first {
            parts.append("first tensor \(first) (\(detail(a.datasets[first], b.datasets[first])))")
        }
        if differing.isEmpty {
            parts.append("every dataset identical, the root attributes differ")
        } else {
            parts.append("\(differing.count) dataset\(differing.count == 1 ? "" : "s") differ")
        }
        return parts.joined(separator: "; ")
    }

    /// The first logged step (below `steps`, if given) whose loss or learning rate differs bitwise, or
    /// whose validation Dice does: "step 2 (loss 'dice': stored 0.8123…, re-executed 0.8124…)".
    static func firstStep(_ a: RunCurves, _ b: RunCurves, steps: Int?) -> String? {
        let n = steps ?? max(a.trainSteps.count, b.trainSteps.count)
        for i in 0..<n {
            guard i < a.trainSteps.count, i < b.trainSteps.count else {
                return "step \(i) (the stored curve has \(a.trainSteps.count) steps, the re-executed \(b.trainSteps.count))"
            }
            for series in a.losses {
                guard let other = b.losses.first(where: { $0.name == series.name }) else {
                    return "step \(a.trainSteps[i]) (the re-executed run has no loss '\(series.name)')"
                }
                if series.values[i].bitPattern != other.values[i].bitPattern {
                    return "step \(a.trainSteps[i]) (loss '\(series.name)': stored \(series.values[i]), re-executed \(other.values[i]))"
                }
            }
            if a.learningRate[i].bitPattern != b.learningRate[i].bitPattern {
                return "step \(a.trainSteps[i]) (learning rate: stored \(a.learningRate[i]), re-executed \(b.learningRate[i]))"
            }
        }
        let limit = steps.map(Int64.init) ?? .max
        let va = zip(a.validationSteps, a.validationDice).filter { $0.0 < limit }
        // A run cut to N steps also validates its own last step, which the full run validated only if that
        // step is on its schedule: compare the points the stored run has.
        let storedPoints = Set(a.validationSteps)
        let vb = zip(b.validationSteps, b.validationDice).filter { $0.0 < limit && (steps == nil || storedPoints.contains($0.0)) }
        for (x, y) in zip(va, vb) where x.0 != y.0 || x.1.bitPattern != y.1.bitPattern {
            return "step \(x.0) (validation Dice: stored \(x.1) at step \(x.0), re-executed \(y.1) at step \(y.0))"
        }
        if va.count != vb.count { return "validation (\(va.count) stored points, \(vb.count) re-executed)" }
        return nil
    }

    static func compareSteps(stored: RunCurves, recomputed: RunCurves, steps n: Int) -> SeedAudit.Verdict {
        if let step = firstStep(stored, recomputed, steps: n) { return .differs("first at \(step)") }
        let validations = stored.validationSteps.filter { $0 < Int64(n) }.count
        let names = stored.losses.map { "'\($0.name)'" }.joined(separator: ", ")
        return .identical("steps 0…\(n - 1) reproduced bit for bit (loss \(names), learning rate, \(validations) validation point\(validations == 1 ? "" : "s")); "
                          + "weights not compared (no checkpoint at step \(n) is stored)")
    }

    /// Weights in `variables` order (final, then best), then the rest sorted.
    static func order(_ paths: [String], variables: [String]) -> [String] {
        let rank = Dictionary(uniqueKeysWithValues: variables.enumerated().map { ($1, $0) })
        func key(_ p: String) -> (Int, Int, String) {
            for (g, group) in ["weights/final/", "weights/best/"].enumerated() where p.hasPrefix(group) {
                return (g, rank[String(p.dropFirst(group.count))] ?? .max, p)
            }
            return (2, 0, p)
        }
        return paths.sorted { key($0) < key($1) }
    }

    /// "element 13: stored 0.0123, re-executed 0.0124; 250 of 432 elements differ, max |Δ| 3.1e-08".
    static func detail(_ a: StoredDataset?, _ b: StoredDataset?) -> String {
        guard let a else { return "only in the re-executed file" }
        guard let b else { return "only in the stored file" }
        guard a.type == b.type, a.shape == b.shape else {
            return "stored \(a.type) \(a.shape), re-executed \(b.type) \(b.shape)"
        }
        guard let size = a.elementSize, let x = a.numbers, let y = b.numbers else { return "the strings differ" }
        let differing = (0..<x.count).filter { a.bytes[($0 * size)..<(($0 + 1) * size)] != b.bytes[($0 * size)..<(($0 + 1) * size)] }
        guard let i = differing.first else { return "the bytes differ" }
        let maxDelta = differing.map { abs(x[$0] - y[$0]) }.max() ?? 0
        return "element \(i): stored \(x[i]), re-executed \(y[i]); \(differing.count) of \(x.count) elements differ, max |Δ| \(maxDelta)"
    }
}
