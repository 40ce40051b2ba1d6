import CNIfTI

/// Axis letters of an affine, nibabel's `aff2axcodes` convention: for each voxel axis i, j, k the
/// world direction it points towards (R/L, A/P, S/I), e.g. "RAS" or "LPS". From libnifti's
/// `nifti_dmat44_to_orientation`, which orthogonalises the 3×3 part first.
public enum Orientation {
    public static func axisCodes(_ affine: Affine) -> String {
        var m = nifti_dmat44()
        withUnsafeMutableBytes(of: &m.m) { raw in
            let p = raw.bindMemory(to: Double.self)
            for i in 0..<16 { p[i] = affine.m[i] }
        }
        var i: Int32 = 0, j: Int32 = 0, k: Int32 = 0
        nifti_dmat44_to_orientation(m, &i, &j, &k)
        return [i, j, k].map(letter).joined()
    }

    static func letter(_ code: Int32) -> String {
        switch code {
        case NIFTI_L2R: "R"
        case NIFTI_R2L: "L"
        case NIFTI_P2A: "A"
        case NIFTI_A2P: "P"
        case NIFTI_I2S: "S"
        case NIFTI_S2I: "I"
        default: "?"
        }
    }

    /// Names of the NIfTI xform codes.
    public static func xformName(_ code: Int) -> String {
        switch code {
        case 0: "unknown"
        case 1: "scanner"
        case 2: "aligned"
        case 3: "talairach"
        case 4: "mni"
        case 5: "template"
        default: "invalid(\(code))"
        }
    }
}
