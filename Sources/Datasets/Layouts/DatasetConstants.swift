/// The per-dataset constants of method-spec §1.2.
public struct DatasetConstants: Sendable, Equatable {
    /// In-plane target resolution in mm (rows, columns of a slice).
    public var targetSpacing: [Double]
    /// Fixed slice size after crop/pad.
    public var sliceSize: Int
    /// Class names, index = label value after any remapping; 0 is background.
    public var classNames: [String]

    public var classCount: Int { classNames.count }

    public static let acdc = DatasetConstants(targetSpacing: [1.36719, 1.36719], sliceSize: 192,
                                              classNames: ["background", "RV", "Myo", "LV"])
    /// Label values kept raw and named by the MSD dataset.json (1 = PZ, 2 = TZ), spec §1.2.
    public static let prostate = DatasetConstants(targetSpacing: [0.625, 0.625], sliceSize: 192,
                                                  classNames: ["background", "PZ", "TZ"])
    public static let mmwhs = DatasetConstants(targetSpacing: [1.5, 1.5], sliceSize: 160,
                                               classNames: ["background", "Myo", "LA", "LV", "RA", "RV", "AA", "PA"])
}
