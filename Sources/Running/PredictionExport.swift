import Datasets
import Foundation
import Imaging
import Planning
import RunStore

/// A run file's test predictions as NIfTI label maps on the native grid (`cseg export`), each with the
/// header of the image it was predicted for, so any viewer or evaluation tool reads it next to the
/// ground truth exactly as it reads the image: dims (a 4-D singleton axis included), qform and sform
/// with their codes, units and affine are the input's (issue 15 item 3: rebuilding the header from the
/// stored affine turned qform/sform codes 2/1 and 0/4 into 1/1 and a 4-D t = 1 input into 3-D).
public enum PredictionExport {
    /// Writes `<directory>/<volume id>.nii.gz` (uint8) for every prediction of the run file, each with
    /// its input image's header; returns the paths. `dataRoot`: where the inputs are (nil: the run's
    /// recorded `/volatile/data_root`). Each input must still have the SHA-256 the run recorded: a
    /// changed image may have another header, and the prediction would be placed on it wrongly.
    @discardableResult
    public static func write(runFile: String, to directory: String, dataRoot: String? = nil) throws -> [String] {
        let record = try RunFileReader.read(runFile)
        guard !record.predictions.isEmpty else { throw RunnerError(runFile, "holds no predictions (a pre-training run?)") }
        let dataset = try inputs(record, runFile: runFile, dataRoot: dataRoot)
        // Every input is found and checked before the first file is written.
        let templates = try record.predictions.map { p in try input(of: p.volumeID, record, dataset, runFile: runFile) }
        // Class indices back to the label values the split file declared (brain = 4 stays 4).
        let labels = classLabels(record)
        let datatype: NIfTIDatatype = (labels?.max() ?? 0) > 255 ? .uint16 : .uint8
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        return try zip(record.predictions, templates).map { p, template in
            let path = "\(directory)/\(p.volumeID).nii.gz"
            var v = p.volume
            if let labels { v.voxels = v.voxels.map { Float(labels[Int($0)]) } }
            try NIfTI.write(v, to: path, as: datatype, description: "cseg \(record.runKey)", headerFrom: template)
            return path
        }
    }

    /// The declared label value of each class index, from the run's config; nil when the classes are a
    /// layout's (indices are written as they are, as before).
    static func classLabels(_ record: RunRecord) -> [Int]? {
        struct Config: Decodable { struct D: Decodable { var classLabels: [Int]? }; var dataset: D }
        let decoder = JSONDecoder()
        decoder.keyDecodingStrategy = .convertFromSnakeCase
        return (try? decoder.decode(Config.self, from: Data(record.configJSON.utf8)))?.dataset.classLabels
    }

    static func inputs(_ record: RunRecord, runFile: String, dataRoot: String?) throws -> Dataset {
        struct Layout: Decodable { struct D: Decodable { var layout: DatasetLayoutKind }; var dataset: D }
        guard let layout = try? JSONDecoder().decode(Layout.self, from: Data(record.configJSON.utf8)).dataset.layout else {
            throw RunnerError(runFile, "the run's config names no dataset layout, so its input images cannot be found")
        }
        let root = dataRoot ?? record.volatile.dataRoot
        do {
            return try Dataset(kind: layout, root: root)
        } catch {
            throw RunnerError(runFile, "the input images are needed for their headers: \(error)"
                              + (dataRoot == nil ? " (the root recorded in /volatile/data_root; give --data DIR)" : ""))
        }
    }

    static func input(of id: String, _ record: RunRecord, _ dataset: Dataset, runFile: String) throws -> String {
        let image = try dataset.files(for: id).image
        guard let recorded = record.inputs.volumes.first(where: { $0.id == id })?.imageSHA256 else {
            throw RunnerError(runFile, "records no SHA-256 for volume \(id), so its input image cannot be checked")
        }
        let sha = try ContentHash.sha256(fileAt: image)
        guard sha == recorded else {
            throw RunnerError(image, "sha256 \(sha), the run recorded \(recorded): the input of volume \(id) changed since the run, "
                              + "so its header may not be the prediction's grid")
        }
        return image
    }
}
