import ArgumentParser
import Datasets
import Experiments
import Foundation

/// `cseg preprocess`: the per-volume preprocessing of method-spec §1.1 written out, as the original
/// stored it (`img_cropped.nii.gz`, `mask_cropped.nii.gz` per id), for inspection and comparison.
struct Preprocess: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Preprocess cases (optional N4, p1–p99 normalisation, in-plane rescale, crop/pad) and write them as NIfTI.")

    @Argument(help: "Data root (with --experiment: the experiment's).")
    var root: String?

    @Option(help: "Layout (with --experiment: the experiment's).")
    var layout: DatasetLayoutKind?

    @Option(help: "In-plane target spacing in mm: one number, or rows,columns (default: the layout's, method-spec §1.2).")
    var spacing: String?

    @Option(help: "Slice side after crop/pad, in pixels (default: the layout's).")
    var size: Int?

    @Option(help: "Experiment file: preprocess its data as its runs do (its data root, layout, and the preset's spacing and size, e.g. quick's 96² at twice the spacing).")
    var experiment: String?

    @Option(parsing: .upToNextOption, help: "Only these ids (default: every case found).")
    var ids: [String] = []

    @Option(help: "Output directory: OUT/<id>/img_cropped.nii.gz and mask_cropped.nii.gz, and OUT/preprocess.json.")
    var out: String

    @Flag(help: "Run N4 bias correction first (4 levels × 50 iterations, threshold 0.001, no mask, as the original); writes OUT/<id>/n4_log_bias_field.nii.gz.")
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

    func validate() throws {
        if experiment != nil {
            let given = [root.map { _ in "ROOT" }, layout.map { _ in "--layout" }, spacing.map { _ in "--spacing" }, size.map { _ in "--size" }]
                .compactMap { $0 }
            guard given.isEmpty else {
                throw ValidationError("--experiment sets the data root, layout, spacing and size; drop \(given.joined(separator: ", "))")
            }
        } else {
            guard root != nil, layout != nil else { throw ValidationError("give ROOT and --layout, or --experiment FILE") }
            if let spacing { _ = try Self.parseSpacing(spacing) }
            if let size, size < 1 { throw ValidationError("--size must be a positive number of pixels, got \(size)") }
        }
    }

    /// "1.5" → [1.5, 1.5]; "1.5,1.25" → [1.5, 1.25] (rows, columns); every value positive and finite.
    static func parseSpacing(_ text: String) throws -> [Double] {
        let parts = text.split(separator: ",", omittingEmptySubsequences: false).map { Double($0.trimmingCharacters(in: .whitespaces)) }
        guard [1, 2].contains(parts.count), parts.allSatisfy({ $0 != nil && $0!.isFinite && $0! > 0 }) else {
            throw ValidationError("--spacing must be one positive number of mm or two separated by a comma (rows,columns), got \"\(text)\"")
        }
        let values = parts.map { $0! }
        return values.count == 1 ? [values[0], values[0]] : values
    }

    func run() throws {
        let kind: DatasetLayoutKind, root: String, targetSpacing: [Double], sliceSize: Int
        // An experiment's split may declare the classes (issue 15): its label values are then the valid ones.
        var classes: ClassSet?
        if let experiment {
            let e = try ExperimentParser.read(experiment)
            try ExperimentData.ensurePhantom(e, harnessVersion: VersionReport.version) { print($0) }
            (kind, root, targetSpacing, sliceSize) = (e.data.layout, e.data.root, e.settings.scale.targetSpacing, e.settings.scale.inputSize)
            classes = e.classes(try SplitFileParser.read(e.data.split))
        } else {
            kind = layout!
            root = self.root!
            targetSpacing = try spacing.map(Self.parseSpacing) ?? kind.constants.targetSpacing
            sliceSize = size ?? kind.constants.sliceSize
        }
        let dataset = try Dataset(kind: kind, root: root, classes: classes)
        let pipeline = VolumePreprocessing(n4: n4 ? N4BiasCorrection() : nil,
                                           slices: SlicePreprocessor(targetSpacing: targetSpacing, size: sliceSize))
        let store = try PreprocessCache(directory: cache ?? "\(out)/.cache")
        var records: [Record] = []
        for id in ids.isEmpty ? try dataset.availableIDs() : ids {
            let c = try dataset.load(id)
            let files = try dataset.files(for: id)
            let dir = "\(out)/\(id)"
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
            // N4 once per case: its log bias field is written beside the arrays (as SimpleITK's
            // GetLogBiasFieldAsImage gives it), so the correction can be compared with the reference tools.
            let n4Result = try pipeline.n4.map { try $0(c.image, source: files.image) }
            if let r = n4Result {
                var field = c.image
                field.voxels = r.logBiasField.map { Float($0) }
                let path = "\(dir)/n4_log_bias_field.nii.gz"
                // The input's header when it is 3-D (or 4-D with one frame); a frame of a 4-D image gets a 3-D file.
                let header = try NIfTI.readHeader(files.image)
                if header.dims.dropFirst(3).allSatisfy({ $0 == 1 }) {
                    try NIfTI.write(field, to: path, as: .float32, description: "cseg N4 log bias field", headerFrom: files.image)
                } else {
                    try NIfTI.write(field, to: path, as: .float32, description: "cseg N4 log bias field")
                }
                print("\(id)  N4: \(r.iterations.map(String.init).joined(separator: "+")) iterations, log bias field \(path)")
            }
            let (s, outcome) = try store.slices(imageSHA256: c.imageSHA256, labelSHA256: c.labelSHA256,
                                                preprocessing: pipeline) {
                if let r = n4Result { return try pipeline.slices(image: r.corrected, label: c.label, source: files.image) }
                return try pipeline(image: c.image, label: c.label, source: files.image)
            }
            let n = s.geometry.size, z = s.geometry.sliceCount
            func volume(_ values: [Float]) -> Volume {
                let slices = (0..<z).map { Image2D(rows: n, columns: n, pixels: Array(values[($0 * n * n)..<(($0 + 1) * n * n)])) }
                let spacing = [targetSpacing[0], targetSpacing[1], c.image.spacing[2]]
                return Volume(slices: slices, spacing: spacing, affine: .scaling(spacing))
            }
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
        struct Summary: Codable {
            var preprocessing: String; var layout: String; var root: String; var targetSpacing: [Double]; var sliceSize: Int
            var cases: [Record]
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(Summary(preprocessing: pipeline.canonicalDescription, layout: kind.rawValue, root: root,
                                              targetSpacing: targetSpacing, sliceSize: sliceSize, cases: records))
        data.append(0x0A)
        let file = "\(out)/preprocess.json"
        try data.write(to: URL(fileURLWithPath: file), options: .atomic)
        print("wrote \(records.count) cases and \(file)")
    }
}
