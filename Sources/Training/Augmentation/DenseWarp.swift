/// Dense bilinear warp with the semantics of TensorFlow's `dense_image_warp` (the original's deformation
/// graph, method-spec §5.4 step 2): output pixel (r, c) samples the input at (r − d_r(r, c), c − d_c(r, c)).
///
/// Border handling is TF's `interpolate_bilinear`: per axis the lower neighbour is ⌊q⌋ clamped to
/// [0, size − 2] and the weight q − lower clamped to [0, 1], so queries outside the image take the edge
/// values (no zero fill). Arithmetic in float32 in TF's order (top and bottom rows along columns, then
/// between them), so a convex combination of the 4 neighbours: a one-hot label stays a probability
/// distribution per pixel up to float rounding.
public enum DenseWarp {
    /// `pixels` `[C, rows, columns]`, displacements `[rows, columns]` each → `[C, rows, columns]`.
    public static func warp(_ pixels: [Float], channels: Int, rows: Int, columns: Int,
                            rowDisplacement dr: [Float], columnDisplacement dc: [Float]) -> [Float] {
        let plane = rows * columns
        precondition(pixels.count == channels * plane && dr.count == plane && dc.count == plane,
                     "DenseWarp: shapes do not match [\(channels), \(rows), \(columns)]")
        precondition(rows >= 2 && columns >= 2, "DenseWarp needs at least 2×2 pixels")
        var out = [Float](repeating: 0, count: pixels.count)
        let maxR = Float(rows - 2), maxC = Float(columns - 2)
        for r in 0..<rows {
            for c in 0..<columns {
                let p = r * columns + c
                let qr = Float(r) - dr[p], qc = Float(c) - dc[p]
                let fr = min(max(0, qr.rounded(.down)), maxR), fc = min(max(0, qc.rounded(.down)), maxC)
                let ar = min(max(0, qr - fr), 1), ac = min(max(0, qc - fc), 1)
                let r0 = Int(fr), c0 = Int(fc)
                let tl = r0 * columns + c0, tr = tl + 1, bl = tl + columns, br = bl + 1
                for ch in 0..<channels {
                    let b = ch * plane
                    let top = ac * (pixels[b + tr] - pixels[b + tl]) + pixels[b + tl]
                    let bottom = ac * (pixels[b + br] - pixels[b + bl]) + pixels[b + bl]
                    out[b + p] = ar * (bottom - top) + top
                }
            }
        }
        return out
    }
}
