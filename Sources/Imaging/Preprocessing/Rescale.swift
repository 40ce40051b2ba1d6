/// How a slice is resampled: bilinear for intensities and class probabilities, nearest for labels.
public enum Interpolation: Sendable, Equatable {
    /// scikit-image order 1.
    case linear
    /// scikit-image order 0.
    case nearest
}

/// In-plane resampling with the exact semantics of scikit-image `rescale`/`resize` as the original calls
/// them (`preserve_range=True, mode='constant', anti_aliasing=False`), i.e. SciPy `ndimage.zoom` with
/// `grid_mode=True, mode='grid-constant', cval=0` followed by scikit-image's output clipping
/// (method-spec §11):
/// - output size per axis m = max(1, round-half-to-even(n · scale));
/// - output index o samples the input at x = (o + 0.5) · (n / m) − 0.5, in double, with the rounded m;
/// - bilinear: the four neighbours weighted (1 − t, t) per axis, neighbours outside the slice count as 0,
///   summed in double and stored as float32; then clipped to the input's [min, max], widened to include 0
///   only if 0 is outside that range but inside the output's range (`_clip_warp_output`);
/// - nearest: input index ⌊x + 0.5⌋, so exact ties round up (scale 0.5 → output o takes input 2o + 1).
public enum Resample {
    /// Output length of one axis for a scale factor: `max(1, round-half-even(n · scale))` as NumPy's `np.round`.
    public static func rescaledLength(_ n: Int, scale: Double) -> Int {
        max(1, Int((Double(n) * scale).rounded(.toNearestOrEven)))
    }

    /// Per-axis sample plan: for each output index, the lower input neighbour and its weight split.
    struct AxisPlan {
        var lower: [Int]
        var fraction: [Double]
        var nearest: [Int]

        init(input n: Int, output m: Int) {
            let zoom = Double(n) / Double(m)
            lower = []; fraction = []; nearest = []
            lower.reserveCapacity(m); fraction.reserveCapacity(m); nearest.reserveCapacity(m)
            for o in 0..<m {
                let x = (Double(o) + 0.5) * zoom - 0.5
                let l = x.rounded(.down)
                lower.append(Int(l))
                fraction.append(x - l)
                nearest.append(Int((x + 0.5).rounded(.down)))
            }
        }
    }

    /// Resamples `channels` row-major planes, each `[rows, columns]`, stored one after another
    /// (`[C, rows, columns]`), to `[C, outRows, outColumns]`. The clip range is taken over all channels
    /// together, as scikit-image does when it resizes a `[rows, columns, C]` array.
    public static func resample(_ pixels: [Float], channels: Int, rows: Int, columns: Int,
                                toRows outRows: Int, columns outColumns: Int,
                                interpolation: Interpolation) -> [Float] {
        precondition(channels > 0 && rows > 0 && columns > 0 && outRows > 0 && outColumns > 0,
                     "Resample: empty shape [\(channels), \(rows), \(columns)] → [\(outRows), \(outColumns)]")
        precondition(pixels.count == channels * rows * columns,
                     "Resample: \(pixels.count) values for [\(channels), \(rows), \(columns)]")
        let rowPlan = AxisPlan(input: rows, output: outRows)
        let columnPlan = AxisPlan(input: columns, output: outColumns)
        let plane = rows * columns, outPlane = outRows * outColumns
        var out = [Float](repeating: 0, count: channels * outPlane)

        switch interpolation {
        case .nearest:
            for c in 0..<channels {
                for o in 0..<outRows {
                    let r = rowPlan.nearest[o]
                    for p in 0..<outColumns {
                        let q = columnPlan.nearest[p]
                        // Both indices lie in range for every m ≥ 1 (x ∈ (−0.5, n − 0.5)); the guard
                        // keeps SciPy's cval = 0 meaning should that ever change.
                        out[c * outPlane + o * outColumns + p] =
                            (r >= 0 && r < rows && q >= 0 && q < columns) ? pixels[c * plane + r * columns + q] : 0
                    }
                }
            }
            return out  // nearest copies input values, so the clip cannot change anything.

        case .linear:
            for c in 0..<channels {
                let base = c * plane
                for o in 0..<outRows {
                    let r0 = rowPlan.lower[o], tr = rowPlan.fraction[o]
                    let rowIndex = [r0, r0 + 1], rowWeight = [1 - tr, tr]
                    for p in 0..<outColumns {
                        let c0 = columnPlan.lower[p], tc = columnPlan.fraction[p]
                        // SciPy's order: support points in C order, each term (value · w_row) · w_column.
                        var sum = 0.0
                        for i in 0..<2 {
                            let r = rowIndex[i]
                            guard r >= 0 && r < rows else { continue }
                            for j in 0..<2 {
                                let q = c0 + j
                                guard q >= 0 && q < columns else { continue }
                                sum += Double(pixels[base + r * columns + q]) * rowWeight[i] * (j == 0 ? 1 - tc : tc)
                            }
                        }
                        out[c * outPlane + o * outColumns + p] = Float(sum)
                    }
                }
            }
            clipToInputRange(&out, input: pixels)
            return out
        }
    }

    /// scikit-image's `_clip_warp_output` for mode 'constant', cval 0.
    static func clipToInputRange(_ output: inout [Float], input: [Float]) {
        guard var low = input.min(), var high = input.max(),
              let outLow = output.min(), let outHigh = output.max() else { return }
        if !(low <= 0 && 0 <= high) && outLow <= 0 && 0 <= outHigh {
            low = min(low, 0)
            high = max(high, 0)
        }
        for i in output.indices { output[i] = min(max(output[i], low), high) }
    }
}

extension Image2D {
    /// This slice resampled to `[rows, columns]` (scikit-image `resize` semantics, see `Resample`).
    public func resampled(toRows newRows: Int, columns newColumns: Int, interpolation: Interpolation) -> Image2D {
        Image2D(rows: newRows, columns: newColumns,
                pixels: Resample.resample(pixels, channels: 1, rows: rows, columns: columns,
                                          toRows: newRows, columns: newColumns, interpolation: interpolation))
    }

    /// This slice rescaled by a factor per axis (scikit-image `rescale` semantics): the output has
    /// `Resample.rescaledLength(rows, rowScale) × Resample.rescaledLength(columns, columnScale)` pixels.
    public func rescaled(rowScale: Double, columnScale: Double, interpolation: Interpolation) -> Image2D {
        resampled(toRows: Resample.rescaledLength(rows, scale: rowScale),
                  columns: Resample.rescaledLength(columns, scale: columnScale),
                  interpolation: interpolation)
    }
}
