import Imaging
import Foundation

/// Surface distances in MedPy 0.5's convention (method-spec §11): the surface of a mask is its voxels
/// with at least one of the 6 face neighbours outside the mask or outside the image; distances are
/// Euclidean between voxel centres in mm, from each surface voxel to the nearest surface voxel of
/// the other mask.
public enum SurfaceDistance {
    /// Surface voxels of `mask` on grid `[X, Y, Z]`.
    public static func surface(_ mask: [Bool], shape: [Int]) -> [Bool] {
        let (nx, ny, nz) = (shape[0], shape[1], shape[2])
        var out = [Bool](repeating: false, count: mask.count)
        for z in 0..<nz { for y in 0..<ny { for x in 0..<nx {
            let i = x + nx * (y + ny * z)
            guard mask[i] else { continue }
            out[i] = x == 0 || x == nx - 1 || y == 0 || y == ny - 1 || z == 0 || z == nz - 1
                || !mask[i - 1] || !mask[i + 1] || !mask[i - nx] || !mask[i + nx]
                || !mask[i - nx * ny] || !mask[i + nx * ny]
        } } }
        return out
    }

    /// Distances (mm) from each surface voxel of `from` to the surface of `to`, in voxel order.
    /// Both masks must be non-empty.
    public static func directed(from: [Bool], to: [Bool], shape: [Int], spacing: [Double]) -> [Double] {
        let d2 = DistanceTransform.squaredDistances(to: surface(to, shape: shape), shape: shape, spacing: spacing)
        let source = surface(from, shape: shape)
        return source.indices.filter { source[$0] }.map { d2[$0].squareRoot() }
    }

    /// NumPy's default ('linear') percentile.
    public static func percentile(_ values: [Double], _ q: Double) -> Double {
        Percentile.numpyLinear(sorted: values.sorted(), percent: q)
    }
}
