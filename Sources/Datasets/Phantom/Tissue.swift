/// The tissues the phantom distinguishes. Signal is relative to myocardium = 1 at 1.5 T bSSFP
/// (phantom-facts.md §4: S ∝ PD·√(T2/T1) at high flip angle, so blood and fat are both bright).
public enum Tissue: Int, CaseIterable, Sendable {
    case air, lung, fat, muscle, myocardium, blood, liver, marrow, cortex, pericardium, stomachFluid, csf, lungVessel

    public static let count = allCases.count

    /// Nominal signal relative to myocardium, before per-volume jitter. Blood is set per volume from
    /// `bloodMyocardiumRatio`.
    var nominalSignal: Double {
        switch self {
        case .air, .cortex: 0            // noise floor
        case .lung: 0.08                 // low PD, very short T2* (0–0.15)
        case .fat: 3.4                   // 3.5 theory; as bright as blood
        case .muscle: 0.95
        case .myocardium: 1
        case .blood: 3.5
        case .liver: 1.7                 // 1.2–2 observed; 1.7–2.1 theory
        case .marrow: 1.9                // 1.5–2.5
        case .pericardium: 0.15          // thin dark line between fat layers
        case .stomachFluid: 3.0
        case .csf: 3.6
        case .lungVessel: 1.6            // blood in 2–8 mm vessels, dimmed by in-plane flow and partial volume
        }
    }

    /// Amplitude of smooth texture (relative SD) inside the tissue.
    var textureAmplitude: Double {
        switch self {
        case .air, .cortex, .pericardium: 0
        case .lung: 0.35                 // partial volume with small vessels and airways
        case .blood: 0.06                // flow and coil inhomogeneity
        case .myocardium, .liver: 0.14     // low-frequency shading and fibre/vessel texture
        case .muscle, .marrow: 0.10
        case .fat: 0.12
        case .stomachFluid, .csf, .lungVessel: 0.05
        }
    }

    /// Whether `confounderBrightness` scales this tissue (bright, unlabelled, not blood).
    var isConfounder: Bool {
        switch self {
        case .fat, .marrow, .liver, .stomachFluid, .csf: true
        default: false
        }
    }
}
