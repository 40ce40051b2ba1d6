import Foundation
import Imaging
import RunStore

/// A run file's test predictions as NIfTI label maps on the native grid, with the original affine
/// (`cseg export`), so any viewer or evaluation tool can read them next to the ground truth.
public enum PredictionExport {
    /// The run file's z-fastest `[X, Y, Z]` uint8 labels as the engine's x-fastest `Volume`.
    public static func volume(_ p: VolumePrediction) -> Volume {
        let (nx, ny, nz) = (p.shape[0], p.shape[1], p.shape[2])
        var voxels = [Float](repeating: 0, count: nx * ny * nz)
        for x in 0..<nx { for y in 0..<ny { for z in 0..<nz { voxels[x + nx * (y + ny * z)] = Float(p.labels[(x * ny + y) * nz + z]) } } }
        return Volume(shape: p.shape, voxels: voxels, spacing: p.spacing, affine: Affine(p.affine))
    }

    /// Writes `<directory>/<volume id>.nii.gz` (uint8) for every prediction of the run file; returns the paths.
    @discardableResult
    public static func write(runFile: String, to directory: String) throws -> [String] {
        let record = try RunFileReader.read(runFile)
        guard !record.predictions.isEmpty else { throw RunnerError(runFile, "holds no predictions (a pre-training run?)") }
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try record.predictions.map { p in
            let path = "\(directory)/\(p.volumeID).nii.gz"
            try NIfTI.write(volume(p), to: path, as: .uint8, description: "cseg \(record.runKey)")
            return path
        }
    }
}
