import Foundation

/// MM-WHS MRI: `mr_train_NNNN_image.nii.gz` and `mr_train_NNNN_label.nii.gz` in one directory,
/// labels 205, 420, 500, 550, 600, 820, 850 remapped to 1…7 in that order (spec §1.2; the released
/// code forgot this).
enum MMWHSLayout {
    static let rawLabels: [Float] = [205, 420, 500, 550, 600, 820, 850]

    static func files(root: String, id: String) throws -> CaseFiles {
        guard id.count == 4, id.allSatisfy(\.isNumber) else {
            throw DatasetError(root, "MMWHS id \"\(id)\" is not four digits (\"1001\")")
        }
        let image = try LayoutFiles.requireFile("\(root)/mr_train_\(id)_image.nii.gz", "image")
        let label = try LayoutFiles.requireFile("\(root)/mr_train_\(id)_label.nii.gz", "label")
        return CaseFiles(id: id, image: image, label: label, imageChannel: nil)
    }

    static func ids(root: String) throws -> [String] {
        try LayoutFiles.matches(in: root, /mr_train_(\d{4})_label\.nii\.gz/)
    }

    /// 0 stays 0, the seven raw values become 1…7; anything else is an error naming the value.
    static func remap(_ voxels: [Float], path: String) throws -> [Float] {
        var out = voxels
        for i in out.indices {
            let v = out[i]
            if v == 0 { continue }
            guard let k = rawLabels.firstIndex(of: v) else {
                throw DatasetError(path, "label value \(v) at voxel \(i) is not one of 0, 205, 420, 500, 550, 600, 820, 850")
            }
            out[i] = Float(k + 1)
        }
        return out
    }
}
