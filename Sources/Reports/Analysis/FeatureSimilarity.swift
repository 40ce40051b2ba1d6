/// Cosine similarity between one pixel's feature vector and every pixel of a feature map: what a local
/// contrastive loss (spec §4) pulls together (same structure) and pushes apart (other structures).
public enum FeatureSimilarity {
    /// - Parameters:
    ///   - query: the C-vector of the query pixel.
    ///   - map: `[C, H, W]` (one slice of the engine's NCHW features).
    /// - Returns: `[H, W]` row-major similarities in [−1, 1]; 0 where a vector has zero length (no direction).
    public static func cosine(query: [Double], map: [Float], channels c: Int, height h: Int, width w: Int) -> [Double] {
        precondition(query.count == c && map.count == c * h * w, "FeatureSimilarity: shapes do not match")
        let plane = h * w
        let qNorm = query.reduce(0) { $0 + $1 * $1 }.squareRoot()
        return (0..<plane).map { p in
            var dot = 0.0, norm = 0.0
            for k in 0..<c {
                let x = Double(map[k * plane + p])
                dot += query[k] * x
                norm += x * x
            }
            let denominator = qNorm * norm.squareRoot()
            return denominator > 0 ? max(-1, min(1, dot / denominator)) : 0
        }
    }

    /// The C-vector at (row, column) of a `[C, H, W]` map.
    public static func vector(_ map: [Float], channels c: Int, height h: Int, width w: Int, row: Int, column: Int) -> [Double] {
        precondition(map.count == c * h * w && (0..<h).contains(row) && (0..<w).contains(column), "FeatureSimilarity: bad pixel")
        return (0..<c).map { Double(map[$0 * h * w + row * w + column]) }
    }
}
