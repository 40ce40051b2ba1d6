/// Which version of the original's contrastive batches to build (spec §3.6, quirks Q1, Q3, Q13).
///
/// - intended: what the paper describes: per-image intensity draws, G^D without blank images, crop
///   offsets kept inside the image.
/// - faithful2020: what the released code (HEAD e5aae80) does: δ and c shared by every image of one
///   augmentation call, the G^D batch with its 16 blank images and chained pairs, crop boxes that run
///   past a 160² image silently truncated.
public enum ContrastiveFidelity: String, Sendable, CaseIterable, Codable {
    case intended
    case faithful2020 = "faithful-2020"
}
