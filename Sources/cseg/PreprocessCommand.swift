import ArgumentParser
import Datasets
import Foundation
import Planning
import Running

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
        let export = PreprocessExport(dataset: dataset, pipeline: pipeline, out: out,
                                      cache: try PreprocessCache(directory: cache ?? "\(out)/.cache"))
        let cases = try export.write(ids: ids.isEmpty ? try dataset.availableIDs() : ids) { print($0) }
        print("wrote \(cases.count) cases and \(export.summaryPath)")
    }
}
