import Imaging
import Planning
import RunStore

/// The one conversion between the engine's x-fastest `Volume` (`[X, Y, Z]`, index x + X·(y + Y·z)) and
/// a run file's `VolumePrediction` (`[X, Y, Z]` row-major, z fastest, as h5py and NumPy read it).
extension VolumePrediction {
    /// A predicted label map as the run file stores it.
    init(volumeID: String, labels v: Volume) {
        let (nx, ny, nz) = (v.shape[0], v.shape[1], v.shape[2])
        var labels = [UInt8](repeating: 0, count: nx * ny * nz)
        for x in 0..<nx { for y in 0..<ny { for z in 0..<nz { labels[(x * ny + y) * nz + z] = UInt8(v[x, y, z]) } } }
        self.init(volumeID: volumeID, shape: v.shape, labels: labels, affine: v.affine.m, spacing: v.spacing)
    }

    /// The stored label map back on the engine's grid, with its affine and spacing.
    public var volume: Volume {
        let (nx, ny, nz) = (shape[0], shape[1], shape[2])
        var voxels = [Float](repeating: 0, count: nx * ny * nz)
        for x in 0..<nx { for y in 0..<ny { for z in 0..<nz { voxels[x + nx * (y + ny * z)] = Float(labels[(x * ny + y) * nz + z]) } } }
        return Volume(shape: shape, voxels: voxels, spacing: spacing, affine: Affine(affine))
    }
}
