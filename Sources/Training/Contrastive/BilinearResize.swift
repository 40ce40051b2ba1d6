/// scikit-image `transform.resize(image, shape, order=1)` with its defaults (mode 'reflect', no
/// anti-aliasing when enlarging), the resize of the original's `crop_batch`: output pixel o samples the
/// input at x = (o + 0.5)·(n/m) − 0.5 (SciPy's grid mode); coordinates outside [0, n−1] are mirrored
/// about the edge pixel centres (SciPy 'mirror', which is what skimage's 'reflect' maps to), and the
/// value is the bilinear blend of the two neighbours per axis, in double.
///
/// Enlarging only (or equal size): skimage would Gaussian-smooth before shrinking, which a crop resized
/// back to full size never needs.
///
/// - image: row-major `[rows, columns]`; returns row-major `[outRows, outColumns]`.
public func bilinearResize(_ image: [Float], rows: Int, columns: Int, outRows: Int, outColumns: Int) -> [Float] {
    precondition(image.count == rows * columns, "bilinearResize: \(image.count) pixels for \(rows)×\(columns)")
    precondition(rows > 0 && columns > 0 && outRows >= rows && outColumns >= columns,
                 "bilinearResize: \(rows)×\(columns) → \(outRows)×\(outColumns) is not an enlargement")
    let r = ResizeAxis(input: rows, output: outRows)
    let c = ResizeAxis(input: columns, output: outColumns)
    var out = [Float](repeating: 0, count: outRows * outColumns)
    for o in 0..<outRows {
        let (r0, r1, tr) = r.taps[o]
        for p in 0..<outColumns {
            let (c0, c1, tc) = c.taps[p]
            let top = Double(image[r0 * columns + c0]) * (1 - tc) + Double(image[r0 * columns + c1]) * tc
            let bottom = Double(image[r1 * columns + c0]) * (1 - tc) + Double(image[r1 * columns + c1]) * tc
            out[o * outColumns + p] = Float(top * (1 - tr) + bottom * tr)
        }
    }
    return out
}

/// Per output index along one axis: the two input indices and the weight of the second.
struct ResizeAxis {
    let taps: [(Int, Int, Double)]

    init(input n: Int, output m: Int) {
        let scale = Double(n) / Double(m)
        taps = (0..<m).map { o in
            guard n > 1 else { return (0, 0, 0) }
            var x = (Double(o) + 0.5) * scale - 0.5
            // Mirror about the first and last pixel centres (x stays within half a pixel of the image
            // when enlarging, so one reflection is enough).
            if x < 0 { x = -x }
            if x > Double(n - 1) { x = Double(2 * (n - 1)) - x }
            let i0 = min(Int(x.rounded(.down)), n - 1)
            let i1 = min(i0 + 1, n - 1)
            return (i0, i1, x - Double(i0))
        }
    }
}
