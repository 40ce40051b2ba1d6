/// Which supervised augmentations a fine-tuning run applies, and how (method-spec §5.4, quirks Q3, Q4).
///
/// Defaults are the original's fine-tuning with `data_aug = 1` as it actually ran (`faithful2020`):
/// affine on, elastic on with σ = 5 px on a 3×3 grid, intensity off. Turning `intensity` on applies
/// contrast/brightness after the deformation, to the deformed images, as the original intended.
public struct AugmentationSettings: Sendable, Equatable, Codable {
    /// Step 1, the per-image affine option (`AffineAugmentation`). The baseline script always has it.
    public var affine: Bool
    /// Step 2, the elastic deformation of batch indices ≥ k (`ElasticDeformation`).
    public var elastic: Bool
    /// Displacement σ in pixels (`--sigma`, 5 in the paper's runs).
    public var elasticSigma: Double
    /// Control grid size per axis (3).
    public var elasticGrid: Int
    /// Step 3, contrast/brightness (`IntensityAugmentation`); off in the released code (Q4).
    public var intensity: Bool
    /// One draw per half-batch (the original, Q3) or per image (the port's default when enabled).
    public var intensityDraws: IntensityDraws

    public init(affine: Bool = true, elastic: Bool = true, elasticSigma: Double = 5, elasticGrid: Int = 3,
                intensity: Bool = false, intensityDraws: IntensityDraws = .perImage) {
        self.affine = affine
        self.elastic = elastic
        self.elasticSigma = elasticSigma
        self.elasticGrid = elasticGrid
        self.intensity = intensity
        self.intensityDraws = intensityDraws
    }

    /// The released code as it ran: affine + elastic (σ = 5), the intensity result discarded (Q4), and
    /// the intensity draws shared per half-batch should it be switched on (Q3).
    public static let faithful2020 = AugmentationSettings(intensityDraws: .perHalf)
    /// affine + elastic + intensity after deformation, one draw per image.
    public static let withIntensity = AugmentationSettings(intensity: true, intensityDraws: .perImage)
    /// Nothing: the sampled slices go to the network as they are (one-hot labels).
    public static let none = AugmentationSettings(affine: false, elastic: false, intensity: false)
}
