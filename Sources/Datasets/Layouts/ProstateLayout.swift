import Foundation

/// Medical Segmentation Decathlon Task05 Prostate: `imagesTr/prostate_NN.nii.gz` (4-D: channel 0 is
/// T2w, 1 is ADC) and `labelsTr/prostate_NN.nii.gz`. Split ids are three digits ("000"); the file
/// numbers are the same integers written with two digits.
enum ProstateLayout {
    static func files(root: String, id: String) throws -> CaseFiles {
        guard let n = Int(id), id.allSatisfy(\.isNumber) else {
            throw DatasetError(root, "Prostate id \"\(id)\" is not a number")
        }
        let name = String(format: "prostate_%02d.nii.gz", n)
        let image = try LayoutFiles.requireFile("\(root)/imagesTr/\(name)", "image")
        let label = try LayoutFiles.requireFile("\(root)/labelsTr/\(name)", "label")
        return CaseFiles(id: id, image: image, label: label, imageChannel: 0)
    }

    static func ids(root: String) throws -> [String] {
        try LayoutFiles.matches(in: "\(root)/labelsTr", /prostate_(\d+)\.nii\.gz/).map { String(format: "%03d", Int($0)!) }.sorted()
    }
}
