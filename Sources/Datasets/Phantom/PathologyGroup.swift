/// The five ACDC groups and the end-diastolic geometry measured on ACDC's 100 training volumes
/// (phantom-facts.md §2: mean ± SD [min–max] per group of 20).
public enum PathologyGroup: String, Codable, Sendable, CaseIterable {
    // ACDC's training order: patient001–020 DCM, 021–040 HCM, 041–060 MINF, 061–080 NOR, 081–100 RV.
    case dcm = "DCM", hcm = "HCM", minf = "MINF", nor = "NOR", arv = "RV"

    /// Group of patient `index` (1-based): cyclic in ACDC's order, so any subset of ids is balanced and
    /// volume i does not depend on how many volumes are generated.
    public static func forPatient(_ index: Int) -> PathologyGroup { allCases[(index - 1) % allCases.count] }

    /// A sampled quantity: mean, SD and the observed range (draws are clipped to it).
    public struct Spread: Sendable {
        public let mean: Double, sd: Double, min: Double, max: Double
    }

    /// LV cavity volume at ED, mL.
    public var lvEDV: Spread {
        switch self {
        case .nor: Spread(mean: 130, sd: 26, min: 75, max: 170)
        case .minf: Spread(mean: 172, sd: 43, min: 104, max: 260)
        case .dcm: Spread(mean: 285, sd: 48, min: 195, max: 374)
        case .hcm: Spread(mean: 129, sd: 35, min: 65, max: 174)
        case .arv: Spread(mean: 107, sd: 38, min: 49, max: 172)
        }
    }

    /// RV cavity volume at ED, mL.
    public var rvEDV: Spread {
        switch self {
        case .nor: Spread(mean: 153, sd: 37, min: 79, max: 204)
        case .minf: Spread(mean: 119, sd: 36, min: 47, max: 180)
        case .dcm: Spread(mean: 178, sd: 67, min: 83, max: 295)
        case .hcm: Spread(mean: 118, sd: 34, min: 60, max: 173)
        case .arv: Spread(mean: 196, sd: 49, min: 92, max: 284)
        }
    }

    /// Largest per-slice mean wall thickness, mm (NOR and HCM ranges stated; others ± 2.5 SD).
    public var maxWall: Spread {
        switch self {
        case .nor: Spread(mean: 8.3, sd: 1.1, min: 5.7, max: 9.9)
        case .minf: Spread(mean: 9.1, sd: 1.2, min: 6.1, max: 12.1)
        case .dcm: Spread(mean: 8.6, sd: 1.2, min: 5.6, max: 11.6)
        case .hcm: Spread(mean: 12.9, sd: 2.0, min: 9.4, max: 17.0)
        case .arv: Spread(mean: 7.4, sd: 1.5, min: 4.6, max: 10.4)
        }
    }

    /// LV myocardial mass at ED, g (1.05 g/mL × myocardial volume). HCM's range is measured; the
    /// others are mean ± 2 SD [D].
    public var lvMass: Spread {
        switch self {
        case .nor: Spread(mean: 98, sd: 25, min: 48, max: 148)
        case .minf: Spread(mean: 117, sd: 18, min: 81, max: 153)
        case .dcm: Spread(mean: 162, sd: 31, min: 100, max: 224)
        case .hcm: Spread(mean: 169, sd: 53, min: 71, max: 259)
        case .arv: Spread(mean: 74, sd: 24, min: 26, max: 122)
        }
    }

    /// Mean within-slice SD of wall thickness, mm: how uneven the ring is.
    public var wallSD: Double {
        switch self {
        case .nor: 1.2
        case .minf: 1.6
        case .dcm: 1.4
        case .hcm: 2.4
        case .arv: 1.3
        }
    }
}
