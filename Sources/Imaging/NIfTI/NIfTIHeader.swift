/// What a NIfTI header says about a file, for `cseg info` and for provenance.
public struct NIfTIHeader: Sendable, Equatable, Codable {
    /// 1 for NIfTI-1 (and ANALYZE), 2 for NIfTI-2.
    public var version: Int
    public var datatype: NIfTIDatatype
    /// dim[1...dim[0]].
    public var dims: [Int]
    /// pixdim[1...dim[0]] (mm for space when xyz_units is mm).
    public var pixdim: [Double]
    /// scl_slope (0 means no scaling) and scl_inter.
    public var sclSlope: Double
    public var sclInter: Double
    public var qformCode: Int
    public var sformCode: Int
    public var qform: Affine
    public var sform: Affine
    /// NIFTI_UNITS_* code of the spatial units (2 = mm).
    public var xyzUnits: Int
    public var description: String

    /// The affine a reader should use: sform when its code is set, else qform, else pixdim scaling.
    public var bestAffine: Affine {
        if sformCode > 0 { return sform }
        if qformCode > 0 { return qform }
        return .scaling(Array(pixdim.prefix(3)) + [Double](repeating: 1, count: max(0, 3 - pixdim.count)))
    }

    /// Whether scl_slope applies: NIfTI says a slope of 0 (or not finite) means "no scaling".
    public var appliesScaling: Bool { sclSlope != 0 && sclSlope.isFinite && (sclSlope != 1 || sclInter != 0) }
}
