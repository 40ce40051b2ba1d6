/// Cubic-spline resize of a small grid, as `skimage.transform.resize(grid, shape, order=3, mode='reflect')`
/// (the original's `calc_deform`, method-spec §5.4 step 2), checked against scikit-image 0.26 in
/// `AugmentationFixtures`.
///
/// What that call means, spelled out:
/// - "bicubic" is SciPy's order-3 spline: the samples are first turned into cubic B-spline coefficients
///   (an exact prefilter, so the curve passes through the samples), then evaluated with the cubic B-spline
///   weights of the 4 neighbouring coefficients;
/// - scikit-image's 'reflect' is SciPy's 'mirror' (d c b | a b c d | c b a, the edge sample not repeated),
///   used both in the prefilter and for out-of-range indices;
/// - output index o samples input coordinate x = (o + 0.5)·(m / M) − 0.5 (`grid_mode=True`), m input and
///   M output length per axis, so a 3×3 grid's samples sit at the centres of the output's thirds;
/// - the result is clipped to [min, max] of the input grid (`clip=True`).
/// Separable: the 2D spline is the tensor product, evaluated rows then columns, in double precision.
public enum BicubicUpsampling {
    /// `[rows, columns]` → `[outRows, outColumns]`.
    public static func resize(_ grid: [Double], rows: Int, columns: Int, toRows outRows: Int, columns outColumns: Int) -> [Double] {
        precondition(grid.count == rows * columns && rows > 0 && columns > 0,
                     "BicubicUpsampling: \(grid.count) values for [\(rows), \(columns)]")
        // Coefficients along columns (each row), then along rows (each column).
        var coef = grid
        for r in 0..<rows {
            let line = prefilter(Array(coef[(r * columns)..<((r + 1) * columns)]))
            for c in 0..<columns { coef[r * columns + c] = line[c] }
        }
        for c in 0..<columns {
            let line = prefilter((0..<rows).map { coef[$0 * columns + c] })
            for r in 0..<rows { coef[r * columns + c] = line[r] }
        }
        let rowTaps = (0..<outRows).map { taps(output: $0, inputLength: rows, outputLength: outRows) }
        let colTaps = (0..<outColumns).map { taps(output: $0, inputLength: columns, outputLength: outColumns) }
        let lo = grid.min()!, hi = grid.max()!
        var out = [Double](repeating: 0, count: outRows * outColumns)
        for (o, rt) in rowTaps.enumerated() {
            for (p, ct) in colTaps.enumerated() {
                var v = 0.0
                for i in 0..<4 {
                    var line = 0.0
                    for j in 0..<4 { line += ct.weights[j] * coef[rt.indices[i] * columns + ct.indices[j]] }
                    v += rt.weights[i] * line
                }
                out[o * outColumns + p] = min(max(v, lo), hi)
            }
        }
        return out
    }

    /// The four mirrored coefficient indices and cubic B-spline weights for one output index.
    static func taps(output o: Int, inputLength m: Int, outputLength n: Int) -> (indices: [Int], weights: [Double]) {
        let x = (Double(o) + 0.5) * (Double(m) / Double(n)) - 0.5
        let f = x.rounded(.down)
        let t = x - f
        let u = 1 - t
        let weights = [u * u * u / 6, (3 * t * t * t - 6 * t * t + 4) / 6, (3 * u * u * u - 6 * u * u + 4) / 6, t * t * t / 6]
        let start = Int(f) - 1
        return ((0..<4).map { mirror(start + $0, m) }, weights)
    }

    /// SciPy 'mirror' index: period 2m − 2, the edge sample not repeated.
    static func mirror(_ i: Int, _ m: Int) -> Int {
        if m == 1 { return 0 }
        let period = 2 * m - 2
        var k = abs(i) % period
        if k >= m { k = period - k }
        return k
    }

    /// Cubic B-spline coefficients c of samples s under mirror extension: s_k = (c_{k−1} + 4c_k + c_{k+1})/6
    /// with c_{−1} = c_1 and c_m = c_{m−2}. Solved exactly as a small linear system (m is the grid size, 3).
    static func prefilter(_ s: [Double]) -> [Double] {
        let m = s.count
        if m == 1 { return s }
        var a = [[Double]](repeating: [Double](repeating: 0, count: m), count: m)
        for k in 0..<m {
            a[k][k] += 4.0 / 6
            a[k][mirror(k - 1, m)] += 1.0 / 6
            a[k][mirror(k + 1, m)] += 1.0 / 6
        }
        var b = s
        // Gaussian elimination with partial pivoting.
        for col in 0..<m {
            let p = (col..<m).max { abs(a[$0][col]) < abs(a[$1][col]) }!
            a.swapAt(col, p); b.swapAt(col, p)
            for r in (col + 1)..<m where a[r][col] != 0 {
                let f = a[r][col] / a[col][col]
                for c in col..<m { a[r][c] -= f * a[col][c] }
                b[r] -= f * b[col]
            }
        }
        var x = [Double](repeating: 0, count: m)
        for r in stride(from: m - 1, through: 0, by: -1) {
            var v = b[r]
            for c in (r + 1)..<m { v -= a[r][c] * x[c] }
            x[r] = v / a[r][r]
        }
        return x
    }
}
