/// Reference labels brought to a feature map's grid, the query pixel chosen from them, and similarities
/// averaged by label: what turns a similarity map into numbers.
public enum FeatureGridLabels {
    /// The majority label of each `size/gridHeight × size/gridWidth` block of a row-major `[size, size]`
    /// label slice (ties go to the smaller label), row-major `[gridHeight, gridWidth]`.
    public static func majority(_ labels: [Int], size: Int, gridHeight h: Int, gridWidth w: Int) -> [Int] {
        precondition(labels.count == size * size && size % h == 0 && size % w == 0, "FeatureGridLabels: \(size)² into \(h)×\(w)")
        let (fy, fx) = (size / h, size / w)
        var out: [Int] = []
        out.reserveCapacity(h * w)
        for r in 0..<h {
            for c in 0..<w {
                var counts: [Int: Int] = [:]
                for y in (r * fy)..<((r + 1) * fy) { for x in (c * fx)..<((c + 1) * fx) { counts[labels[y * size + x], default: 0] += 1 } }
                out.append(counts.keys.sorted().max { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && $0 > $1) }!)
            }
        }
        return out
    }

    /// The query: among the foreground labels of `labels` (`[h, w]`), the one with the most pixels (the smaller
    /// label on ties); of its pixels, the one closest to the label's centroid (the first in row-major order on
    /// ties), so it lies on the structure even when the structure is a ring. Without labels or foreground:
    /// the centre pixel.
    public static func queryPixel(_ labels: [Int]?, height h: Int, width w: Int) -> QueryPixel {
        let centre = QueryPixel(row: h / 2, column: w / 2, label: nil)
        guard let labels else { return centre }
        var counts: [Int: Int] = [:]
        for l in labels where l > 0 { counts[l, default: 0] += 1 }
        guard let best = counts.keys.sorted().max(by: { counts[$0]! < counts[$1]! || (counts[$0]! == counts[$1]! && $0 > $1) }) else { return centre }
        let pixels = labels.indices.filter { labels[$0] == best }
        let cy = Double(pixels.reduce(0) { $0 + $1 / w }) / Double(pixels.count)
        let cx = Double(pixels.reduce(0) { $0 + $1 % w }) / Double(pixels.count)
        var chosen = pixels[0], bestDistance = Double.infinity
        for p in pixels {
            let d = (Double(p / w) - cy) * (Double(p / w) - cy) + (Double(p % w) - cx) * (Double(p % w) - cx)
            if d < bestDistance { bestDistance = d; chosen = p }
        }
        return QueryPixel(row: chosen / w, column: chosen % w, label: best)
    }

    /// Mean of `values` over pixels labelled `queryLabel`, over other foreground labels, and over background
    /// (label 0); `exclude` (a flat index, the query itself) is left out. NaN for an empty group.
    public static func meanByGroup(_ values: [Double], labels: [Int], queryLabel: Int, exclude: Int?) -> (same: Double, otherStructures: Double, background: Double) {
        precondition(values.count == labels.count, "FeatureGridLabels: \(values.count) values for \(labels.count) labels")
        var sums = [0.0, 0.0, 0.0], counts = [0, 0, 0]
        for i in values.indices where i != exclude {
            let g = labels[i] == queryLabel ? 0 : (labels[i] > 0 ? 1 : 2)
            sums[g] += values[i]
            counts[g] += 1
        }
        func mean(_ g: Int) -> Double { counts[g] == 0 ? .nan : sums[g] / Double(counts[g]) }
        return (mean(0), mean(1), mean(2))
    }
}

/// A pixel of a feature grid and the reference label it was chosen on (nil: no labels).
public struct QueryPixel: Sendable, Equatable {
    public let row: Int
    public let column: Int
    public let label: Int?
}
