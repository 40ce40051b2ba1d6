/// Rotation prediction (Gidaris et al. 2018), the first pretext baseline of the paper's comparison, as
/// the original's `create_rotated_imgs` builds its batch (utils.py; method-spec §6): output image i is
/// source image ⌊i/4⌋ turned by (i mod 4) quarter turns counter-clockwise (`np.rot90(img, k)`, axes
/// 0 → 1 of the row-major `[rows, columns]` slice), and its class is i mod 4. A batch of B images
/// therefore shows ⌈B/4⌉ sources, each at every angle the batch has room for, so the network cannot
/// tell the angle from which slice it sees.
public enum RotationPretext {
    /// 0°, 90°, 180° and 270°.
    public static let classes = 4

    /// `np.rot90(image, k)` of a square row-major image of side `side`: out[i][j] = in[j][n−1−i] for one
    /// quarter turn.
    public static func quarterTurns<C: RandomAccessCollection>(_ image: C, side n: Int, k: Int) -> [Float]
    where C.Element == Float, C.Index == Int {
        precondition(image.count == n * n, "RotationPretext: \(image.count) pixels for a \(n)×\(n) slice")
        let base = image.startIndex
        let turns = ((k % 4) + 4) % 4
        var out = [Float](repeating: 0, count: n * n)
        for i in 0..<n {
            for j in 0..<n {
                let (r, c): (Int, Int) = switch turns {
                case 0: (i, j)
                case 1: (j, n - 1 - i)
                case 2: (n - 1 - i, n - 1 - j)
                default: (n - 1 - j, i)
                }
                out[i * n + j] = image[base + r * n + c]
            }
        }
        return out
    }

    /// The batch of `batchSize` images from `sources` (at least ⌈batchSize/4⌉ of them, each `side²`),
    /// in the original's order; `labels[i]` is the quarter-turn count of image i.
    public static func batch(sources: [[Float]], side: Int, batchSize: Int) -> (images: [[Float]], labels: [Int]) {
        precondition(sources.count * classes >= batchSize, "RotationPretext: \(sources.count) sources for a batch of \(batchSize)")
        var images: [[Float]] = []
        var labels: [Int] = []
        for i in 0..<batchSize {
            images.append(quarterTurns(sources[i / classes], side: side, k: i % classes))
            labels.append(i % classes)
        }
        return (images, labels)
    }

    /// How many source slices a batch of `batchSize` needs.
    public static func sourcesNeeded(batchSize: Int) -> Int { (batchSize + classes - 1) / classes }
}
