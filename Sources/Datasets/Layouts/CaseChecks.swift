/// What must hold for a case before it is used: the label on the image's grid, label values in the
/// class set, finite intensities, something to segment.
enum CaseChecks {
    /// The grid test on headers alone: the label's spatial shape and affine are the image's. The same
    /// messages as `check`, which repeats the test on the decoded volumes.
    static func checkGrids(image: NIfTIHeader, imagePath: String, label: NIfTIHeader, labelPath: String) throws {
        let (imageShape, labelShape) = (Array(image.dims.prefix(3)), Array(label.dims.prefix(3)))
        guard imageShape == labelShape else {
            throw DatasetError(labelPath, "shape \(labelShape) differs from the image's \(imageShape) (\(imagePath))")
        }
        try checkAffines(image.bestAffine, imagePath, label.bestAffine, labelPath)
    }

    static func checkAffines(_ image: Affine, _ imagePath: String, _ label: Affine, _ labelPath: String) throws {
        let affineGap = zip(image.m, label.m).map { abs($0 - $1) }.max() ?? 0
        guard affineGap <= 1e-3 else {
            throw DatasetError(labelPath, "affine differs from the image's (\(imagePath)) by up to \(affineGap) mm")
        }
    }

    static func check(image: Volume, imagePath: String, label: Volume, labelPath: String, classCount: Int) throws {
        guard image.shape == label.shape else {
            throw DatasetError(labelPath, "shape \(label.shape) differs from the image's \(image.shape) (\(imagePath))")
        }
        try checkAffines(image.affine, imagePath, label.affine, labelPath)
        if let bad = image.voxels.firstIndex(where: { !$0.isFinite }) {
            let (x, y, z) = coordinates(bad, image.shape)
            throw DatasetError(imagePath, "voxel (\(x), \(y), \(z)) is \(image.voxels[bad]); every voxel must be finite")
        }
        if let bad = label.voxels.firstIndex(where: { !($0 >= 0 && $0 < Float(classCount) && $0.rounded() == $0) }) {
            let (x, y, z) = coordinates(bad, label.shape)
            throw DatasetError(labelPath, "label \(label.voxels[bad]) at voxel (\(x), \(y), \(z)) is outside the classes 0…\(classCount - 1)")
        }
        if let lo = image.voxels.min(), let hi = image.voxels.max(), lo == hi {
            throw DatasetError(imagePath, "every voxel is \(lo): the image is empty")
        }
    }

    static func coordinates(_ i: Int, _ shape: [Int]) -> (Int, Int, Int) {
        (i % shape[0], (i / shape[0]) % shape[1], i / (shape[0] * shape[1]))
    }
}
