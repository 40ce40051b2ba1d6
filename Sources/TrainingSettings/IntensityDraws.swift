/// How the intensity step (method-spec §5.4 step 3, `IntensityAugmentation` in Training) draws its contrast
/// and brightness factors.
public enum IntensityDraws: String, Sendable, Equatable, Codable {
    /// One c for the whole first half and one δ for the whole second half, as one TF op on a batch
    /// tensor draws (quirk Q3).
    case perHalf
    /// An independent c or δ per image (the port's default when enabled).
    case perImage
}
