import CNIfTI
import Foundation

/// Header-level geometry checks, run before any voxel is decoded, so that a file whose voxel size,
/// orientation or frame count cannot be trusted stops with its name and the problem instead of
/// training on a wrong grid (issue 15 item 4). Each rule is an error: a researcher's data should be
/// fixed once, not silently reinterpreted by a fallback every run.
///
/// - pixdim[1…3] must be positive and finite: libnifti reads a pixdim of 0 as 1 mm, which resampling
///   would then use.
/// - The affine in use (sform when its code is set, else qform when its code is set) must be
///   invertible: an all-zero or singular matrix carries no orientation, and it would be copied into
///   every exported prediction.
/// - Its column norms (the voxel size the affine implies) must equal |pixdim[1…3]| to 0.1 %:
///   resampling uses pixdim, export and overlays use the affine, so the two must describe one grid.
///   (0.1 % passes float32 rounding of an oblique matrix and catches any real disagreement.)
/// - The frame count: a 4-D file is read as one volume only when its 4th dimension is 1, or when
///   the caller names the frame (Prostate MSD's channel 0); a 4-D image with 2 frames would
///   otherwise train on frame 0 without anyone knowing.
public enum NIfTIGeometry {
    /// The relative tolerance between |pixdim| and the affine's column norms.
    public static let spacingTolerance = 1e-3

    /// Throws the first problem of `header` (read from `path`); `rawPixdim` is pixdim[1…] as stored.
    public static func check(_ header: NIfTIHeader, rawPixdim: [Double], path: String, channelGiven: Bool) throws {
        let h = header
        if h.dims.count == 4, h.dims[3] != 1, !channelGiven {
            throw NIfTIError(path: path, kind: .unsupportedDimensions,
                             detail: "4-D image \(h.dims) with \(h.dims[3]) frames; a volume here is 3-D (or 4-D with one frame): "
                                 + "which frame is meant is not known, so none is picked (split the frames into files)")
        }
        for axis in 0..<min(3, rawPixdim.count) where !(rawPixdim[axis] != 0 && rawPixdim[axis].isFinite) {
            throw NIfTIError(path: path, kind: .badGeometry,
                             detail: "pixdim[\(axis + 1)] is \(format(rawPixdim[axis])): the voxel size is not given "
                                 + "(libnifti would read it as 1 mm)" + impliedSpacing(h))
        }
        guard let (name, code, affine) = selectedAffine(h) else { return }
        let norms = columnNorms(affine)
        if affine.m.prefix(12).allSatisfy({ $0 == 0 }) {
            throw NIfTIError(path: path, kind: .badGeometry,
                             detail: "\(name) (code \(code)) is all zero: no orientation or voxel size (set \(name)_code 0 or write the \(name))")
        }
        let det = determinant3(affine)
        guard det.isFinite, abs(det) > 1e-6 * norms.reduce(1, *) else {
            throw NIfTIError(path: path, kind: .badGeometry,
                             detail: "\(name) (code \(code)) is singular (3×3 determinant \(format(det)), column norms \(list(norms)) mm): "
                                 + "it maps the grid onto a plane or line")
        }
        let spacing = rawPixdim.prefix(3).map(abs)
        let gap = zip(spacing, norms).map { abs($0 - $1) / max($1, 1e-12) }.max() ?? 0
        if gap > spacingTolerance {
            throw NIfTIError(path: path, kind: .badGeometry,
                             detail: "pixdim \(list(spacing)) mm disagrees with the \(name)'s column norms \(list(norms)) mm (\(name) code \(code)); "
                                 + "resampling would use one and the exported affine the other: fix the header")
        }
    }

    /// The affine a reader uses and its name, nil when neither code is set (then the affine is pixdim).
    static func selectedAffine(_ h: NIfTIHeader) -> (String, Int, Affine)? {
        if h.sformCode > 0 { return ("sform", h.sformCode, h.sform) }
        if h.qformCode > 0 { return ("qform", h.qformCode, h.qform) }
        return nil
    }

    static func impliedSpacing(_ h: NIfTIHeader) -> String {
        guard let (name, _, affine) = selectedAffine(h) else { return "" }
        return "; the \(name)'s column norms say \(list(columnNorms(affine))) mm"
    }

    public static func columnNorms(_ a: Affine) -> [Double] {
        (0..<3).map { c in (0..<3).map { r in a[r, c] * a[r, c] }.reduce(0, +).squareRoot() }
    }

    static func determinant3(_ a: Affine) -> Double {
        a[0, 0] * (a[1, 1] * a[2, 2] - a[1, 2] * a[2, 1])
            - a[0, 1] * (a[1, 0] * a[2, 2] - a[1, 2] * a[2, 0])
            + a[0, 2] * (a[1, 0] * a[2, 1] - a[1, 1] * a[2, 0])
    }

    /// pixdim[1…7] as the file stores them (nil when the header cannot be read).
    static func rawPixdim(_ path: String, count: Int) -> [Double]? {
        var out = [Double](repeating: 0, count: 8)
        guard cnifti_raw_pixdim(path, &out) != 0 else { return nil }
        return Array(out[1...].prefix(count))
    }

    static func format(_ x: Double) -> String { x == x.rounded() && abs(x) < 1e9 ? String(Int(x)) : String(x) }
    static func list(_ xs: [Double]) -> String {
        "[" + xs.map { String(format: "%.6g", $0) }.joined(separator: ", ") + "]"
    }
}
