/// The original's per-volume preprocessing (method-spec §1.1 steps 3–5) as one value type:
/// percentile normalisation on the native grid, in-plane rescale of every slice along array axis 2 to the
/// target pixel size (bilinear for the image, nearest for the label), then centre crop / zero pad to
/// `size × size`. N4 (step 1) is separate (`N4BiasCorrection`) because the original ran it offline.
public struct SlicePreprocessor: Sendable, Equatable {
    /// Target in-plane pixel size in mm, `[x, y]` (array axes 0 and 1).
    public var targetSpacing: [Double]
    /// Fixed slice size n: every output slice is `[n, n]`.
    public var size: Int

    public init(targetSpacing: [Double], size: Int) {
        precondition(targetSpacing.count == 2 && targetSpacing.allSatisfy { $0 > 0 && $0.isFinite },
                     "SlicePreprocessor: target spacing must be two positive numbers, got \(targetSpacing)")
        precondition(size > 0, "SlicePreprocessor: size must be positive, got \(size)")
        self.targetSpacing = targetSpacing
        self.size = size
    }

    // Per-dataset constants, method-spec §1.2.
    public static let acdc = SlicePreprocessor(targetSpacing: [1.36719, 1.36719], size: 192)
    public static let prostate = SlicePreprocessor(targetSpacing: [0.625, 0.625], size: 192)
    public static let mmwhs = SlicePreprocessor(targetSpacing: [1.5, 1.5], size: 160)

    /// A canonical text of the parameters, for cache keys and run records. Doubles are written with
    /// Swift's shortest round-trip form, so equal parameters give equal text on every platform.
    public var canonicalDescription: String {
        "SlicePreprocessor(targetSpacing=\(targetSpacing[0]),\(targetSpacing[1]);size=\(size);"
            + "normalisation=percentile-linear-1-99-float32;image=linear-gridconstant-clip;label=nearest-halfup;"
            + "cropOrPad=centre)"
    }

    /// The rescale factors (native pixel size / target pixel size) for a volume's spacing.
    public func scale(for spacing: [Double], source: String) throws -> [Double] {
        guard spacing.count == 3, spacing[0] > 0, spacing[1] > 0, spacing[0].isFinite, spacing[1].isFinite else {
            throw PreprocessingError.invalidSpacing(source: source, spacing: spacing)
        }
        return [spacing[0] / targetSpacing[0], spacing[1] / targetSpacing[1]]
    }

    /// Preprocesses an image `[X, Y, Z]` and optionally its label map (class indices as floats, same shape).
    /// `source` names the input in error messages.
    public func callAsFunction(image: Volume, label: Volume? = nil, source: String) throws -> PreprocessedSlices {
        if let label, label.shape != image.shape {
            throw PreprocessingError.shapeMismatch(source: source, image: image.shape, label: label.shape)
        }
        let scale = try scale(for: image.spacing, source: source)
        let normalisation = try PercentileNormalisation(fitting: image, source: source)
        let normalised = normalisation.apply(to: image)
        let geometry = SliceGeometry(
            nativeRows: image.shape[0], nativeColumns: image.shape[1], sliceCount: image.shape[2],
            rescaledRows: Resample.rescaledLength(image.shape[0], scale: scale[0]),
            rescaledColumns: Resample.rescaledLength(image.shape[1], scale: scale[1]),
            size: size, spacing: image.spacing, affine: image.affine)

        func slices(_ volume: Volume, _ interpolation: Interpolation) -> [Float] {
            var out = [Float]()
            out.reserveCapacity(geometry.sliceCount * size * size)
            for z in 0..<geometry.sliceCount {
                let rescaled = volume.slice(z).resampled(toRows: geometry.rescaledRows,
                                                         columns: geometry.rescaledColumns,
                                                         interpolation: interpolation)
                out += rescaled.centreCroppedOrPadded(toRows: size, columns: size).pixels
            }
            return out
        }
        return PreprocessedSlices(images: slices(normalised, .linear),
                                  labels: label.map { slices($0, .nearest) },
                                  geometry: geometry, normalisation: normalisation)
    }
}

/// Where the preprocessed slices came from: enough to undo the crop/pad and the rescale (§5.6).
public struct SliceGeometry: Sendable, Equatable, Codable {
    /// Native in-plane size `[X, Y]` and slice count Z.
    public var nativeRows: Int
    public var nativeColumns: Int
    public var sliceCount: Int
    /// In-plane size after the rescale, before crop/pad.
    public var rescaledRows: Int
    public var rescaledColumns: Int
    /// The fixed slice size n.
    public var size: Int
    /// Native voxel size and affine, for writing predictions on the native grid.
    public var spacing: [Double]
    public var affine: Affine

    public init(nativeRows: Int, nativeColumns: Int, sliceCount: Int, rescaledRows: Int, rescaledColumns: Int,
                size: Int, spacing: [Double], affine: Affine) {
        self.nativeRows = nativeRows
        self.nativeColumns = nativeColumns
        self.sliceCount = sliceCount
        self.rescaledRows = rescaledRows
        self.rescaledColumns = rescaledColumns
        self.size = size
        self.spacing = spacing
        self.affine = affine
    }
}

/// The output of `SlicePreprocessor`: slices `[Z, n, n]` row-major (each slice `[X rows, Y columns]` as
/// `Volume.slice` gives it), the label slices likewise (class indices stored as floats) if a label was given.
public struct PreprocessedSlices: Sendable, Equatable {
    /// `[Z, n, n]`.
    public var images: [Float]
    /// `[Z, n, n]`, or nil without a label.
    public var labels: [Float]?
    public var geometry: SliceGeometry
    public var normalisation: PercentileNormalisation

    public init(images: [Float], labels: [Float]?, geometry: SliceGeometry, normalisation: PercentileNormalisation) {
        self.images = images
        self.labels = labels
        self.geometry = geometry
        self.normalisation = normalisation
    }

    /// `[Z, n, n]`.
    public var shape: [Int] { [geometry.sliceCount, geometry.size, geometry.size] }

    /// SHA-256 of the image slices (content with shape), for provenance.
    public var imageHash: String { ContentHash.sha256(floats: images, shape: shape) }
    /// SHA-256 of the label slices, nil without a label.
    public var labelHash: String? { labels.map { ContentHash.sha256(floats: $0, shape: shape) } }
}
