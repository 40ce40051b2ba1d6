import ArgumentParser
import Datasets
import Foundation

/// `cseg preprocess`: the per-volume preprocessing of method-spec §1.1 written out, as the original
/// stored it (`img_cropped.nii.gz`, `mask_cropped.nii.gz` per id), for inspection and comparison.
struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preprocess cases (optional N4, p1–p99 normalisation, in-plane rescale, crop/pad) and write them as NIfTI.")

    @Argument(help: "Data root.")
    var root: String

    @Option(help: "Layout: acdc, prostate or mmwhs.")
    var layout: String

    @Option(parsing: .upToNextOption, help: "Only these ids (default: every case found).")
    var ids: [String] = []

    @Option(help: "Output directory: OUT/<id>/img_cropped.nii.gz and mask_cropped.nii.gz, and OUT/preprocess.json.")
    var out: String

    @Flag(help: "Run N4 bias correction first (4 levels × 50 iterations, threshold 0.001, no mask, as the original).")
    var n4 = false

    @Option(help: "Cache directory for preprocessed volumes (default: OUT/.cache).")
    var cache: String?

    struct Record: Codable {
        var id: String
        var imageFileSHA256: String
        var labelFileSHA256: String
        var sliceShape: [Int]
        var p1: Float
        var p99: Float
        var imageSlicesSHA256: String
        var labelSlicesSHA256: String
    }

    func run() throws {
        guard let kind = DatasetLayoutKind(rawValue: layout) else {
            throw ValidationError("--layout must be one of \(DatasetLayoutKind.allCases.map(\.rawValue).joined(separator: ", ")), got \"\(layout)\"")
        }
        let dataset = try Dataset(kind: kind, root: root)
        let constants = dataset.constants
        let pipeline = VolumePreprocessing(n4: n4 ? N4BiasCorrection() : nil,
                                           slices: SlicePreprocessor(targetSpacing: constants.targetSpacing, size: constants.sliceSize))
        let store = try PreprocessCache(directory: cache ?? "\(out)/.cache")
        var records: [Record] = []
        for id in ids.isEmpty ? try dataset.availableIDs() : ids {
            let c = try dataset.load(id)
            let (s, outcome) = try store.slices(imageSHA256: c.imageSHA256, labelSHA256: c.labelSHA256,
                                                preprocessing: pipeline) {
                try pipeline(image: c.image, label: c.label, source: try dataset.files(for: id).image)
            }
            let n = s.geometry.size, z = s.geometry.sliceCount
            func volume(_ values: [Float]) -> Volume {
                let slices = (0..<z).map { Image2D(rows: n, columns: n, pixels: Array(values[($0 * n * n)..<(($0 + 1) * n * n)])) }
                let spacing = [constants.targetSpacing[0], constants.targetSpacing[1], c.image.spacing[2]]
                return Volume(slices: slices, spacing: spacing, affine: .scaling(spacing))
            }
            let dir = "\(out)/\(id)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            try NIfTI.write(volume(s.images), to: "\(dir)/img_cropped.nii.gz", as: .float32)
            try NIfTI.write(volume(s.labels!), to: "\(dir)/mask_cropped.nii.gz", as: .int16)
            let outcomeText: String
            switch outcome {
            case .hit: outcomeText = "hit"
            case .miss: outcomeText = "computed"
            case .replacedCorrupt: outcomeText = "recomputed (damaged entry replaced)"
            }
            print("\(id)  \(z)×\(n)×\(n)  p1 \(s.normalisation.low)  p99 \(s.normalisation.high)  \(outcomeText)")
            records.append(Record(id: id, imageFileSHA256: c.imageSHA256, labelFileSHA256: c.labelSHA256, sliceShape: s.shape,
                                  p1: s.normalisation.low, p99: s.normalisation.high, imageSlicesSHA256: s.imageHash,
                                  labelSlicesSHA256: s.labelHash!))
        }
        // Whether an entry came from the cache is not recorded: the file describes content only.
        struct Summary: Codable { var preprocessing: String; var layout: String; var root: String; var cases: [Record] }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Summary(preprocessing: pipeline.canonicalDescription, layout: layout, root: root,
                                              cases: records))
        data.append(0x0A)
        let file = "\(out)/preprocess.json"
        try data.write(to: URL(fileURLWithPath: file), options: .atomic)
        print("wrote \(records.count) cases and \(file)")
    }
}
