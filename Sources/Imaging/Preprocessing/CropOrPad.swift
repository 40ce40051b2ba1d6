/// The original's centre crop / zero pad to a fixed size (method-spec §1.1 step 5), per axis independently:
/// a longer axis keeps `[s, s + n)` with s = (dim − n) div 2; a shorter one is placed at offset
/// (n − dim) div 2 in a zero canvas.
///
/// The same operation from size n back to the original dim is its inverse on the kept region (a crop is
/// undone by padding at the same offset and vice versa), which is how §5.6 step 3 pastes a prediction
/// back into the rescaled slice.
public enum CropOrPad {
    /// For one axis of length `from` brought to `to`: the first source index copied, the first target
    /// index written, and how many are copied.
    public static func axisPlacement(from: Int, to: Int) -> (source: Int, target: Int, count: Int) {
        if from > to { return ((from - to) / 2, 0, to) }
        return (0, (to - from) / 2, from)
    }

    /// `[C, rows, columns]` → `[C, outRows, outColumns]`, zeros where nothing is copied.
    public static func apply(_ pixels: [Float], channels: Int, rows: Int, columns: Int,
                             toRows outRows: Int, columns outColumns: Int) -> [Float] {
        precondition(pixels.count == channels * rows * columns,
                     "CropOrPad: \(pixels.count) values for [\(channels), \(rows), \(columns)]")
        let r = axisPlacement(from: rows, to: outRows)
        let c = axisPlacement(from: columns, to: outColumns)
        var out = [Float](repeating: 0, count: channels * outRows * outColumns)
        for ch in 0..<channels {
            for i in 0..<r.count {
                let src = ch * rows * columns + (r.source + i) * columns + c.source
                let dst = ch * outRows * outColumns + (r.target + i) * outColumns + c.target
                for j in 0..<c.count { out[dst + j] = pixels[src + j] }
            }
        }
        return out
    }
}

extension Image2D {
    /// Centre-cropped and/or zero-padded to `[rows, columns]`, each axis on its own.
    public func centreCroppedOrPadded(toRows newRows: Int, columns newColumns: Int) -> Image2D {
        Image2D(rows: newRows, columns: newColumns,
                pixels: CropOrPad.apply(pixels, channels: 1, rows: rows, columns: columns,
                                        toRows: newRows, columns: newColumns))
    }
}
