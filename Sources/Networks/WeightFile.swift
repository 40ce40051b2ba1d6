import Engine
import HDF5

/// Weights in HDF5: one float32 dataset per variable, named by the variable (`enc_c1_a/W`,
/// `enc_c1_a/bn/moving_mean`, `reg_fc1/W`, `seg_pred/W`, ...), shaped as the tensor
/// (conv kernels `[C_out, C_in, kh, kw]`, dense kernels `[in, out]`). h5py reads them as they are.
public enum WeightFile {
    /// Writes `variables` to `path` atomically (a temporary file renamed into place).
    public static func save(_ variables: [Tensor], to path: String, attributes: [(String, String)] = []) throws {
        let file = try HDF5File.create(path)
        for v in variables {
            guard let name = v.name else { preconditionFailure("WeightFile.save: unnamed variable of shape \(v.shape)") }
            try file.write(v.data, shape: v.shape, to: name)
        }
        try file.setAttribute("format", "ContrastiveSeg weights v1")
        for (k, value) in attributes { try file.setAttribute(k, value) }
        try file.commit()
    }

    /// Copies the stored values of every variable with `select(name)` into `variables`, and returns the
    /// names copied. A selected variable missing from the file, or stored with another shape, is an error
    /// naming the file and the variable; nothing is modified unless every selected variable is present.
    @discardableResult
    public static func load(into variables: [Tensor], from path: String,
                            where select: (String) -> Bool = { _ in true }) throws -> [String] {
        let file = try HDF5File.open(path)
        var staged: [(Tensor, [Float])] = []
        for v in variables {
            guard let name = v.name, select(name) else { continue }
            guard file.datasetExists(name) else {
                throw WeightFileError(path: path, message: "variable '\(name)' is not in the file")
            }
            let (shape, values) = try file.readFloats(name)
            guard shape == v.shape else {
                throw WeightFileError(path: path, message: "variable '\(name)' has shape \(shape) in the file, the network expects \(v.shape)")
            }
            staged.append((v, values))
        }
        for (v, values) in staged { v.data = values }
        return staged.map { $0.0.name! }
    }
}

public struct WeightFileError: Error, CustomStringConvertible {
    public let path: String
    public let message: String
    public var description: String { "\(path): \(message)" }
}

/// Which variables move between stages (spec §5.1). Moving averages never move: batch-norm statistics
/// start afresh in the next stage, as in the original.
public enum WeightSelection {
    /// The encoder's trainable variables (global stage → local stage or fine-tuning).
    public static func encoder(_ name: String) -> Bool {
        name.hasPrefix("enc_") && !isMovingStatistic(name)
    }

    /// The encoder plus the first `l` decoder blocks (local stage → fine-tuning); never g1/g2 (`reg_*`, `seg_*`).
    public static func encoderAndDecoder(blocks l: Int) -> (String) -> Bool {
        let prefixes = (1...l).flatMap { b in ["dec_dc\(7 - b)/", "dec_c\(6 - b)_a/", "dec_c\(6 - b)_b/"] }
        return { name in
            !isMovingStatistic(name) && (name.hasPrefix("enc_") || prefixes.contains { name.hasPrefix($0) })
        }
    }

    /// Every trainable variable of the U-Net but its output layer (restoration pretexts → fine-tuning: the
    /// one-channel `seg_fin_layer` cannot become the K-class one).
    public static func allButOutput(_ name: String) -> Bool {
        !isMovingStatistic(name) && !name.hasPrefix("seg_fin_layer/")
    }

    public static func isMovingStatistic(_ name: String) -> Bool {
        name.hasSuffix("/moving_mean") || name.hasSuffix("/moving_variance")
    }
}
