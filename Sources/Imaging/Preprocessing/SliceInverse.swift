/// The evaluation's way back to the native grid (method-spec §5.6 steps 3–4): each slice's class
/// probability map `[C, n, n]` is pasted into a zero canvas of the rescaled size (undoing the centre
/// crop/pad), resized bilinearly to the native in-plane size with scikit-image `resize` semantics
/// (clip range over all classes together, as for the original's `[rows, columns, C]` array), and the
/// class is the argmax, ties to the lowest class index (NumPy's `argmax`).
extension SliceGeometry {
    /// Probabilities of one slice at native in-plane size, `[C, X, Y]`.
    public func nativeProbabilities(slice probabilities: [Float], classes: Int) -> [Float] {
        precondition(probabilities.count == classes * size * size,
                     "SliceGeometry: \(probabilities.count) probabilities for [\(classes), \(size), \(size)]")
        let pasted = CropOrPad.apply(probabilities, channels: classes, rows: size, columns: size,
                                     toRows: rescaledRows, columns: rescaledColumns)
        return Resample.resample(pasted, channels: classes, rows: rescaledRows, columns: rescaledColumns,
                                 toRows: nativeRows, columns: nativeColumns, interpolation: .linear)
    }

    /// Class labels on the native grid `[X, Y, Z]` (class indices as floats, native spacing and affine)
    /// from per-slice probabilities `[Z, C, n, n]`. `source` names the prediction in error messages.
    public func nativeLabels(probabilities: [Float], classes: Int, source: String) throws -> Volume {
        let perSlice = classes * size * size
        guard classes > 0, probabilities.count == sliceCount * perSlice else {
            throw PreprocessingError.probabilityShape(
                source: source,
                problem: "\(probabilities.count) probabilities, expected [Z=\(sliceCount), C=\(classes), \(size), \(size)]")
        }
        let plane = nativeRows * nativeColumns
        var slices = [Image2D]()
        slices.reserveCapacity(sliceCount)
        for z in 0..<sliceCount {
            let native = nativeProbabilities(slice: Array(probabilities[(z * perSlice)..<((z + 1) * perSlice)]),
                                             classes: classes)
            var labels = [Float](repeating: 0, count: plane)
            for i in 0..<plane {
                var best = 0
                // Strictly greater keeps the first (lowest) class on ties, as np.argmax does.
                for c in 1..<max(classes, 1) where native[c * plane + i] > native[best * plane + i] { best = c }
                labels[i] = Float(best)
            }
            slices.append(Image2D(rows: nativeRows, columns: nativeColumns, pixels: labels))
        }
        return Volume(slices: slices, spacing: spacing, affine: affine)
    }
}
